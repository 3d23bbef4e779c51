"""One run over a landing folder holding the hostile files together (issue 12): the demo's Salesforce exports
rewritten the way real ones come (15-character WhoIds against 18-character leads, a second Lead export with
15-character ids, the empty lookup, UPPERCASE headers, a User export without Name in UTF-16, a Lead export in
Windows-1252 with a long multi-line text and a record with a broken quote), a mailbox whose senders wrote what they
liked (a Date in 3609, a display name holding an @, a raw 8-bit Subject, a body line starting "From ") and a
SendGrid body that is not UTF-8. The run completes, builds the same marts as the demo's own exports, and every
row of every file is in raw or among the rejected rows."""

import csv
import io
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.demo import write_demo
from orchestration.runner import run_pipeline
from tests.conftest import FIXTURES, query

pytestmark = pytest.mark.slow

END = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
EMPTY_LOOKUP = "000000000000000AAA"
PHANTOM_ID = "00Q5g00000PhAnTEAI"  # a lead-shaped line inside a text: never a lead
HOSTILE = FIXTURES / "hostile"
RAW_ROWS = """
    select _file_id as file_id, count(distinct _row_number) as n from (
        select _file_id, _row_number from raw.salesforce_leads union all
        select _file_id, _row_number from raw.salesforce_tasks union all
        select _file_id, _row_number from raw.salesforce_users union all
        select _file_id, _row_number from raw.salesforce_lead_history union all
        select _file_id, _row_number from raw.mailbox_messages union all
        select _file_id, _row_number from raw.sendgrid_events
    ) group by _file_id
"""
MARTS = {
    "lead_aging": "select * from marts.lead_aging order by lead_id",
    "coverage": "select * from marts.follow_up_coverage_daily order by owner_id, day",
}


def _read(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding=encoding), newline="")))


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    out = io.StringIO(newline="")
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))


def _tasks_with_15_character_who_ids(path: Path) -> None:
    header, *rows = _read(path)
    who, owner = header.index("WhoId"), header.index("OwnerId")
    for row in rows:
        row[who] = row[who][:15]
    about_nobody = [*rows[0][:who], EMPTY_LOOKUP, *rows[0][who + 1 :]]
    about_nobody[header.index("Id")] = "00T5g00000NoBoDEAI"
    about_nobody[owner] = rows[0][owner]
    _write(path, [[h.upper() for h in header], *rows, about_nobody])


def _users_without_name_in_utf16(path: Path) -> None:
    header, *rows = _read(path)
    name, manager = header.index("Name"), header.index("ManagerId")
    out = [[*header[:name], "FirstName", "LastName", *header[name + 1 :]]]
    for row in rows:
        row[manager] = row[manager] or EMPTY_LOOKUP
        first, _, last = row[name].partition(" ")
        out.append([*row[:name], first, last, *row[name + 1 :]])
    _write(path, out, "utf-16")


def _leads_in_windows_1252(path: Path) -> list[list[str]]:
    header, *rows = _read(path)
    notes = "\n".join(f'call {i}: "left a voicemail", will try again' for i in range(3_000))
    phantom = f"{PHANTOM_ID},Open,{rows[0][header.index('OwnerId')]},x"
    described = [[*header, "Description"], [*rows[0], f"{notes}\n{phantom}\nend"], *[[*r, "Café €"] for r in rows[1:]]]
    _write(path, described, "cp1252")
    fields = ",".join(f'"{v}"' for v in ["00Q5g00000BrOkEAAA", *rows[0][1:]])
    broken = f'{fields},"said "hi"\r\n{phantom}\r\nend"\r\n'
    path.write_bytes(path.read_bytes() + broken.encode("cp1252"))
    return rows


def _lead_copy_with_15_character_ids(path: Path, header: list[str], rows: list[list[str]]) -> None:
    lead, owner = header.index("Id"), header.index("OwnerId")
    _write(path, [header, *([*r[:lead], r[lead][:15], *r[lead + 1 : owner], r[owner][:15], *r[owner + 1 :]]
                            for r in rows[:10])])  # fmt: skip


def _as_real_exports(landing: Path) -> None:
    salesforce = landing / "salesforce"
    header = _read(salesforce / "Lead_2024-06-01.csv")[0]
    for task in salesforce.glob("Task_*.csv"):
        _tasks_with_15_character_who_ids(task)
    _users_without_name_in_utf16(salesforce / "User.csv")
    rows = _leads_in_windows_1252(salesforce / "Lead_2024-06-01.csv")
    _lead_copy_with_15_character_ids(salesforce / "Lead_2024-06-02_report.csv", header, rows)
    for source, name in (("mailbox", "hostile.mbox"), ("sendgrid", "latin1_body.json")):
        shutil.copy(HOSTILE / source / name, landing / source / name)


def _run(root: Path, instance, real: bool) -> tuple[bool, Path]:
    write_demo(root / "landing", leads=60, reps=3, days=30, end=END)
    if real:
        _as_real_exports(root / "landing")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RADAR_LANDING_DIR", str(root / "landing"))
        env.setenv("RADAR_WAREHOUSE", str(root / "warehouse.duckdb"))
        env.setenv("RADAR_AS_OF", END.strftime("%Y-%m-%d %H:%M:%S"))
        result = run_pipeline(instance)
    return result.success, root / "warehouse.duckdb"


@pytest.fixture(scope="module")
def runs(tmp_path_factory, instance) -> dict[str, tuple[bool, Path]]:
    return {kind: _run(tmp_path_factory.mktemp(kind), instance, kind == "real") for kind in ("demo", "real")}


def test_both_runs_complete(runs):
    assert [ok for ok, _ in runs.values()] == [True, True]


@pytest.mark.parametrize("mart", sorted(MARTS))
def test_real_exports_build_the_marts_the_demos_own_exports_build(runs, mart: str):
    demo, real = (query(warehouse, MARTS[mart]) for _, warehouse in runs.values())
    assert len(demo) > 0 and real == demo


def test_no_lead_comes_from_inside_a_text_and_every_row_of_every_file_is_accounted_for(runs):
    _, warehouse = runs["real"]
    assert query(warehouse, f"select count(*) as n from marts.lead_aging where lead_id like '{PHANTOM_ID[:12]}%'") \
        == [{"n": 0}]
    files = query(warehouse, "select file_id, path, status, rows_total, rows_loaded, rows_rejected, error "
                             "from raw._files")  # fmt: skip
    by_name = {Path(f["path"]).name: f for f in files}
    assert {f["status"] for f in files} <= {"loaded", "partial", "failed"}
    assert [name for name, f in by_name.items() if f["status"] == "failed"] == ["latin1_body.json"]
    assert "not UTF-8" in by_name["latin1_body.json"]["error"]
    loaded = {r["file_id"]: r["n"] for r in query(warehouse, RAW_ROWS)}
    for f in files:
        assert f["rows_total"] == f["rows_loaded"] + f["rows_rejected"], f["path"]
        assert loaded.get(f["file_id"], 0) == f["rows_loaded"], f["path"]
    lead = by_name["Lead_2024-06-01.csv"]
    assert (lead["status"], lead["rows_rejected"]) == ("partial", 1)
    assert lead["error"].endswith("RADAR_SALESFORCE_ENCODING is not set: read as Windows-1252")
    rejected = query(warehouse, "select file_id, row_number, field, reason, record from raw._rejected_rows")
    [broken] = [r for r in rejected if r["file_id"] == lead["file_id"]]
    assert broken["field"] is None and broken["record"].startswith('"00Q5g00000BrOkEAAA"')
    assert PHANTOM_ID in broken["record"]
    [future] = [r for r in rejected if r["file_id"] == by_name["hostile.mbox"]["file_id"]]
    assert (future["row_number"], future["field"]) == (1, "Date") and "3609" in future["reason"]


def test_the_users_names_come_from_first_and_last_name_and_the_empty_lookup_is_no_manager(runs):
    demo, real = (query(w, "select user_id, user_name, manager_id from staging.stg_salesforce__users order by 1")
                  for _, w in runs.values())  # fmt: skip
    assert real == demo
    delivered = query(runs["real"][1], "select count(*) as n from raw.salesforce_users where \"ManagerId\" = "
                      f"'{EMPTY_LOOKUP}'")  # fmt: skip
    assert delivered[0]["n"] > 0, "raw keeps the empty lookup as delivered"


def test_15_character_who_ids_join_their_18_character_leads(runs):
    sql = "select count(*) as n from intermediate.int_touches_unioned where channel = 'call'"
    demo, real = (query(w, sql) for _, w in runs.values())
    assert real == demo and demo[0]["n"] > 0
    assert query(runs["real"][1], 'select max(length("WhoId")) as n from raw.salesforce_tasks') == [{"n": 15}]
    # The task about nobody (the empty lookup in its required WhoId) is a rejected row, not a null key.
    sql = "select field from raw._rejected_rows where record like '%00T5g00000NoBoDEAI%'"
    about_nobody = query(runs["real"][1], sql)
    tasks = query(runs["real"][1], "select count(*) as n from raw._files where path like '%/Task_%'")
    assert about_nobody == [{"field": "WhoId"}] * tasks[0]["n"]  # one in each Task export
