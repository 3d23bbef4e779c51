"""The loader on a real DuckDB file: raw tables, the file ledger, rejected rows, exactly once, all or nothing."""

import hashlib
import shutil
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from ingest import loader
from ingest.landing import SOURCES, LandedFile
from ingest.records import ParsedFile
from ingest.schema import FILES, RAW_SCHEMA, RAW_TABLES, REJECTED_ROWS
from tests.ingest.fixture_landing import copy_fixtures

LANDING = {
    "salesforce": [
        "Lead_2024-03-05.csv", "Lead_bad_rows.csv", "Task_2024-03-05.csv", "User.csv", "LeadHistory_2024-03-05.csv",
    ],
    "mailbox": ["plain.mbox", "multipart.mbox", "broken_headers.mbox", "empty.mbox", "not_an_mbox.mbox"],
    "sendgrid": ["events_2024-03-05.json", "events_2024-03-06.jsonl", "broken.json"],
}  # fmt: skip
# (status, rows_total, rows_loaded, rows_rejected) per delivered file name.
EXPECTED_LEDGER = {
    "Lead_2024-03-05.csv": ("loaded", 2, 2, 0),
    "Lead_bad_rows.csv": ("partial", 8, 1, 7),
    "Task_2024-03-05.csv": ("loaded", 2, 2, 0),
    "User.csv": ("loaded", 3, 3, 0),
    "LeadHistory_2024-03-05.csv": ("loaded", 2, 2, 0),
    "Opportunity_2024-03-05.csv": ("failed", 0, 0, 0),
    "plain.mbox": ("loaded", 2, 2, 0),
    "multipart.mbox": ("loaded", 1, 1, 0),
    "broken_headers.mbox": ("partial", 4, 1, 3),
    "empty.mbox": ("loaded", 0, 0, 0),
    "not_an_mbox.mbox": ("failed", 0, 0, 0),
    "events_2024-03-05.json": ("partial", 7, 3, 4),
    "events_2024-03-06.jsonl": ("partial", 3, 2, 1),
    "broken.json": ("failed", 0, 0, 0),
}
EXPECTED_RAW_ROWS = {
    "salesforce_leads": 3,
    "salesforce_tasks": 2,
    "salesforce_users": 3,
    "salesforce_lead_history": 2,
    "mailbox_messages": 4,
    "mailbox_recipients": 7,
    "sendgrid_events": 5,
}


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    root = copy_fixtures(tmp_path / "landing", LANDING)
    (root / "salesforce" / "Opportunity_2024-03-05.csv").write_text("Id,Name\n006A,Big deal\n")
    return root


# No `Iterator[duckdb.DuckDBPyConnection]` return hint: with hypothesis loaded, typing's cache then keeps the
# DuckDB type alive past interpreter shutdown and nanobind prints "leaked instances" warnings.
@pytest.fixture
def con(tmp_path: Path):
    connection = loader.connect(tmp_path / "warehouse" / "warehouse.duckdb")
    yield connection
    connection.close()


def _load_all(con: duckdb.DuckDBPyConnection, landing: Path) -> list[loader.FileOutcome]:
    return [outcome for source in SOURCES for outcome in loader.load_source(con, landing, source)]


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = (*RAW_TABLES, FILES, REJECTED_ROWS)
    return {t.name: con.execute(f"select count(*) from {t.qualified}").fetchone()[0] for t in tables}


def _ledger(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    cursor = con.execute(f"select * from {FILES.qualified}")
    names = [d[0] for d in cursor.description]
    return {Path(row["path"]).name: row for row in (dict(zip(names, r, strict=True)) for r in cursor.fetchall())}


def test_load_fills_raw_tables_and_writes_one_ledger_row_per_file(con, landing: Path):
    outcomes = _load_all(con, landing)

    ledger = _ledger(con)
    assert {name: (row["status"], row["rows_total"], row["rows_loaded"], row["rows_rejected"])
            for name, row in ledger.items()} == EXPECTED_LEDGER  # fmt: skip
    assert {Path(o.path).name: o.status for o in outcomes} == {n: e[0] for n, e in EXPECTED_LEDGER.items()}
    for row in ledger.values():
        data = Path(row["path"]).read_bytes()
        assert (row["sha256"], row["bytes"]) == (hashlib.sha256(data).hexdigest(), len(data))
        assert row["rows_total"] == row["rows_loaded"] + row["rows_rejected"]
        assert isinstance(row["loaded_at"], datetime)
    assert {row["source"] for row in ledger.values()} == set(SOURCES)
    assert len({row["file_id"] for row in ledger.values()}) == len(ledger)
    counts = _counts(con)
    assert {t.name: counts[t.name] for t in RAW_TABLES} == EXPECTED_RAW_ROWS


def test_loaded_rows_carry_their_file_and_row_number_and_types(con, landing: Path):
    _load_all(con, landing)

    ledger = _ledger(con)
    lead = con.execute(
        "select _file_id, _row_number, IsConverted, CreatedDate, NumberOfEmployees from raw.salesforce_leads "
        "where Id = '00Q000000000015AAA'"
    ).fetchone()
    assert lead == (ledger["Lead_bad_rows.csv"]["file_id"], 5, False, datetime(2024, 3, 1, 9), 10)
    message = con.execute(
        "select _file_id, _row_number, sent_at from raw.mailbox_messages where message_id = 'm-2@acme.example'"
    ).fetchone()
    assert message == (ledger["plain.mbox"]["file_id"], 2, datetime(2024, 3, 5, 19, 30))
    extras = con.execute(
        "select json_extract_string(payload, '$.rep_id') from raw.sendgrid_events where sg_event_id = 'evt-001'"
    ).fetchone()
    assert extras == ("005A00000000001AAA",)


def test_rejected_rows_land_with_file_row_field_reason_and_record(con, landing: Path):
    _load_all(con, landing)

    file_id = _ledger(con)["Lead_bad_rows.csv"]["file_id"]
    rejected = con.execute(
        f"select row_number, field, reason, record from {REJECTED_ROWS.qualified} where file_id = ? order by 1",
        [file_id],
    ).fetchall()
    assert [(number, field) for number, field, _, _ in rejected] == [
        (1, "Status"), (2, "CreatedDate"), (3, "NumberOfEmployees"), (4, "AnnualRevenue"), (6, "IsConverted"),
        (7, None), (8, None),
    ]  # fmt: skip
    reasons = {number: reason for number, _, reason, _ in rejected}
    records = {number: record for number, _, _, record in rejected}
    assert "NumberOfEmployees" in reasons[3] and "-5" in reasons[3]
    assert records[8].rstrip("\n") == "00Q000000000018AAA,H,10,100,Open"
    mailbox_file = _ledger(con)["broken_headers.mbox"]["file_id"]
    fields = con.execute(
        f"select field from {REJECTED_ROWS.qualified} where file_id = ? order by row_number", [mailbox_file]
    ).fetchall()
    assert fields == [("Date",), ("Date",), ("From",)]


def test_broken_files_fail_with_a_clear_error_and_do_not_stop_the_others(con, landing: Path):
    outcomes = _load_all(con, landing)

    ledger = _ledger(con)
    errors = {name: row["error"] for name, row in ledger.items() if row["status"] == "failed"}
    assert set(errors) == {"Opportunity_2024-03-05.csv", "not_an_mbox.mbox", "broken.json"}
    assert "Opportunity_2024-03-05.csv" in errors["Opportunity_2024-03-05.csv"]
    assert "unknown Salesforce object" in errors["Opportunity_2024-03-05.csv"]
    assert "not an mbox" in errors["not_an_mbox.mbox"]
    assert "broken.json" in errors["broken.json"] and "invalid JSON" in errors["broken.json"]
    assert all(row["error"] is None for row in ledger.values() if row["status"] != "failed")
    failed = [o for o in outcomes if o.status == "failed"]
    assert {Path(o.path).name: o.error for o in failed} == errors


def test_loading_the_same_folder_again_adds_nothing(con, landing: Path):
    _load_all(con, landing)
    before = _counts(con)

    assert _load_all(con, landing) == []
    assert _counts(con) == before


def test_same_content_under_another_name_adds_nothing(con, landing: Path):
    _load_all(con, landing)
    before = _counts(con)
    copy = landing / "salesforce" / "2024" / "Lead_2024-03-05_again.csv"
    copy.parent.mkdir()
    shutil.copy(landing / "salesforce" / "Lead_2024-03-05.csv", copy)

    assert loader.load_file(con, LandedFile("salesforce", copy)) is None
    assert loader.load_source(con, landing, "salesforce") == []
    assert _counts(con) == before


def test_warehouse_reopened_remembers_what_it_loaded(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    first = loader.connect(warehouse)
    _load_all(first, landing)
    before = _counts(first)
    first.close()

    again = loader.connect(warehouse)
    try:
        assert _load_all(again, landing) == []
        assert _counts(again) == before
    finally:
        again.close()


def _crash_after_first_insert(monkeypatch: pytest.MonkeyPatch) -> None:
    real = loader._insert

    def insert_then_crash(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_insert", insert_then_crash)


def _crash_before_ledger(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_record", crash)


@pytest.mark.parametrize("crash", [_crash_after_first_insert, _crash_before_ledger])
def test_crash_mid_file_leaves_nothing_and_the_next_load_loads_it_whole(con, landing: Path, crash, monkeypatch):
    earlier = loader.load_file(con, LandedFile("mailbox", landing / "mailbox" / "plain.mbox"))
    before = _counts(con)
    victim = LandedFile("mailbox", landing / "mailbox" / "broken_headers.mbox")

    with monkeypatch.context() as patch:
        crash(patch)
        with pytest.raises(RuntimeError, match="disk full"):
            loader.load_file(con, victim)

    assert _counts(con) == before
    assert set(_ledger(con)) == {"plain.mbox"} and earlier.status == "loaded"
    outcome = loader.load_file(con, victim)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_rejected) == ("partial", 1, 3)
    after = _counts(con)
    assert after["mailbox_messages"] - before["mailbox_messages"] == 1
    assert after["mailbox_recipients"] - before["mailbox_recipients"] == 1
    assert after["_rejected_rows"] - before["_rejected_rows"] == 3
    assert after["_files"] - before["_files"] == 1


def test_a_value_the_warehouse_refuses_fails_that_file_only(con, landing: Path, monkeypatch):
    def unstorable(con, path: Path, scan, load_time) -> AbstractContextManager[ParsedFile]:
        parsed = ParsedFile(rows_total=2)
        parsed.add("salesforce_leads", {"Id": "ok", "_row_number": 1})
        parsed.add("salesforce_leads", {"Id": "too big", "NumberOfEmployees": 1e30, "_row_number": 2})
        return nullcontext(parsed)

    monkeypatch.setitem(loader.READERS, "salesforce", unstorable)
    outcomes = {Path(o.path).name: o for o in loader.load_source(con, landing, "salesforce")}

    assert {o.status for o in outcomes.values()} == {"failed"}
    assert "the warehouse refused a value" in outcomes["User.csv"].error
    assert "out of range" in outcomes["User.csv"].error
    assert _counts(con)["salesforce_leads"] == 0
    assert set(_ledger(con)) == set(outcomes)


def test_a_parser_defect_fails_that_file_and_the_others_still_load(con, landing: Path, monkeypatch):
    real = loader.READERS["mailbox"]

    def broken_on_plain(con, path: Path, scan, load_time):
        if path.name == "plain.mbox":
            raise KeyError("unexpected header layout")
        return real(con, path, scan, load_time)

    monkeypatch.setitem(loader.READERS, "mailbox", broken_on_plain)
    outcomes = {Path(o.path).name: o for o in loader.load_source(con, landing, "mailbox")}

    assert outcomes["plain.mbox"].status == "failed"
    assert outcomes["plain.mbox"].error == "plain.mbox: parser error KeyError: 'unexpected header layout'"
    assert outcomes["multipart.mbox"].status == "loaded"
    assert _counts(con)["mailbox_messages"] > 0


@pytest.mark.parametrize("table", [*RAW_TABLES, FILES, REJECTED_ROWS], ids=lambda t: t.name)
def test_tables_have_exactly_the_columns_declared_in_the_schema(con, table):
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [RAW_SCHEMA, table.name],
    ).fetchall()

    assert columns == [(c.name, c.type) for c in table.columns]


def test_a_forgotten_file_loads_again_whole_and_only_its_rows_went(con, landing: Path):
    _load_all(con, landing)
    full = _counts(con)
    victim = _ledger(con)["broken_headers.mbox"]

    assert loader.forget_file(con, victim["file_id"]) == victim["path"]
    gone = _counts(con)
    assert gone["_files"] == full["_files"] - 1
    assert gone["_rejected_rows"] == full["_rejected_rows"] - victim["rows_rejected"]
    assert gone["mailbox_messages"] == full["mailbox_messages"] - victim["rows_loaded"]
    assert loader.forget_file(con, victim["file_id"]) is None

    reloaded = loader.load_source(con, landing, "mailbox")
    assert [Path(o.path).name for o in reloaded] == ["broken_headers.mbox"]
    assert _counts(con) == full
