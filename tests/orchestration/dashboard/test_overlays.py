"""The alerting's tables read when present (and nothing when absent), and drawn over the coverage charts."""

import json
from datetime import date

import duckdb
import pytest
from plotly.subplots import make_subplots

from orchestration.dashboard import charts, marts, monitoring
from tests.orchestration.dashboard.serving_files import add_monitoring, alert_row, history_row, trace

DAY_3, DAY_4 = date(2024, 3, 3), date(2024, 3, 4)


def _with_alerting(serving):
    add_monitoring(
        serving,
        history=[
            history_row("team", "East", DAY_3, 0.6),
            history_row("team", "East", DAY_4, 0.55),
            history_row("rep", "r2", DAY_4, None),
            history_row("team", "East", DAY_4, 0.9, measure="open_leads"),
        ],
        alerts=[
            alert_row("old", "rep", "r1", "resolved", DAY_3, resolved_on=DAY_4),
            alert_row("now", "team", "East", "firing", DAY_4),
            alert_row("other", "team", "West", "firing", DAY_3, measure="rejected_rows"),
        ],
    )
    return serving


def test_without_the_monitoring_tables_there_is_nothing_to_overlay(tiny_serving):
    with marts.open_serving(tiny_serving) as con:
        assert monitoring.available(con) == {"measure_history": False, "alerts": False}
        assert monitoring.thresholds(con) == {}
        assert monitoring.incidents(con) == []


def test_a_monitoring_table_missing_a_column_the_dashboard_reads_counts_as_absent(tiny_serving):
    with duckdb.connect(str(tiny_serving)) as con:
        con.execute("create schema monitoring")
        con.execute("create table monitoring.alerts (incident_id varchar, measure varchar, status varchar)")
    with marts.open_serving(tiny_serving) as con:
        assert monitoring.available(con)["alerts"] is False
        assert monitoring.incidents(con) == []


def test_thresholds_are_the_coverage_measures_expected_low_per_scope_and_day(tiny_serving):
    with marts.open_serving(_with_alerting(tiny_serving)) as con:
        assert monitoring.available(con) == {"measure_history": True, "alerts": True}
        assert monitoring.thresholds(con) == {
            ("team", "East"): ([DAY_3, DAY_4], [0.6, 0.55]),
            ("rep", "r2"): ([DAY_4], [None]),
        }


def test_incidents_firing_first_by_measure_or_only_firing(tiny_serving):
    with marts.open_serving(_with_alerting(tiny_serving)) as con:
        coverage = monitoring.incidents(con, measure="follow_up_coverage")
        firing = monitoring.incidents(con, firing_only=True)

    assert [(i.incident_id, i.firing) for i in coverage] == [("now", True), ("old", False)]
    assert [i.incident_id for i in firing] == ["now", "other"]
    assert coverage[1].resolved_on == DAY_4 and coverage[0].resolved_on is None


def _team_figure(serving) -> dict:
    with marts.open_serving(serving) as con:
        series = [s for s in marts.coverage_series(con) if s.scope_type != "rep"]
        incidents = monitoring.incidents(con, measure=monitoring.COVERAGE_MEASURE)
        return json.loads(charts.coverage_figure(series, monitoring.thresholds(con), incidents, columns=3))


def test_the_coverage_chart_draws_each_scopes_threshold_dashed_and_its_incidents_shaded(tiny_serving):
    figure = _team_figure(_with_alerting(tiny_serving))

    threshold = trace(figure, "threshold", "East")
    assert threshold["y"] == [0.6, 0.55] and threshold["line"]["dash"] == "dash"
    assert trace(figure, "coverage", "East")["xaxis"] == threshold["xaxis"] == "x2"  # East's own panel
    assert [t["meta"][2] for t in figure["data"] if t["meta"][0] == "threshold"] == ["East"]
    [shape] = figure["layout"]["shapes"]
    assert (shape["name"], shape["xref"], shape["x0"], shape["x1"]) == (
        "now", "x2", "2024-03-03T12:00:00", "2024-03-04T12:00:00"  # firing: drawn to the last day
    )
    assert "firing" in [a["text"] for a in figure["layout"]["annotations"]]


def test_a_resolved_incident_spans_opened_on_to_resolved_on_on_its_reps_panel(tiny_serving):
    serving = _with_alerting(tiny_serving)
    with marts.open_serving(serving) as con:
        reps = [s for s in marts.coverage_series(con) if s.scope_type == "rep"]
        incidents = monitoring.incidents(con, measure=monitoring.COVERAGE_MEASURE)
        figure = json.loads(charts.coverage_figure(reps, monitoring.thresholds(con), incidents, columns=4))

    [shape] = figure["layout"]["shapes"]
    assert (shape["name"], shape["xref"]) == ("old", "x")  # Ann's panel, the first
    assert (shape["x0"], shape["x1"]) == ("2024-03-02T12:00:00", "2024-03-04T12:00:00")
    assert shape["fillcolor"] == charts.RESOLVED_COLOR
    assert trace(figure, "threshold", "r2")["y"] == [None]


def test_without_alerting_the_chart_has_coverage_only(tiny_serving):
    figure = _team_figure(tiny_serving)

    assert {t["meta"][0] for t in figure["data"]} == {"coverage"}
    assert not figure["layout"].get("shapes")


def test_aging_bars_stack_the_buckets_young_to_old(tiny_serving):
    with marts.open_serving(tiny_serving) as con:
        figure = json.loads(charts.aging_figure(marts.aging_distribution(con)))

    assert figure["layout"]["barmode"] == "stack"
    assert [t["name"] for t in figure["data"]] == ["0-7d", "8-14d", "15-30d", "31-60d", "61-90d", "90d+"]
    assert figure["data"][0]["x"] == ["Ann", "Bob", "Cy"] and figure["data"][0]["y"] == [1, 0, 1]


@pytest.mark.parametrize(("rows", "columns", "panels"), [(1, 1, 1), (1, 3, 3), (2, 4, 8), (3, 4, 11), (2, 2, 3)])
def test_the_panel_grid_is_laid_out_as_plotlys_make_subplots_lays_it_out(rows, columns, panels):
    titles = [f"panel {i}" for i in range(panels)]
    reference = make_subplots(
        rows=rows, cols=columns, subplot_titles=titles, shared_xaxes="all", shared_yaxes="all",
        vertical_spacing=min(0.3, 0.5 / rows), horizontal_spacing=0.04,
    ).update_yaxes(range=[0, 1.05], tickformat=".0%").to_plotly_json()["layout"]

    axes, notes = charts._grid(rows, columns, titles)

    expected = {name: axis for name, axis in reference.items() if name.startswith(("xaxis", "yaxis"))}
    assert axes.keys() == expected.keys()
    for name, axis in expected.items():
        assert {**axes[name], "domain": None} == {**axis, "domain": None}, name
        assert axes[name]["domain"] == pytest.approx(axis["domain"]), name
    assert len(notes) == len(reference["annotations"])
    for note, title in zip(notes, reference["annotations"], strict=True):
        assert {**note, "x": None, "y": None} == {**title, "x": None, "y": None}
        assert (note["x"], note["y"]) == pytest.approx((title["x"], title["y"]))
