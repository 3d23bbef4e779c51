"""The incremental models give what one full build gives: builds after each delivery and each day equal a fresh
full build at the last as-of time, row for row, and late data changes exactly the days it should."""

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingest.demo import write_demo
from ingest.demo.bulk import Size, write_bulk
from ingest.landing import SOURCES
from ingest.loader import connect, forget_file, load_source
from orchestration.lib.dbt_builds import plan_build, project_version
from orchestration.lib.dbt_project import build_environment, dbt_resource, run_folder
from tests.conftest import HANDMADE_AS_OF, HANDMADE_LANDING, query

pytestmark = pytest.mark.slow

MARTS = (
    "lead_aging", "follow_up_coverage_daily", "follow_up_coverage_rollup_daily", "lead_segment_profile",
    "lead_activity_buckets", "follow_up_depth_outcomes", "response_by_attempt", "call_list", "shiny_object_curve",
    "attention_by_age_weekly", "rep_scorecard_weekly",
)
INTERMEDIATE = (
    "int_touches_unioned", "int_responses_unioned", "int_lead_status_spells", "int_lead_outcomes",
    "int_outbound_emails_credited", "int_lead_next_step_spells",
)


def _load(landing: Path, warehouse: Path) -> None:
    con = connect(warehouse)
    try:
        for source in SOURCES:
            load_source(con, landing, source)
    finally:
        con.close()


def _build(warehouse: Path, as_of: datetime, monkeypatch: pytest.MonkeyPatch, *extra: str) -> None:
    """One dbt build of the whole project as the pipeline runs it (as-of in the environment, a run folder)."""
    monkeypatch.setenv("RADAR_WAREHOUSE", str(warehouse))
    args = ["build", "--exclude", "resource_type:test resource_type:unit_test", *extra]
    with run_folder() as target, build_environment(as_of, project_version()):
        dbt_resource().cli(args, target_path=target).wait()


def _snapshot(warehouse: Path) -> dict:
    tables = [f"marts.{m}" for m in MARTS] + [f"intermediate.{m}" for m in INTERMEDIATE]
    return {t: query(warehouse, f"select * from {t} order by all") for t in tables}


def _full(root: Path, landing: Path, as_of: datetime, monkeypatch: pytest.MonkeyPatch) -> dict:
    warehouse = root / "full.duckdb"
    _load(landing, warehouse)
    _build(warehouse, as_of, monkeypatch)
    return _snapshot(warehouse)


def _deliver(files: list[Path], source_root: Path, landing: Path) -> None:
    for path in files:
        target = landing / path.relative_to(source_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)


def test_a_build_after_each_delivery_and_day_equals_one_full_build(tmp_path, monkeypatch):
    """The hand-made files delivered in three parts, a day apart, with a build after each and one later that day."""
    as_of = datetime.fromisoformat(HANDMADE_AS_OF)
    files = sorted(p for p in HANDMADE_LANDING.rglob("*") if p.is_file())
    landing, warehouse = tmp_path / "landing", tmp_path / "incremental.duckdb"
    for day, batch in enumerate((files[: len(files) // 3], files[len(files) // 3 : -2], files[-2:])):
        _deliver(batch, HANDMADE_LANDING, landing)
        _load(landing, warehouse)
        _build(warehouse, as_of - timedelta(days=2 - day, hours=20), monkeypatch)
    _build(warehouse, as_of, monkeypatch)
    builds = query(warehouse, "select count(*) as n from intermediate.radar_builds")
    assert builds == [{"n": 4}], "every whole-project build is recorded"
    assert _snapshot(warehouse) == _full(tmp_path, landing, as_of, monkeypatch)


def test_daily_builds_over_the_demo_equal_one_full_build(tmp_path, monkeypatch):
    """The demo's files at once, then a build on each of its last three days (the incident), then an as-of back
    in time: the incremental builds end equal to a fresh full build at the same time."""
    end = datetime(2024, 6, 30, 18, tzinfo=UTC)
    landing, warehouse = tmp_path / "landing", tmp_path / "incremental.duckdb"
    write_demo(landing, leads=300, reps=4, days=45, end=end)
    _load(landing, warehouse)
    last = end.replace(tzinfo=None)
    for days_before in (2, 1, 0):
        _build(warehouse, last - timedelta(days=days_before), monkeypatch)
    assert _snapshot(warehouse) == _full(tmp_path / "at-end", landing, last, monkeypatch)
    earlier = last - timedelta(days=3, hours=5)
    _build(warehouse, earlier, monkeypatch)
    assert _snapshot(warehouse) == _full(tmp_path / "earlier", landing, earlier, monkeypatch)


def test_daily_builds_and_one_more_day_of_files_on_a_generated_floor_equal_one_full_build(tmp_path, monkeypatch):
    """An M-shaped floor (a year, reps of every habit, two Lead snapshots, re-delivered and late SendGrid events)
    at a fortieth of M's leads: builds on the last days of the base, then the next day's files, equal a fresh
    full build over the same files."""
    bulk = write_bulk(tmp_path / "bulk", Size("M/40", leads=2_500, reps=20, days=365))
    warehouse = tmp_path / "incremental.duckdb"
    _load(bulk.landing, warehouse)
    for days_before in (1, 0):
        _build(warehouse, bulk.base_as_of - timedelta(days=days_before), monkeypatch)
    landing = tmp_path / "landing"
    _deliver(sorted(p for p in bulk.landing.rglob("*") if p.is_file()), bulk.landing, landing)
    _deliver(sorted(p for p in bulk.increment.rglob("*") if p.is_file()), bulk.increment, landing)
    _load(landing, warehouse)
    _build(warehouse, bulk.increment_as_of, monkeypatch)
    assert _snapshot(warehouse) == _full(tmp_path, landing, bulk.increment_as_of, monkeypatch)


LATE_CALL = (
    "Id,WhoId,OwnerId,Subject,TaskSubtype,CallDisposition,Status,ActivityDate,CompletedDateTime,CreatedDate,"
    "LastModifiedDate,IsDeleted\n"
    "00T000000000LATE,{lead},{owner},Call,Call,No Answer,Completed,,{at},{at},{at},false\n"
)


def test_a_call_logged_72_hours_late_changes_exactly_the_days_from_its_own(tmp_path, monkeypatch):
    as_of = datetime.fromisoformat(HANDMADE_AS_OF)
    landing, warehouse = tmp_path / "landing", tmp_path / "incremental.duckdb"
    shutil.copytree(HANDMADE_LANDING, landing)
    _load(landing, warehouse)
    _build(warehouse, as_of, monkeypatch)
    before = {(r["day"], r["owner_id"]): r for r in query(warehouse, "select * from marts.follow_up_coverage_daily")}
    never = query(
        warehouse, "select lead_id, owner_id, created_at from marts.lead_aging where follow_up_state = 'never_touched'"
    )[0]
    called_at = as_of - timedelta(hours=72)
    assert never["created_at"] < called_at - timedelta(days=1)
    (landing / "salesforce" / "Task_late.csv").write_text(
        LATE_CALL.format(lead=never["lead_id"], owner=never["owner_id"], at=f"{called_at:%Y-%m-%dT%H:%M:%S}.000Z")
    )
    _load(landing, warehouse)
    _build(warehouse, as_of, monkeypatch)

    after = {(r["day"], r["owner_id"]): r for r in query(warehouse, "select * from marts.follow_up_coverage_daily")}
    first_day = called_at.date()  # the call is before that day's snapshot (00:00 the day after)
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {(day, never["owner_id"]) for day, owner in before if owner == never["owner_id"]
                       and day >= first_day}
    for day, owner in changed:
        assert after[day, owner]["covered_leads"] == before[day, owner]["covered_leads"] + 1
        assert after[day, owner]["never_touched_leads"] == before[day, owner]["never_touched_leads"] - 1
    assert _snapshot(warehouse) == _full(tmp_path, landing, as_of, monkeypatch)


def test_a_forgotten_file_leaves_the_marts_at_the_next_build(tmp_path, monkeypatch):
    """radar reprocess takes a file's rows out of raw; the incremental models still hold what they built from
    them, so the next build is a full refresh, and the marts equal a build that never saw the file."""
    as_of = datetime.fromisoformat(HANDMADE_AS_OF)
    landing, warehouse = tmp_path / "landing", tmp_path / "incremental.duckdb"
    shutil.copytree(HANDMADE_LANDING, landing)
    _load(landing, warehouse)
    _build(warehouse, as_of, monkeypatch)
    con = connect(warehouse)
    try:
        [(file_id,)] = con.execute("select file_id from raw._files where path like '%Task_%'").fetchall()
        forget_file(con, file_id)
        plan = plan_build(con, as_of, project_version())
    finally:
        con.close()
    (landing / "salesforce" / "Task_2024-03-14.csv").unlink()
    assert plan.full_refresh, plan.reason
    _build(warehouse, as_of, monkeypatch, "--full-refresh")
    assert _snapshot(warehouse) == _full(tmp_path, landing, as_of, monkeypatch)


def test_a_late_call_on_an_old_lead_rebuilds_only_its_cohort_of_the_shiny_curve(tmp_path, monkeypatch):
    """Months later every hand-made cohort is past the horizon, so a build replaces only the cohorts of the leads
    whose spells changed: a call on the oldest never-touched lead, 3 days 2 hours after its creation, makes it
    worked (not neglected) at ages 4 to 10 of its cohort, and changes no other row."""
    as_of = datetime(2024, 7, 1, 12)
    landing, warehouse = tmp_path / "landing", tmp_path / "incremental.duckdb"
    shutil.copytree(HANDMADE_LANDING, landing)
    _load(landing, warehouse)
    _build(warehouse, as_of, monkeypatch)
    curve = "select * from marts.shiny_object_curve"
    before = {(r["cohort_week"], r["age_days"], r["owner_id"]): r for r in query(warehouse, curve)}
    lead = query(warehouse, "select lead_id, owner_id, created_at from marts.lead_aging "
                 "where follow_up_state = 'never_touched' order by created_at limit 1")[0]
    called_at = lead["created_at"] + timedelta(days=3, hours=2)
    (landing / "salesforce" / "Task_late.csv").write_text(
        LATE_CALL.format(lead=lead["lead_id"], owner=lead["owner_id"], at=f"{called_at:%Y-%m-%dT%H:%M:%S}.000Z")
    )
    _load(landing, warehouse)
    _build(warehouse, as_of, monkeypatch)

    after = {(r["cohort_week"], r["age_days"], r["owner_id"]): r for r in query(warehouse, curve)}
    cohort = lead["created_at"].date() - timedelta(days=lead["created_at"].weekday())
    changed = {(cohort, age, lead["owner_id"]) for age in range(4, 11)}
    assert set(after) == set(before)
    assert {key for key in before if before[key] != after[key]} == changed
    for key in changed:
        assert (after[key]["worked_leads"], after[key]["neglected_leads"]) == (
            before[key]["worked_leads"] + 1, before[key]["neglected_leads"] - 1
        )
    assert _snapshot(warehouse) == _full(tmp_path, landing, as_of, monkeypatch)
