"""The dashboard page: everything it shows, read on one connection (one version of the serving file), rendered
server-side with Jinja2. Charts travel as Plotly figure JSON in `data-figure` attributes for plotly.js to draw."""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import jinja2

from orchestration.alerting.notification import format_value
from orchestration.dashboard import charts, formats, leads, marts, monitoring
from orchestration.dashboard.filters import Filters
from orchestration.dashboard.known import check_rep, check_team
from orchestration.dashboard.leads import NeglectedLeads
from orchestration.dashboard.tables import in_utc
from orchestration.dashboard.tiles import Tiles, read_tiles

ROW_LIMIT = 100
TEAM_COLUMNS = 3
REP_COLUMNS = 4
# The pages in the navigation bar: path, label, the filters a link to it takes along from the page shown.
NAVIGATION = (
    ("/", "Overview", ("team", "rep")), ("/scorecard", "Scorecard", ("team",)), ("/segments", "Segments", ()),
    ("/calls", "Call list", ("team", "rep")),
)

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("orchestration.dashboard"), autoescape=True, trim_blocks=True, lstrip_blocks=True
)


@dataclass(frozen=True)
class View:
    tiles: Tiles
    firing: list[monitoring.Incident]
    monitoring: dict[str, bool]
    scope_names: dict[tuple[str, str], str]
    team_chart: str
    rep_chart: str
    aging_chart: str
    teams: list[str]
    reps: list[marts.Rep]
    filters: Filters
    neglected: NeglectedLeads


def read_view(con: duckdb.DuckDBPyConnection, filters: Filters, crm_base_url: str | None = None) -> View:
    """Everything the page shows, from one open serving file; the alerting's overlays only where published."""
    teams, reps = check_known(con, filters)
    days = {"start": filters.start, "end": filters.end}
    series = marts.coverage_series(con, team=filters.team, **days)
    thresholds = monitoring.thresholds(con, **days)
    every_incident = monitoring.incidents(con)  # firing first: split here rather than read the table twice
    incidents = [i for i in every_incident if i.measure == monitoring.COVERAGE_MEASURE]
    return View(
        tiles=read_tiles(con, filters.team),
        firing=[i for i in every_incident if i.firing],
        monitoring=monitoring.available(con),
        scope_names={("rep", s.scope): s.label for s in series if s.scope_type == "rep"},
        team_chart=charts.coverage_figure(
            [s for s in series if s.scope_type != "rep"], thresholds, incidents, columns=TEAM_COLUMNS
        ),
        rep_chart=charts.coverage_figure(
            [s for s in series if s.scope_type == "rep"], thresholds, incidents, columns=REP_COLUMNS
        ),
        aging_chart=charts.aging_figure(marts.aging_distribution(con, team=filters.team, **days)),
        teams=teams,
        reps=[rep for rep in reps if filters.team in (None, rep.team)],
        filters=filters,
        neglected=leads.neglected_leads(
            con, filters, crm_base_url=crm_base_url, limit=ROW_LIMIT
        ),
    )


def check_known(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[list[str], list[marts.Rep]]:
    """The teams and reps of the marts; UnknownFilter when the filters name a team or rep that is not there."""
    teams = check_team(con, filters.team, filters.query(team=None))
    return teams, check_rep(con, filters.rep, filters.query(rep=None), "the dashboard")


def render_dashboard(view: View, plotly_js: str) -> str:
    carried = {"team": view.filters.team, "rep": view.filters.rep}
    return render("dashboard.html", "/", carried, view=view, states=marts.NEGLECTED_STATES, limit=ROW_LIMIT,
                  plotly_js=plotly_js, columns=leads.COLUMNS)


def render(template: str, path: str, carried: dict[str, str | None], **context: object) -> str:
    """A page with the navigation bar, whose links take along the filters in `carried` that each page has."""
    return _TEMPLATES.get_template(template).render(nav=navigation(path, carried), **context)


def navigation(current: str | None, carried: dict[str, str | None]) -> list[tuple[str, str, bool]]:
    """(link, label, is the current page) of each page, keeping the team (and the rep) across the pages."""
    links = []
    for path, label, keeps in NAVIGATION:
        kept = urlencode({name: carried[name] for name in keeps if carried.get(name)})
        links.append((f"{path}?{kept}" if kept else path, label, path == current))
    return links


def render_message(title: str, message: str, *, link: str | None = None) -> str:
    """A plain page for what stops the dashboard: no serving file yet, a filter it cannot apply."""
    return render("message.html", "", {}, title=title, message=message, link=link)


def missing_serving_file(path: Path) -> str:
    return render_message(
        "No published marts yet",
        f"The serving file {path} does not exist yet: run `make run` first (or `radar run`), which builds the "
        "marts and publishes them there, then reload this page.",
    )


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _points(change: float | None) -> str:
    """A change of a share in whole percentage points, signed."""
    return "n/a" if change is None else f"{round(change * 100):+d} pts"


def _signed(change: int | None) -> str:
    return "n/a" if change is None else f"{change:+d}"


def _measure_value(value: float | None, measure: str) -> str:
    """A measure's value in its unit: shares as whole percentages like the charts, others as the alerts say them."""
    return _percent(value) if measure.endswith(("coverage", "share")) else format_value(measure, value)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{in_utc(value):%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_TEMPLATES.filters["percent"] = _percent
_TEMPLATES.filters["points"] = _points
_TEMPLATES.filters["signed"] = _signed
_TEMPLATES.filters["measure_value"] = _measure_value
_TEMPLATES.filters["cell"] = _cell
_TEMPLATES.filters.update(formats.FILTERS)
_TEMPLATES.globals["missing_mart"] = marts.missing_mart_message
