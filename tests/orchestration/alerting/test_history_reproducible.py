"""A fixed as-of on the same files gives the same monitoring.measure_history, whatever the wall-clock day the
files were loaded and the evaluation ran."""

from datetime import datetime, timedelta

import duckdb

from expectations.measures import load_measures
from ingest.loader import connect, load_source
from orchestration.alerting.evaluate import evaluate
from tests.conftest import HANDMADE_LANDING
from tests.orchestration.alerting.steps import QUICK
from tests.orchestration.alerting.world import Story, build

STORY = Story()
AS_OF = STORY.as_of_after(60)


def _history_loaded_on(path, wall_clock: datetime) -> list[tuple]:
    build(path, STORY)
    con = connect(path)
    try:
        for source in ("salesforce", "mailbox", "sendgrid"):
            load_source(con, HANDMADE_LANDING, source, load_time=wall_clock, as_of=AS_OF)
        evaluate(con, load_measures(), AS_OF, [], wall_clock, QUICK, run_id="r")
        return con.execute("select * from monitoring.measure_history order by all").fetchall()
    finally:
        con.close()


def test_two_runs_at_one_as_of_loaded_on_different_days_write_the_same_history(tmp_path):
    first_day = datetime(2024, 4, 1, 8, 30)
    first = _history_loaded_on(tmp_path / "a.duckdb", first_day)
    second = _history_loaded_on(tmp_path / "b.duckdb", first_day + timedelta(days=8, hours=5))
    assert first == second
    with duckdb.connect(str(tmp_path / "a.duckdb"), read_only=True) as con:
        days = con.execute(
            "select day, value from monitoring.measure_history where measure = 'rejected_row_share'"
        ).fetchall()
    assert days == [(AS_OF.date(), 3 / 66)]  # dated by the as-of of the run that loaded the files


def test_a_file_loaded_as_of_a_later_time_is_not_seen_by_an_earlier_as_of(tmp_path):
    path = build(tmp_path / "w.duckdb", STORY)
    con = connect(path)
    try:
        load_source(con, HANDMADE_LANDING, "sendgrid", load_time=datetime(2024, 4, 1), as_of=AS_OF)
        [measure] = [m for m in load_measures() if m.name == "rejected_row_share"]
        outcome = evaluate(con, [measure], AS_OF - timedelta(days=1), [], datetime(2024, 4, 1), QUICK)
    finally:
        con.close()
    assert outcome.evaluations == []
