"""The dashboard page: everything it shows, read on one connection (one version of the serving file), rendered
server-side with Jinja2. Charts travel as Plotly figure JSON in `data-figure` attributes for plotly.js to draw."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import jinja2

from orchestration.alerting.notification import format_value
from orchestration.dashboard import charts, marts, monitoring
from orchestration.lib.publish import Headline, read_headline

ROW_LIMIT = 100
TEAM_COLUMNS = 3
REP_COLUMNS = 4

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("orchestration.dashboard"), autoescape=True, trim_blocks=True, lstrip_blocks=True
)


@dataclass(frozen=True)
class Filters:
    """The neglected-leads table's filters, from the query string: an owner_id and a neglected follow-up state."""

    rep: str | None = None
    state: str | None = None


@dataclass(frozen=True)
class View:
    headline: Headline
    firing: list[monitoring.Incident]
    monitoring: dict[str, bool]
    scope_names: dict[tuple[str, str], str]
    team_chart: str
    rep_chart: str
    aging_chart: str
    reps: list[marts.Rep]
    filters: Filters
    neglected: marts.NeglectedLeads


def read_view(con: duckdb.DuckDBPyConnection, filters: Filters) -> View:
    """Everything the page shows, from one open serving file; the alerting's overlays only where published."""
    series = marts.coverage_series(con)
    thresholds = monitoring.thresholds(con)
    every_incident = monitoring.incidents(con)  # firing first: split here rather than read the table twice
    incidents = [i for i in every_incident if i.measure == monitoring.COVERAGE_MEASURE]
    reps = marts.reps(con)
    return View(
        headline=read_headline(con),
        firing=[i for i in every_incident if i.firing],
        monitoring=monitoring.available(con),
        scope_names={("rep", s.scope): s.label for s in series if s.scope_type == "rep"},
        team_chart=charts.coverage_figure(
            [s for s in series if s.scope_type != "rep"], thresholds, incidents, columns=TEAM_COLUMNS
        ),
        rep_chart=charts.coverage_figure(
            [s for s in series if s.scope_type == "rep"], thresholds, incidents, columns=REP_COLUMNS
        ),
        aging_chart=charts.aging_figure(marts.aging_distribution(con)),
        reps=reps,
        filters=filters,
        neglected=marts.neglected_leads(con, rep=filters.rep, state=filters.state, limit=ROW_LIMIT),
    )


def render_dashboard(view: View, plotly_js: str) -> str:
    return _TEMPLATES.get_template("dashboard.html").render(
        view=view, states=marts.NEGLECTED_STATES, limit=ROW_LIMIT, plotly_js=plotly_js
    )


def render_message(title: str, message: str, *, link: str | None = None) -> str:
    """A plain page for what stops the dashboard: no serving file yet, a filter it cannot apply."""
    return _TEMPLATES.get_template("message.html").render(title=title, message=message, link=link)


def missing_serving_file(path: Path) -> str:
    return render_message(
        "No published marts yet",
        f"The serving file {path} does not exist yet: run `make run` first (or `radar run`), which builds the "
        "marts and publishes them there, then reload this page.",
    )


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _measure_value(value: float | None, measure: str) -> str:
    """A measure's value in its unit: shares as whole percentages like the charts, others as the alerts say them."""
    return _percent(value) if measure.endswith(("coverage", "share")) else format_value(measure, value)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


_TEMPLATES.filters["percent"] = _percent
_TEMPLATES.filters["measure_value"] = _measure_value
_TEMPLATES.filters["cell"] = _cell
