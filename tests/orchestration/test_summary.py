"""The summary `radar run` prints still says something useful when a run failed before the marts existed."""

from datetime import datetime
from pathlib import Path

import duckdb

from ingest.loader import connect, load_source
from orchestration.summary import MAX_REPS, render
from tests.conftest import HANDMADE_LANDING
from tests.orchestration.text_tables import cells


def test_a_warehouse_without_marts_reports_what_is_missing_and_the_ledger(tmp_path: Path):
    con = connect(tmp_path / "warehouse.duckdb")
    load_source(con, HANDMADE_LANDING, "sendgrid")
    con.close()

    report = render(tmp_path / "warehouse.duckdb", datetime(2024, 3, 12, 12), [])

    assert "(coverage: not available, the tables were not built" in report
    assert "(neglected: not available" in report
    assert "Data-quality checks: 0 passed, 0 failed" in report
    assert "sendgrid  2      7            1" in report


def test_no_warehouse_at_all(tmp_path: Path):
    assert render(tmp_path / "none.duckdb", datetime(2024, 3, 12), []) == (
        f"No warehouse at {tmp_path / 'none.duckdb'}: nothing was loaded."
    )


def test_a_big_floor_lists_its_reps_with_the_lowest_coverage(tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    connect(warehouse).close()
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.follow_up_coverage_rollup_daily as "
            "select date '2024-03-11' as day, 'rep' as scope_type, 'U' || i as scope, 'Rep ' || i as scope_label, "
            "'East' as team, 10 as open_leads, 10 as due_leads, i % 11 as covered_leads, (i % 11) / 10 as "
            "follow_up_coverage from range(45) as reps(i)"
        )
    report = render(warehouse, datetime(2024, 3, 12, 12), [])
    assert f"the {MAX_REPS} lowest of 45 reps" in report
    assert "Rep 0 " in report and "Rep 10 " not in report, "a rep with 100% coverage is left out"


def _marts(tmp_path: Path, *statements: str) -> Path:
    warehouse = tmp_path / "warehouse.duckdb"
    connect(warehouse).close()
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        for statement in statements:
            con.execute(statement)
    return warehouse


CALL_LIST = """
create table marts.call_list as select * from (values
    ('U1', 'Ann Rep', 'East', 1, 'Lee Reply', 'Acme', 'replied_unanswered', 39.4),
    ('U1', 'Ann Rep', 'East', 2, 'Sam Sla', 'Beta', 'sla_breached', 80.0),
    ('U1', 'Ann Rep', 'East', 3, 'Kim Lapse', 'Gamma', 'cadence_lapses_today', -2.2),
    ('U1', 'Ann Rep', 'East', 4, 'Joe Fourth', 'Delta', 'stale', 500.0),
    ('U2', 'Bob Rep', 'West', 1, 'Max Old', 'Omega', 'awaiting_disposition', 1000.0)
) as t(owner_id, owner_name, team, rank_in_owner, lead_name, company, reason, hours_waiting)
"""


def test_the_top_of_each_reps_call_list_with_reason_and_waiting_time(tmp_path: Path):
    report = render(_marts(tmp_path, CALL_LIST), datetime(2024, 3, 12, 12), [])
    section = report.split("Call list:")[1].split("\n\n")[0]
    assert cells(section) == [
        ["Ann Rep", "East", "1", "Lee Reply", "Acme", "replied_unanswered", "39 h"],
        ["Ann Rep", "East", "2", "Sam Sla", "Beta", "sla_breached", "3 d"],
        ["Ann Rep", "East", "3", "Kim Lapse", "Gamma", "cadence_lapses_today", "in 2 h"],
        ["Bob Rep", "West", "1", "Max Old", "Omega", "awaiting_disposition", "42 d"],
    ]
    assert "Joe Fourth" not in report, "only the first three of a rep's queue"


def test_an_empty_call_list_says_so(tmp_path: Path):
    report = render(_marts(tmp_path, f"{CALL_LIST} where false"), datetime(2024, 3, 12, 12), [])
    assert "Call list: no open lead needs its owner's action." in report


SCORECARD = """
create table marts.rep_scorecard_weekly as select * from (values
    (date '2024-02-26', 'U1', 'Ann Rep', 'East', true, 40, 0.85, 37.0, 0.10, -34.0, 0, null, null, 40, 61.5),
    (date '2024-02-26', 'U2', 'Bob Rep', 'West', true, 10, 0.90, 42.0, 0.10, -34.0, 31, 9.5, 1.5, 40, null),
    (date '2024-03-04', 'U2', 'Bob Rep', 'West', true, 35, 0.20, -28.0, 0.50, 6.0, 0, null, null, 40, 20.0),
    (date '2024-03-04', 'U1', 'Ann Rep', 'East', true, 33, 0.30, -18.0, 0.30, -14.0, 0, null, null, 29, null),
    (date '2024-03-11', 'U1', 'Ann Rep', 'East', false, 60, 0.99, 51.0, 0.0, -44.0, 0, null, null, 60, 99.0),
    (date '2024-01-29', 'U1', 'Ann Rep', 'East', true, 50, 0.99, 51.0, 0.0, -44.0, 0, null, null, 50, 99.0)
) as t(week_start, owner_id, owner_name, team, is_complete, unanswered_settled_leads, never_followed_up_rate,
    never_followed_up_vs_benchmark_pp, gave_up_after_one_rate, gave_up_after_one_vs_benchmark_pp,
    first_connect_leads, calls_to_first_connect_mean, calls_to_first_connect_vs_benchmark, speed_cohort_leads,
    speed_to_lead_p90_hours)
"""
PARAMETERS = "create table marts.metric_parameters as select 30 as min_cell_n, 24 as first_touch_sla_hours"


def test_the_scorecard_outliers_are_the_reportable_complete_weeks_beyond_a_benchmark(tmp_path: Path):
    report = render(_marts(tmp_path, SCORECARD, PARAMETERS), datetime(2024, 3, 14, 12), [])
    section = report.split("Scorecard outliers:")[1].split("\n\n")[0]
    assert section.splitlines()[0] == (
        " reps beyond a benchmark in a reportable complete week, the last 4 (marts.rep_scorecard_weekly):"
    )
    assert cells(section) == [
        # 03-04: Bob gave up after one follow-up on 50% (n 35); Ann's P90 not reached, but 29 leads are too few
        ["2024-03-04", "West", "Bob Rep", "gave up after one", "50%", "+6 pp", "35"],
        # 02-26: Ann never followed up and her P90 is above the SLA; Bob's 90% on 10 leads is not reportable,
        # his 31 first connects are (9.5 calls: 1.5 above the 8), and his P90 was not reached
        ["2024-02-26", "East", "Ann Rep", "never followed up", "85%", "+37 pp", "40"],
        ["2024-02-26", "East", "Ann Rep", "speed to lead P90", "62 h", "SLA 24 h", "40"],
        ["2024-02-26", "West", "Bob Rep", "calls to first connect", "9.5 calls", "+1.5 calls", "31"],
        ["2024-02-26", "West", "Bob Rep", "speed to lead P90", "not reached", "SLA 24 h", "40"],
    ]
    assert "2024-03-11" not in section and "2024-01-29" not in section  # still running; five weeks back


def test_no_outliers_says_so(tmp_path: Path):
    report = render(_marts(tmp_path, f"{SCORECARD} where week_start = '2024-03-04' and owner_id = 'U1'", PARAMETERS),
                    datetime(2024, 3, 14, 12), [])
    assert "Scorecard outliers: reps beyond a benchmark in a reportable complete week, the last 4: none." in report
