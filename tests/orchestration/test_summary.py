"""The summary `radar run` prints still says something useful when a run failed before the marts existed."""

from datetime import datetime
from pathlib import Path

import duckdb

from ingest.loader import connect, load_source
from orchestration.summary import MAX_REPS, render
from tests.conftest import HANDMADE_LANDING


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
    lines = [line.split() for line in section.splitlines()[3:]]
    assert lines == [
        ["Ann", "Rep", "East", "1", "Lee", "Reply", "Acme", "replied_unanswered", "39", "h"],
        ["Ann", "Rep", "East", "2", "Sam", "Sla", "Beta", "sla_breached", "3", "d"],
        ["Ann", "Rep", "East", "3", "Kim", "Lapse", "Gamma", "cadence_lapses_today", "in", "2", "h"],
        ["Bob", "Rep", "West", "1", "Max", "Old", "Omega", "awaiting_disposition", "42", "d"],
    ]
    assert "Joe Fourth" not in report, "only the first three of a rep's queue"


def test_an_empty_call_list_says_so(tmp_path: Path):
    report = render(_marts(tmp_path, f"{CALL_LIST} where false"), datetime(2024, 3, 12, 12), [])
    assert "Call list: no open lead needs its owner's action." in report
