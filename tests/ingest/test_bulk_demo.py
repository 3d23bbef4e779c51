"""The bulk generator (benchmark data): reproducible, laid out as a landing folder, loadable by the loaders
with exactly the planted rejects, and an increment that holds only the next day."""

import csv
import hashlib
import re
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from ingest.demo.bulk import BulkResult, Counts, write_bulk
from ingest.demo.bulk.salesforce import COLUMNS
from ingest.landing import SOURCES
from ingest.loader import connect, load_source

END = datetime(2025, 3, 14, 18, 0)
ID_PREFIXES = {"Id": None, "WhoId": "00Q", "LeadId": "00Q", "OwnerId": "005", "ManagerId": "005"}
OBJECT_PREFIX = {"Lead": "00Q", "Task": "00T", "User": "005", "LeadHistory": "017"}


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def _names(folder: Path, source: str) -> list[str]:
    return sorted(p.name for p in (folder / source).iterdir())


def _load(folder: Path, warehouse: Path) -> duckdb.DuckDBPyConnection:
    con = connect(warehouse)
    for source in SOURCES:
        load_source(con, folder, source)
    return con


def _one(con: duckdb.DuckDBPyConnection, sql: str):
    return con.execute(sql).fetchone()[0]


def _values(con: duckdb.DuckDBPyConnection, sql: str) -> set:
    return {row[0] for row in con.execute(sql).fetchall()}


@pytest.fixture(scope="module")
def bulk(tmp_path_factory) -> BulkResult:
    return write_bulk(tmp_path_factory.mktemp("bulk"), "S", seed=3, end=END)


@pytest.fixture(scope="module")
def loaded(bulk, tmp_path_factory) -> dict[str, duckdb.DuckDBPyConnection]:
    """The base and the increment, each loaded into its own warehouse by the project's loader."""
    root = tmp_path_factory.mktemp("warehouses")
    connections = {
        "base": _load(bulk.landing, root / "base.duckdb"),
        "next_day": _load(bulk.increment, root / "increment.duckdb"),
    }
    yield connections
    for con in connections.values():
        con.close()


def test_same_seed_and_end_give_identical_bytes_and_another_seed_does_not(bulk, tmp_path):
    again = write_bulk(tmp_path / "again", "S", seed=3, end=END)
    other = write_bulk(tmp_path / "other", "S", seed=4, end=END)
    assert _hashes(again.landing) == _hashes(bulk.landing)
    assert _hashes(again.increment) == _hashes(bulk.increment)
    assert _hashes(other.landing) != _hashes(bulk.landing)
    assert (again.base, again.next_day) == (bulk.base, bulk.next_day)


def test_the_as_of_times_and_sizes(bulk):
    assert bulk.base_as_of == END and bulk.increment_as_of == datetime(2025, 3, 15, 18, 0)
    assert (bulk.size.leads, bulk.size.reps, bulk.size.days) == (800, 8, 90)
    assert bulk.users == 10  # 8 reps and the managers of their 2 teams


def test_landing_and_increment_are_laid_out_like_the_real_exports(bulk):
    assert _names(bulk.landing, "salesforce") == [
        "LeadHistory_2025-03-14_01.csv", "Lead_2025-02-28_01.csv", "Lead_2025-03-14_01.csv",
        "Task_2025-02-28_open.csv", "Task_2025-03-14_01.csv", "User.csv",
    ]  # fmt: skip
    assert _names(bulk.increment, "salesforce") == [
        "LeadHistory_2025-03-15_delta.csv", "Lead_2025-03-15_delta.csv", "Task_2025-03-15_delta.csv",
    ]  # fmt: skip
    base_boxes, next_boxes = _names(bulk.landing, "mailbox"), _names(bulk.increment, "mailbox")
    assert len(base_boxes) == bulk.users and all(re.fullmatch(r"[a-z]+\.[a-z]+\.mbox", n) for n in base_boxes)
    assert next_boxes and all(re.fullmatch(r"[a-z]+\.[a-z]+_2025-03-15\.mbox", n) for n in next_boxes)
    events = _names(bulk.landing, "sendgrid")
    assert all(re.fullmatch(r"events_\d{4}-\d\d-\d\dT\d{6}_\d\d\.jsonl?", n) for n in events)
    assert any(n.endswith(".jsonl") for n in events) and any(n.endswith(".json") for n in events)
    for source in SOURCES:  # the increment can be copied into the landing folder without overwriting a file
        assert not set(_names(bulk.landing, source)) & set(_names(bulk.increment, source))


def test_csv_exports_have_the_documented_columns_and_salesforce_ids(bulk):
    for folder in (bulk.landing, bulk.increment):
        for path in sorted((folder / "salesforce").glob("*.csv")):
            obj = path.name.split("_")[0].removesuffix(".csv")
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                assert tuple(reader.fieldnames) == COLUMNS[obj], path.name
                for row in reader:
                    for column, prefix in ID_PREFIXES.items():
                        value = row.get(column)
                        if value:
                            assert re.fullmatch(r"[0-9A-Za-z]{18}", value), (path.name, column, value)
                            assert value.startswith(prefix or OBJECT_PREFIX[obj]), (path.name, column, value)


def _rejects(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], int]:
    rows = con.execute(
        "select f.source, r.field, count(*) from raw._rejected_rows r join raw._files f using (file_id) group by all"
    ).fetchall()
    return {(source, field): n for source, field, n in rows}


@pytest.mark.parametrize("part", ["base", "next_day"])
def test_every_file_loads_with_exactly_the_planted_rejects(bulk, loaded, part):
    con, counts = loaded[part], getattr(bulk, part)
    folder = getattr(bulk, "landing" if part == "base" else "increment")
    # every file is in the ledger: none had the same bytes as another (the loader would skip it as re-sent)
    assert _one(con, "select count(*) from raw._files") == sum(1 for p in folder.rglob("*") if p.is_file())
    assert _one(con, "select count(*) from raw._files where status = 'failed'") == 0
    planted = {("salesforce", "CompletedDateTime"): counts.bad_tasks, ("mailbox", "Date"): counts.bad_messages}
    assert _rejects(con) == planted
    assert counts.bad_tasks >= 1 and counts.bad_messages >= 1


def _loaded_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = ("salesforce_leads", "salesforce_tasks", "salesforce_users", "salesforce_lead_history",
              "mailbox_messages", "sendgrid_events")  # fmt: skip
    return {table: _one(con, f"select count(*) from raw.{table}") for table in tables}


def _expected(counts: Counts) -> dict[str, int]:
    return {
        "salesforce_leads": counts.lead, "salesforce_tasks": counts.task - counts.bad_tasks,
        "salesforce_users": counts.user, "salesforce_lead_history": counts.lead_history,
        "mailbox_messages": counts.messages - counts.bad_messages, "sendgrid_events": counts.events,
    }  # fmt: skip


@pytest.mark.parametrize("part", ["base", "next_day"])
def test_the_counts_match_what_loaded(bulk, loaded, part):
    assert _loaded_counts(loaded[part]) == _expected(getattr(bulk, part))


def test_redelivered_events_come_again_in_a_later_post(bulk, loaded):
    base, increment = loaded["base"], loaded["next_day"]
    twice = "select count(*) - count(distinct sg_event_id) from raw.sendgrid_events"
    assert _one(base, twice) == bulk.base.redelivered_events > 0
    in_one_file = "select sg_event_id from raw.sendgrid_events group by all having count(distinct _file_id) < count(*)"
    assert _one(base, f"select count(*) from ({in_one_file})") == 0
    seen_before = _values(increment, "select sg_event_id from raw.sendgrid_events") & _values(
        base, "select sg_event_id from raw.sendgrid_events"
    )
    assert _one(increment, twice) + len(seen_before) == bulk.next_day.redelivered_events >= 3


STAMPS = {
    "salesforce_leads": ('"CreatedDate"', '"LastModifiedDate"'),
    "salesforce_tasks": ('"CreatedDate"', '"LastModifiedDate"', '"CompletedDateTime"'),
    "salesforce_lead_history": ('"CreatedDate"',),
    "mailbox_messages": ("sent_at",),
    "sendgrid_events": ("event_at",),
}


def _range(con: duckdb.DuckDBPyConnection, table: str, column: str) -> tuple[datetime, datetime]:
    return con.execute(f"select min({column}), max({column}) from raw.{table}").fetchone()


def test_nothing_is_stamped_after_its_as_of(bulk, loaded):
    for table, columns in STAMPS.items():
        for column in columns:
            assert _range(loaded["base"], table, column)[1] <= bulk.base_as_of, (table, column)
            assert _range(loaded["next_day"], table, column)[1] <= bulk.increment_as_of, (table, column)


def test_the_increment_holds_the_next_day_and_late_webhook_events(bulk, loaded):
    con = loaded["next_day"]
    for table, column in (("salesforce_leads", '"LastModifiedDate"'), ("salesforce_tasks", '"LastModifiedDate"'),
                          ("salesforce_lead_history", '"CreatedDate"'), ("mailbox_messages", "sent_at")):  # fmt: skip
        assert _range(con, table, column)[0] > bulk.base_as_of, table
    late = _one(con, f"select count(*) from raw.sendgrid_events where event_at <= '{bulk.base_as_of}'")
    assert late >= 3  # SendGrid retries: events of the previous days arrive with the next day's POSTs


def test_the_world_has_what_the_marts_look_for(loaded):
    con = loaded["base"]
    owners = _values(con, 'select "OwnerId" from raw.salesforce_leads')
    managers = _values(con, 'select "ManagerId" from raw.salesforce_users where "ManagerId" is not null')
    assert managers and not owners & managers  # managers own no leads
    assert len(_values(con, 'select "Department" from raw.salesforce_users')) == 2
    statuses = _values(con, "select \"NewValue\" from raw.salesforce_lead_history where \"Field\" = 'Status'")
    assert statuses == {"Working - Contacted", "Closed - Converted", "Closed - Not Converted", "Nurture"}
    assert _one(con, 'select count(*) from raw.salesforce_leads where "Email" <> lower("Email")') > 0
    shared = 'select lower("Email") from raw.salesforce_leads group by 1 having count(distinct "Id") > 1'
    assert _one(con, f"select count(*) from ({shared})") > 0
    calls = "select coalesce(\"CallDisposition\", '') from raw.salesforce_tasks where \"TaskSubtype\" = 'Call'"
    assert {"Connected", "No Answer", "Left Voicemail", ""} <= _values(con, calls)
    assert _one(con, 'select count(*) from raw.salesforce_tasks where "IsDeleted"') > 0
    assert _one(con, "select count(*) from raw.mailbox_messages where in_reply_to is not null") > 0


def test_most_email_tasks_have_their_message_within_ten_minutes(loaded):
    matched = loaded["base"].execute(
        """
        with tasks as (
            select t."Id", t."CompletedDateTime" as at, lower(l."Email") as email, lower(u."Email") as rep
            from raw.salesforce_tasks t
            join raw.salesforce_leads l on l."Id" = t."WhoId"
            join raw.salesforce_users u on u."Id" = t."OwnerId"
            where t."TaskSubtype" = 'Email'
        ),
        sent as (
            select m.sent_at, lower(m.from_address) as rep, lower(r.address) as email
            from raw.mailbox_messages m join raw.mailbox_recipients r using (message_id)
        )
        select avg((exists (select 1 from sent s where s.rep = t.rep and s.email = t.email
                            and abs(epoch(s.sent_at) - epoch(t.at)) <= 600))::int)
        from (select distinct * from tasks) t
        """
    ).fetchone()[0]
    assert 0.5 < matched < 0.95


def test_mail_comes_in_a_realistic_mix_of_encodings(bulk):
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((bulk.landing / "mailbox").glob("*.mbox")))
    messages = text.count("\nMessage-ID: ") + text.startswith("Message-ID: ")
    multipart = text.count("Content-Type: multipart/alternative;")
    assert 0.15 < multipart / messages < 0.35
    assert "Content-Transfer-Encoding: quoted-printable" in text and "Content-Transfer-Encoding: 7bit" in text
    assert "\n>From " in text  # body lines starting with "From " are escaped, as mbox writers do
    encoded = [line for line in text.split("\n") if re.search("=(E2|C3)=", line) and "?q?" not in line]
    assert encoded and max(len(line) for line in encoded) <= 76  # quoted-printable lines stay within 76
