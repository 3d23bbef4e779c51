"""Property: whatever mix of good and broken rows a Lead export holds, nothing is lost and nothing loads twice."""

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import loader
from ingest.landing import LandedFile
from ingest.schema import FILES, REJECTED_ROWS, SALESFORCE_LEADS

COLUMNS = [c.name for c in SALESFORCE_LEADS.columns if not c.name.startswith("_")]
REQUIRED = ["Id", "Status", "OwnerId", "CreatedDate", "LastModifiedDate"]
# A corruption either puts one bad value into a field or breaks the row's shape.
BAD_VALUES = {
    "empty_required": ("Status", ""),
    "bad_datetime": ("CreatedDate", "2024-13-45T25:61:00.000Z"),
    "out_of_range_datetime": ("LastModifiedDate", "9999-12-31T23:00:00.000-05:00"),
    "negative": ("NumberOfEmployees", "-3"),
    "too_large": ("NumberOfEmployees", "1e30"),
    "non_numeric": ("AnnualRevenue", "a lot"),
    "bad_boolean": ("IsConverted", "yes"),
}
CORRUPTIONS = [*BAD_VALUES, "too_many_fields", "too_few_fields"]

# Free text with the characters that make CSV hard: separators, quotes, line breaks, non-ASCII.
TEXT = st.text(st.sampled_from([*"ab Z9", ",", '"', "'", "\n", "\r", "\t", ";", "\u00e9", "\u2028", "\U0001f600"]),
               max_size=8)  # fmt: skip
REQUIRED_TEXT = TEXT.filter(bool)
DATETIME = st.datetimes().map(lambda d: d.isoformat(timespec="milliseconds") + "Z")
BOOLEAN = st.sampled_from(["true", "false", "1", "0", ""])
FIELDS = {
    "Id": REQUIRED_TEXT,
    "Status": REQUIRED_TEXT,
    "OwnerId": REQUIRED_TEXT,
    "CreatedDate": DATETIME,
    "LastModifiedDate": DATETIME,
    "NumberOfEmployees": st.one_of(st.just(""), st.integers(0, 10**15).map(str)),
    "AnnualRevenue": st.one_of(st.just(""), st.floats(0, 1e12).map(repr)),
    "IsConverted": BOOLEAN,
    "IsDeleted": BOOLEAN,
    "ConvertedDate": st.one_of(st.just(""), st.dates().map(lambda d: d.isoformat())),
}
VALID_ROW = st.fixed_dictionaries({name: FIELDS.get(name, TEXT) for name in COLUMNS})


def _corrupt(row: dict, kind: str, columns: list[str]) -> list[str]:
    if kind in BAD_VALUES:
        field, value = BAD_VALUES[kind]
        row = {**row, field: value}
    values = [row[c] for c in columns]
    if kind == "too_many_fields":
        return [*values, "surplus"]
    if kind == "too_few_fields":
        return values[:-3]
    return values


@st.composite
def lead_exports(draw) -> tuple[bytes, list[str | None]]:
    """The file's bytes and, per data record, the Id it must load as (None when it must be rejected)."""
    columns = draw(st.permutations(COLUMNS))
    rows = draw(st.lists(st.tuples(VALID_ROW, st.none() | st.sampled_from(CORRUPTIONS)), max_size=8))
    out = io.StringIO()
    # Data Loader quotes every field; other exporters quote only where needed (CRLF, so a bare CR is quoted too).
    style = draw(st.sampled_from([{"quoting": csv.QUOTE_ALL, "lineterminator": "\n"}, {"lineterminator": "\r\n"}]))
    writer = csv.writer(out, **style)
    writer.writerow(columns)
    expected = []
    for row, corruption in rows:
        writer.writerow(_corrupt(row, corruption, columns) if corruption else [row[c] for c in columns])
        expected.append(None if corruption else row["Id"])
    if draw(st.booleans()):
        out.write('"an unterminated quote,\nswallows the rest')
        expected.append(None)
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return (bom + out.getvalue()).encode("utf-8"), expected


def _counts(con) -> list[int]:
    tables = (SALESFORCE_LEADS, REJECTED_ROWS, FILES)
    return [con.execute(f"select count(*) from {t.qualified}").fetchone()[0] for t in tables]


def _numbered(expected: list[str | None], *, loaded: bool) -> list[tuple[int, str | None]]:
    return [(i, row_id) for i, row_id in enumerate(expected, start=1) if (row_id is not None) == loaded]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lead_exports())
def test_lead_export_loads_every_record_once_as_a_row_or_a_rejection(export: tuple[bytes, list[str | None]]):
    data, expected = export
    with tempfile.TemporaryDirectory() as folder:
        landed = LandedFile("salesforce", Path(folder) / "Lead_generated.csv")
        landed.path.write_bytes(data)
        con = loader.connect(Path(folder) / "warehouse.duckdb")
        try:
            outcome = loader.load_file(con, landed)

            assert outcome.rows_total == outcome.rows_loaded + outcome.rows_rejected == len(expected)
            assert outcome.status == ("partial" if None in expected else "loaded")
            loaded = con.execute(f"select _row_number, Id from {SALESFORCE_LEADS.qualified} order by 1").fetchall()
            assert loaded == _numbered(expected, loaded=True)
            rejected = con.execute(f"select distinct row_number from {REJECTED_ROWS.qualified} order by 1").fetchall()
            assert [n for (n,) in rejected] == [n for n, _ in _numbered(expected, loaded=False)]
            counts = _counts(con)

            assert loader.load_file(con, landed) is None
            assert _counts(con) == counts
        finally:
            con.close()
