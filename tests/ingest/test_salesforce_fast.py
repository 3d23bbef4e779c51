"""The DuckDB reader of Salesforce exports gives exactly what the reference parser gives: the same raw rows, the
same rejected rows (field, reason and record), the same ledger, on generated exports with broken values and
broken structure; and it takes the fast path for clean ones."""

import csv
import io
from datetime import datetime

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ingest import loader, salesforce_fast
from ingest.landing import LandedFile
from ingest.salesforce import OBJECTS, REQUIRED
from tests.ingest.equivalence import assert_same, both

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT = st.text(st.sampled_from([*"ab Z9", ",", '"', "'", "\n", "\r", "\t", ";", "\u00e9", "\u2028", "\U0001f600",
                                "\x00", "\\"]), max_size=8)  # fmt: skip
ZONES = ["Z", "", "+01:00", "-0530", "+23:59", "-00:00", "+01", "+24:00", "z"]
ODD_DATETIMES = [
    "2024-03-05 14:22:10", "2024-03-05T24:00:00Z", "2024-02-30T10:00:00Z", "9999-12-31T23:00:00-05:00",
    "0001-01-01T00:00:00+01:00", "1699-12-31T23:59:59Z", "4001-01-01T00:00:00Z", " 2024-03-05T14:22:10Z",
    "2024-03-05T14:22:10.1234567Z", "20240305T142210Z", "2024-03-05", "nine", "2024-03-05T14:22:60Z",
    "2024-03-05T14:22:10,5Z", "4000-12-31T23:59:59.999999-23:59",
]  # fmt: skip
SPANS = st.sampled_from(["milliseconds", "seconds", "microseconds", "minutes"])
DATETIME = st.one_of(
    st.builds(lambda d, s, z: d.isoformat(timespec=s) + z, st.datetimes(), SPANS, st.sampled_from(ZONES)),
    st.builds(lambda d, z: d.isoformat(timespec="milliseconds") + z,
              st.datetimes(min_value=datetime(1690, 1, 1), max_value=datetime(4010, 1, 1)), st.sampled_from(ZONES)),
    st.sampled_from(ODD_DATETIMES),
)  # fmt: skip
DATE = st.one_of(st.dates().map(lambda d: d.isoformat()), DATETIME,
                 st.sampled_from(["20240305", "2024-W10-2", "2024-3-5", "2024-02-30", " 2024-03-05"]))
NUMBER_TEXT = st.sampled_from(["007", "5.0", "1e3", "-1", " 5", "\u0661\u0662", "1_000", "nan", "inf", "9" * 19,
                               "9007199254740993", "-0.0", "1e308", "1e309", ".5", "5.", "0x10"])  # fmt: skip
VALUES = {
    "TIMESTAMP": DATETIME,
    "DATE": DATE,
    "BOOLEAN": st.sampled_from(["true", "false", "1", "0", "TRUE", "False", "yes", " true", "tRuE"]),
    "BIGINT": st.one_of(st.integers(0, 10**17).map(str), NUMBER_TEXT),
    "DOUBLE": st.one_of(st.floats(0, 1e16).map(repr), NUMBER_TEXT,
                        st.builds("{}.{}".format, st.integers(0, 10**16), st.integers(0, 10**16))),
    "VARCHAR": TEXT,
}  # fmt: skip
# Ways to break one row's text, each one that DuckDB's reader alone would get wrong or refuse.
BREAKS = [
    "surplus", "trailing_comma", "missing", "space_before_quote", "space_after_quote", "quote_then_text",
    "bare_quote", "blank_line_before", "whitespace_line_before", "cr_line_end", "huge_field",
]  # fmt: skip


def _field(value: str, quote_all: bool) -> str:
    if quote_all or any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _broken(fields: list[str], how: str) -> str:
    first, rest = (fields[0], fields[1:]) if fields else ("", [])
    text = {
        "surplus": ",".join([*fields, "surplus"]),
        "trailing_comma": ",".join(fields) + ",",
        "missing": ",".join(fields[:-1]),
        "space_before_quote": ",".join([' "' + first.strip('"') + '"', *rest]),
        "space_after_quote": ",".join(['"' + first.strip('"') + '" ', *rest]),
        "quote_then_text": ",".join(['""x' + first.strip('"'), *rest]),
        "bare_quote": ",".join(['a"' + first.strip('"'), *rest]),
        "blank_line_before": "\n" + ",".join(fields),
        "whitespace_line_before": "  \n" + ",".join(fields),
        "cr_line_end": ",".join(fields) + "\r",
        "huge_field": ",".join(['"' + "x" * 140_000 + '"', *rest]),
    }
    return text[how]


@st.composite
def exports(draw) -> tuple[str, bytes]:
    """A file name and the bytes of an export of some object: any column order, optional and extra columns,
    canonical and odd values, empties, one of two quoting styles, and sometimes broken rows."""
    obj = draw(st.sampled_from(list(OBJECTS)))
    declared = [c for c in OBJECTS[obj].columns if not c.name.startswith("_")]
    optional = [c.name for c in declared if c.name not in REQUIRED[obj]]
    names = [*REQUIRED[obj], *draw(st.lists(st.sampled_from(optional), unique=True)),
             *draw(st.lists(st.sampled_from(["Rating__c", "Notes, \"quoted\"", " Spaced "]), unique=True))]  # fmt: skip
    names = draw(st.permutations(names))
    types = {c.name: c.type for c in declared}
    quote_all = draw(st.booleans())
    end = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [",".join(_field(n, quote_all) for n in names)]
    for _ in range(draw(st.integers(0, 6))):
        values = [draw(st.one_of(st.just(""), VALUES[types.get(n, "VARCHAR")])) for n in names]
        fields = [_field(v, quote_all) for v in values]
        how = draw(st.none() | st.sampled_from(BREAKS)) if draw(st.integers(0, 4)) == 0 else None
        lines.append(_broken(fields, how) if how else ",".join(fields))
    text = end.join(lines) + draw(st.sampled_from([end, "", end + end, '\n"unterminated, quote']))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return f"{obj}_generated.csv", (bom + text).encode("utf-8")


@SETTINGS
@given(exports())
def test_generated_exports_load_as_the_reference_parser_loads_them(export: tuple[str, bytes]):
    name, data = export

    kinds = assert_same("salesforce", name, data)

    event(f"read by {kinds}")


LEAD = "Id,Status,OwnerId,CreatedDate,LastModifiedDate"
AT = "2024-03-05T14:22:10.000Z"
CLEAN = f"{LEAD},NumberOfEmployees,AnnualRevenue,IsConverted,ConvertedDate,Rating__c\n" + "".join(
    f"00Q{i:015d},Open,005A,{AT},2024-03-05T14:22:10+01:00,{i},{i}.5,{'true' if i % 2 else 'false'},"
    f'2024-03-0{i % 9 + 1},"hot, ""very"""\n'
    for i in range(50)
)


def test_a_clean_export_takes_the_fast_path():
    assert assert_same("salesforce", "Lead_clean.csv", CLEAN.encode()) == ["_FastStaged"]


def test_odd_values_in_a_clean_export_are_typed_by_the_converters_and_rejected_with_their_records():
    odd = CLEAN.replace(f"00Q{7:015d},Open,005A,{AT}", f"00Q{7:015d},Open,005A,2024-03-05 14:22:10")
    odd = odd.replace(f"00Q{9:015d},Open,005A,{AT}", f'00Q{9:015d},"Op\r\nen",005A,5/3/2024')

    fast, reference, kinds = both("salesforce", "Lead_odd.csv", odd.encode())

    assert fast == reference and kinds == ["_FastStaged"]
    [(_, row, field, reason, record)] = fast["_rejected_rows"]
    assert (row, field) == (10, "CreatedDate") and "5/3/2024" in reason
    assert record.startswith(f'00Q{9:015d},"Op\r\nen",005A,5/3/2024')
    created = {r[0]: r[15] for r in fast["salesforce_leads"]}
    assert created[f"00Q{7:015d}"].isoformat() == "2024-03-05T14:22:10"


def test_the_record_of_a_row_after_blank_lines_is_recovered_as_delivered():
    text = f"{LEAD}\n1,Open,u,{AT},{AT}\n\n\n2,Open,u,{AT},later\n\n3,Open,u,{AT},{AT}\n"

    fast, reference, kinds = both("salesforce", "Lead_blank_lines.csv", text.encode())

    assert fast == reference and kinds == ["_FastStaged"]
    assert [r[1:] for r in fast["_rejected_rows"]] == [
        (2, "LastModifiedDate", "LastModifiedDate: 'later' is not an ISO-8601 datetime like 2024-03-05T14:22:10.000Z",
         f"2,Open,u,{AT},later\n"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        f'{LEAD}\n1, "Open",u,{AT},{AT}\n',  # DuckDB would read Open, the csv module reads ` "Open"`
        f'{LEAD}\n1,"Open" ,u,{AT},{AT}\n',  # DuckDB would read Open, the csv module rejects the row
        f"{LEAD}\n1,Open,u,{AT},{AT},\n",  # DuckDB would drop the empty sixth field
        f'{LEAD}\n1,""Open,u,{AT},{AT}\n',
        f'{LEAD}\n1,Open,u,{AT},{AT}\n"2,Open',  # an unterminated quote at the end
        f'{LEAD},"No\nte"\n1,Open,u,{AT},{AT},x\n',  # a header over two lines: the reference reads one
        f"{LEAD}\n1,Open,u,{AT},{AT}\r\n2,Open,u,{AT},{AT}\n",  # mixed line ends
        f"{LEAD}\n\t\n1,Open,u,{AT},{AT}\n",
    ],
    ids=[
        "space-before-quote", "space-after-quote", "trailing-comma", "quote-then-text", "unterminated",
        "two-line-header", "mixed-line-ends", "tab-line",
    ],
)  # fmt: skip
def test_what_duckdb_reads_otherwise_goes_to_the_reference_parser(text: str):
    assert assert_same("salesforce", "Lead_odd.csv", text.encode()) == ["Streamed"]


def test_row_numbers_follow_the_file_with_duckdbs_parallel_reader(tmp_path, monkeypatch):
    """Enough rows for DuckDB to read the file in parallel: each row's number is its place in the file."""
    monkeypatch.setattr(salesforce_fast, "MAX_LINE_BYTES", 1 << 16)  # small buffers: many parallel chunks
    rows = 300_000
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(LEAD.split(","))
    writer.writerows([f"00Q{i:015d}", "Open", "005A", AT, AT] for i in range(1, rows + 1))
    path = tmp_path / "salesforce" / "Lead_many.csv"
    path.parent.mkdir()
    path.write_text(out.getvalue())

    con = loader.connect(tmp_path / "w.duckdb")
    con.execute("set threads = 4")
    assert loader.load_file(con, LandedFile("salesforce", path)).rows_loaded == rows
    misplaced = con.execute(
        "select count(*) from raw.salesforce_leads where _row_number <> cast(Id[4:] as integer)"
    ).fetchone()[0]
    con.close()
    assert misplaced == 0
