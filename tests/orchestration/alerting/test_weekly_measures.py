"""Weekly measures (grain: week) evaluated over a real DuckDB warehouse: only complete weeks are judged, each by its
Monday; a cell that is not reportable never alerts; a percentile that was not reached breaches; late data
re-judges the weeks it can change; and a fixed as-of writes the same history however the evaluations ran."""

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from expectations.drift import BREACHED, NO_DATA
from expectations.measures import load_measures
from ingest.loader import connect
from orchestration.alerting.evaluate import evaluate
from tests.orchestration.alerting.steps import QUICK, rows

W0 = date(2024, 1, 1)  # a Monday
WEEKS = 6  # W0 .. W5
MEASURES = """
measures:
  - name: gave_up_rate
    scope: rep
    grain: week
    unit: share
    table: marts.cells
    value: sum(gave_up_rate * unanswered) / nullif(sum(unanswered), 0)
    reportable: sum(unanswered) >= (select min_cell_n from marts.params)
    threshold: {max: 0.44}
    drift: null
  - name: p90_hours
    scope: rep
    grain: week
    unit: hours
    table: marts.cells
    value: max(p90_hours)
    reportable: sum(cohort) >= (select min_cell_n from marts.params)
    threshold: {max: 24}
    drift: null
    null_breaches: not reached
"""


def week(i: int) -> date:
    return W0 + timedelta(days=7 * i)


def thursday_of(i: int) -> datetime:
    return datetime.combine(week(i) + timedelta(days=3), datetime.min.time()) + timedelta(hours=12)


def _cells(i: int, rep: str) -> tuple:
    """(week, rep, team, unanswered, gave_up_rate, cohort, p90_hours): U1 is reportable and gives up in W4; U2
    never has enough unanswered leads to judge (its rate is high anyway), and its P90 is not reached in W4."""
    if rep == "U1":
        return week(i), rep, "East", 40, 0.6 if i == 4 else 0.3, 40, 12.0
    return week(i), rep, "East", 10, 0.9, 40, None if i == 4 else 20.0


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    con = connect(path)
    try:
        con.execute("create schema marts")
        con.execute("create table marts.params as select 30 as min_cell_n")
        con.execute(
            "create table marts.cells (week_start date, owner_id varchar, team varchar, unanswered integer, "
            "gave_up_rate double, cohort integer, p90_hours double)"
        )
        con.executemany(
            "insert into marts.cells values (?, ?, ?, ?, ?, ?, ?)",
            [_cells(i, rep) for i in range(WEEKS) for rep in ("U1", "U2")],
        )
    finally:
        con.close()
    return path


@pytest.fixture
def measures(tmp_path: Path):
    path = tmp_path / "measures.yml"
    path.write_text(MEASURES)
    return load_measures(path)


def _evaluate(warehouse: Path, measures, as_of: datetime):
    with duckdb.connect(str(warehouse)) as con:
        return evaluate(con, measures, as_of, [], as_of, QUICK, run_id=f"run-{as_of:%Y%m%d%H}")


def _history(warehouse: Path) -> list[tuple]:
    return rows(warehouse, "select * exclude (as_of) from monitoring.measure_history order by all")


def test_complete_weeks_are_judged_by_their_monday_and_the_last_one_opens_incidents(warehouse, measures):
    outcome = _evaluate(warehouse, measures, thursday_of(5))  # W5 is still running

    judged = rows(warehouse, "select measure, scope, day, state from monitoring.measure_history order by all")
    assert {(m, s) for m, s, _, _ in judged} == {("gave_up_rate", "U1"), ("p90_hours", "U1"), ("p90_hours", "U2")}
    assert {d for _, _, d, _ in judged} == {week(i) for i in range(5)}
    breached = {(m, s, d) for m, s, d, state in judged if state == BREACHED}
    assert breached == {("gave_up_rate", "U1", week(4)), ("p90_hours", "U2", week(4))}

    latest = {(e.measure.name, e.scope): e for e in outcome.evaluations}
    assert latest[("gave_up_rate", "U2")].judgement.state == NO_DATA  # U2's cells are never reportable
    opened = {(e.measure.name, e.scope): e for e in outcome.changed("open")}
    assert set(opened) == {("gave_up_rate", "U1"), ("p90_hours", "U2")}
    summaries = dict(rows(warehouse, "select measure, summary from monitoring.alerts"))
    assert summaries["gave_up_rate"] == (
        f"gave_up_rate for rep U1 is out of range since {week(4)} (7 days): 60.0% in the week of {week(4)} "
        "(expected <= 44.0%)"
    )
    assert f"not reached in the week of {week(4)} (expected <= 24.0 h)" in summaries["p90_hours"]


def test_the_days_of_a_running_week_judge_the_same_complete_week_and_the_next_monday_adds_one(warehouse, measures):
    days = [datetime.combine(week(5) + timedelta(days=n), datetime.min.time()) + timedelta(hours=9) for n in range(7)]
    opened = [len(_evaluate(warehouse, measures, as_of).changed("open")) for as_of in days]
    assert opened == [2, 0, 0, 0, 0, 0, 0]  # W4 judged on every day of W5, paged once
    assert max(d for (d,) in rows(warehouse, "select day from monitoring.measure_history")) == week(4)
    outcome = _evaluate(warehouse, measures, datetime.combine(week(6), datetime.min.time()))
    assert max(d for (d,) in rows(warehouse, "select day from monitoring.measure_history")) == week(5)
    assert {(e.measure.name, e.scope) for e in outcome.changed("resolve")} == {
        ("gave_up_rate", "U1"), ("p90_hours", "U2")
    }


def test_late_data_re_judges_the_weeks_it_can_change(warehouse, measures):
    _evaluate(warehouse, measures, thursday_of(5))
    with duckdb.connect(str(warehouse)) as con:  # a late export: U1 did follow up in W4 after all
        con.execute("update marts.cells set gave_up_rate = 0.3 where owner_id = 'U1' and week_start = ?", [week(4)])
    outcome = _evaluate(warehouse, measures, thursday_of(5) + timedelta(days=2))
    assert {(e.measure.name, e.scope) for e in outcome.changed("resolve")} == {("gave_up_rate", "U1")}
    assert _value_on(warehouse, "gave_up_rate", "U1", week(4)) == (0.3, "ok")


def _value_on(warehouse: Path, measure: str, scope: str, day: date) -> tuple:
    [found] = rows(
        warehouse,
        f"select value, state from monitoring.measure_history where measure = '{measure}' and scope = '{scope}' "
        f"and day = '{day}'",
    )
    return found


def test_a_fixed_as_of_writes_the_same_history_at_once_or_week_by_week(tmp_path, warehouse, measures):
    stepped = tmp_path / "stepped.duckdb"
    stepped.write_bytes(warehouse.read_bytes())
    for i in range(1, 6):
        _evaluate(stepped, measures, thursday_of(i))
    _evaluate(warehouse, measures, thursday_of(5))
    assert _history(stepped) == _history(warehouse)
    _evaluate(warehouse, measures, thursday_of(5))  # a re-run at the same as-of changes nothing
    assert _history(stepped) == _history(warehouse)
