"""measures.yml: the shipped file loads, broken files are refused naming the entry and field, and a measure's
daily series comes out of a real DuckDB table per scope."""

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
import yaml

from expectations.measures import MeasureConfigError, daily_series, evaluated_day, load_measures

REQUIRED = {
    ("follow_up_coverage", "company"), ("follow_up_coverage", "team"), ("never_touched_due_leads", "company"),
    ("median_hours_to_first_touch", "company"), ("outbound_touches", "company"), ("data_freshness_hours", "company"),
    ("rejected_row_share", "company"),
}
# METRICS.md "Tracked measures (candidates ...)", on the weekly scorecard.
WEEKLY = {
    ("next_step_coverage", "company"), ("next_step_coverage", "rep"), ("never_followed_up_rate", "rep"),
    ("gave_up_after_one_rate", "rep"), ("speed_to_lead_p90_hours", "rep"), ("stopped_after_response_leads", "rep"),
}
DBT_VARS = yaml.safe_load((Path(__file__).parents[2] / "dbt_project" / "dbt_project.yml").read_text())["vars"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "measures.yml"
    path.write_text(text)
    return path


def test_the_shipped_measures_cover_the_on_call_basics():
    measures = load_measures()
    assert {(m.name, m.scope) for m in measures} >= REQUIRED
    company = next(m for m in measures if m.key == "follow_up_coverage:company")
    assert company.threshold.min == 0.60 and company.drift.direction == "drop" and company.severity == "error"
    assert {m.name for m in measures if m.feed} >= {"data_freshness_hours", "rejected_row_share"}
    assert all(m.runbook for m in measures)


def test_the_scorecard_candidates_are_weekly_and_judge_reportable_cells_only():
    measures = {m.key: m for m in load_measures()}
    assert {(m.name, m.scope) for m in measures.values()} >= WEEKLY
    weekly = [m for m in measures.values() if m.table == "marts.rep_scorecard_weekly"]
    assert {(m.name, m.scope) for m in weekly} >= WEEKLY and {m.grain for m in weekly} == {"week"}
    assert all("min_cell_n" in m.reportable for m in weekly if m.unit != "count")  # rates and percentiles
    assert measures["speed_to_lead_p90_hours:rep"].null_breaches == "not reached"


def test_thresholds_copied_from_dbt_vars_are_equal_to_them():
    measures = {m.key: m for m in load_measures()}
    for scope in ("company", "rep"):
        assert measures[f"never_followed_up_rate:{scope}"].threshold.max == DBT_VARS["benchmark_never_follow_up"]
        assert measures[f"gave_up_after_one_rate:{scope}"].threshold.max == DBT_VARS["benchmark_gave_up_after_one"]
    assert measures["speed_to_lead_p90_hours:rep"].threshold.max == DBT_VARS["first_touch_sla_hours"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("measures: [", "not valid YAML"),
        ("measures: []", "non-empty list `measures`"),
        (
            "measures:\n  - {name: m, table: t, value: 'sum(x)', colour: red, threshold: {min: 1}}",
            "unknown field(s) colour",
        ),
        ("measures:\n  - {name: m, scope: region, table: t, value: 'sum(x)', threshold: {min: 1}}", "field scope"),
        ("measures:\n  - {name: m, severity: page, table: t, value: 'sum(x)', threshold: {min: 1}}", "field severity"),
        ("measures:\n  - {name: m, threshold: {min: 1}}", "either table and value, or sql"),
        ("measures:\n  - {name: m, table: t, value: 'sum(x)', drift: null}", "needs a threshold or a drift rule"),
        ("measures:\n  - {name: m, table: t, value: 'sum(x)', drift: {direction: down}}", "rules: drift direction"),
        ("measures:\n  - {name: m, table: t, value: 'sum(x)', threshold: {low: 1}}", "rules:"),
        (
            "measures:\n  - {name: m, scope: team, sql: 'select 1', threshold: {min: 1}}",
            "an sql measure is company-wide",
        ),
        (
            "measures:\n  - {name: m, table: t, value: v, threshold: {min: 1}}\n"
            "  - {name: m, table: t, value: v, threshold: {min: 2}}",
            "repeated: m:company",
        ),
        ("measures:\n  - {name: m, grain: month, table: t, value: v, threshold: {min: 1}}", "field grain"),
        (
            "measures:\n  - {name: m, grain: week, clock: load, table: t, value: v, threshold: {min: 1}}",
            "a weekly measure is judged on complete weeks",
        ),
        ("measures:\n  - {name: m, sql: 'select 1', reportable: 'n > 1', threshold: {min: 1}}", "field reportable"),
        ("measures:\n  - {name: m, table: t, value: v, null_breaches: not reached}", "field null_breaches"),
    ],
)
def test_a_broken_file_is_refused_naming_the_entry_and_field(tmp_path, text, message):
    with pytest.raises(MeasureConfigError) as error:
        load_measures(write(tmp_path, text))
    assert message in str(error.value)
    assert str(tmp_path / "measures.yml") in str(error.value)


def test_defaults_fill_in_and_an_entry_overrides_them(tmp_path):
    [measure] = load_measures(write(tmp_path, (
        "defaults: {severity: error, owner: team:x, drift: {direction: drop, window_days: 14, min_history: 7}}\n"
        "measures:\n  - {name: m, table: t, value: 'sum(x)', drift: {min_spread: 0.1}}\n"
    )))
    assert (measure.severity, measure.owner) == ("error", "team:x")
    assert (measure.drift.window_days, measure.drift.min_history, measure.drift.min_spread) == (14, 7, 0.1)


@pytest.fixture
def coverage() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.c (day date, owner_id varchar, team varchar, covered integer, due integer)")
    con.execute("""insert into marts.c values
        ('2024-03-01', 'U1', 'East', 1, 2), ('2024-03-01', 'U2', 'East', 3, 4), ('2024-03-01', 'U3', null, 0, 0),
        ('2024-03-02', 'U1', 'East', 2, 2), ('2024-03-03', 'U1', 'East', 0, 2)""")
    return con


def measure(tmp_path, scope: str, **extra) -> object:
    fields = ", ".join(f"{k}: {v}" for k, v in extra.items())
    text = (
        f"measures:\n  - {{name: c, scope: {scope}, table: marts.c, value: 'sum(covered) * 1.0 / nullif(sum(due), 0)',"
        f" threshold: {{min: 0.5}}{', ' + fields if fields else ''}}}\n"
    )
    return load_measures(write(tmp_path, text))[0]


def test_series_per_scope_are_sums_over_sums_and_stop_before_the_as_of_day(tmp_path, coverage):
    as_of = datetime(2024, 3, 3, 6)
    assert daily_series(coverage, measure(tmp_path, "company"), as_of) == {
        "company": {date(2024, 3, 1): 4 / 6, date(2024, 3, 2): 1.0}
    }
    assert daily_series(coverage, measure(tmp_path, "team"), as_of) == {
        "East": {date(2024, 3, 1): 4 / 6, date(2024, 3, 2): 1.0}, "(no team)": {date(2024, 3, 1): None},
    }
    rep = daily_series(coverage, measure(tmp_path, "company", breakdown="rep"), as_of, scope="rep", within="East")
    assert rep == {"U1": {date(2024, 3, 1): 0.5, date(2024, 3, 2): 1.0}, "U2": {date(2024, 3, 1): 0.75}}


def test_the_evaluated_day_is_the_last_complete_day_or_the_last_load_day(tmp_path, coverage):
    as_of = datetime(2024, 3, 3, 6)
    assert evaluated_day(measure(tmp_path, "company"), as_of, {}) == date(2024, 3, 2)
    by_load = measure(tmp_path, "company", clock="load")
    assert evaluated_day(by_load, as_of, daily_series(coverage, by_load, as_of)) == date(2024, 3, 3)


def test_a_measure_reading_a_missing_table_fails_with_the_table_named(tmp_path):
    with pytest.raises(duckdb.CatalogException, match="marts"):
        daily_series(duckdb.connect(), measure(tmp_path, "company"), datetime(2024, 3, 3))


@pytest.fixture
def scorecard() -> duckdb.DuckDBPyConnection:
    """A weekly mart: one row per (week, rep); the week of 2024-03-11 is still running on Thursday 2024-03-14."""
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.params as select 30 as min_cell_n")
    con.execute("create table marts.w (week_start date, owner_id varchar, team varchar, n integer, k integer)")
    con.execute("""insert into marts.w values
        ('2024-02-26', 'U1', 'East', 40, 20), ('2024-02-26', 'U2', 'East', 10, 9),
        ('2024-03-04', 'U1', 'East', 31, 31), ('2024-03-04', 'U2', 'East', 25, 5),
        ('2024-03-11', 'U1', 'East', 50, 0)""")
    return con


def weekly(tmp_path, scope: str, **extra) -> object:
    fields = "".join(f", {k}: {v}" for k, v in extra.items())
    text = (
        f"measures:\n  - {{name: w, scope: {scope}, grain: week, table: marts.w, "
        f"value: 'sum(k) * 1.0 / nullif(sum(n), 0)', threshold: {{max: 0.6}}{fields}}}\n"
    )
    return load_measures(write(tmp_path, text))[0]


def test_a_weekly_measure_holds_the_complete_weeks_by_their_monday(tmp_path, scorecard):
    measure = weekly(tmp_path, "company")
    assert (measure.day, measure.period_days) == ("week_start", 7)
    thursday = datetime(2024, 3, 14, 12)
    assert daily_series(scorecard, measure, thursday) == {
        "company": {date(2024, 2, 26): 29 / 50, date(2024, 3, 4): 36 / 56}
    }
    assert evaluated_day(measure, thursday, {}) == date(2024, 3, 4)
    monday = datetime(2024, 3, 18)  # the week of 03-11 is complete at its end, Monday 00:00
    assert max(daily_series(scorecard, measure, monday)["company"]) == date(2024, 3, 11)
    assert evaluated_day(measure, monday, {}) == date(2024, 3, 11)
    assert evaluated_day(measure, monday.replace(hour=23), {}) == date(2024, 3, 11)


def test_a_cell_that_is_not_reportable_is_left_out_but_its_scope_is_still_measured(tmp_path, scorecard):
    gated = "'sum(n) >= (select min_cell_n from marts.params)'"
    thursday = datetime(2024, 3, 14, 12)
    assert daily_series(scorecard, weekly(tmp_path, "rep", reportable=gated), thursday) == {
        "U1": {date(2024, 2, 26): 0.5, date(2024, 3, 4): 1.0}, "U2": {},
    }
    # The company's cell pools the reps' rows first: 10 + 40 trials are reportable though U2's 10 are not.
    assert daily_series(scorecard, weekly(tmp_path, "company", reportable=gated), thursday)["company"] == {
        date(2024, 2, 26): 29 / 50, date(2024, 3, 4): 36 / 56,
    }
