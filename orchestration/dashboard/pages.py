"""The dashboard's pages: each one's path, how it reads its query string, how it renders on the open serving file,
and the CSV files of its tables. The overview is `page`; the scorecard, segments and call list are rendered here.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter
from typing import Any

import duckdb
from starlette.datastructures import QueryParams

from orchestration.dashboard import call_list, exports, marts, page, scorecard, segments
from orchestration.dashboard.filters import parse_filters
from orchestration.dashboard.known import check_rep, check_team
from orchestration.dashboard.page_query import PageQuery
from orchestration.dashboard.scorecard_metrics import METRICS
from orchestration.dashboard.segment_chart import segment_figure
from orchestration.dashboard.tables import Table

CALL_LIST_LIMIT = 100


@dataclass(frozen=True)
class Site:
    crm_base_url: str | None
    plotly_js: str


Render = Callable[[duckdb.DuckDBPyConnection, Any, Site], str]
Export = Callable[[duckdb.DuckDBPyConnection, Any, Site], Table]


@dataclass(frozen=True)
class Page:
    path: str
    parse: Callable[[QueryParams], Any]
    render: Render
    exports: Mapping[str, Export]  # file name without .csv -> its table


def _overview(con: duckdb.DuckDBPyConnection, filters, site: Site) -> str:
    return page.render_dashboard(page.read_view(con, filters, site.crm_base_url), site.plotly_js)


def _overview_export(name: str) -> Export:
    def export(con: duckdb.DuckDBPyConnection, filters, site: Site) -> Table:
        page.check_known(con, filters)
        return exports.EXPORTS[name](con, filters, site.crm_base_url)

    return export


def _as_of(con: duckdb.DuckDBPyConnection) -> object:
    """The as-of time the marts were built for."""
    return con.execute("select max(as_of) from marts.metric_parameters").fetchone()[0]


def _segments(con: duckdb.DuckDBPyConnection, view: PageQuery, site: Site) -> str:
    context = {"view": view, "as_of": _as_of(con), "dimensions": segments.DIMENSIONS, "signals": segments.SIGNALS,
               "plotly_js": site.plotly_js, "found": None, "chart": None}
    if marts.has_mart(con, segments.TABLE):
        found = segments.read_segments(con, view)
        context |= {"found": found, "chart": segment_figure(found), "min_cell_n": found.min_cell_n}
    return page.render("segments.html", "/segments", {}, **context)


def _segments_export(con: duckdb.DuckDBPyConnection, view: PageQuery, site: Site) -> Table:
    marts.require_mart(con, segments.TABLE)
    return segments.segments_table(segments.read_segments(con, view))


def _checked_calls(con: duckdb.DuckDBPyConnection, view: PageQuery) -> tuple[list[str], list[marts.Rep]]:
    teams = check_team(con, view["team"], view.query(team=None))
    return teams, check_rep(con, view["rep"], view.query(rep=None), "the call list")


def _calls(con: duckdb.DuckDBPyConnection, view: PageQuery, site: Site) -> str:
    teams, reps = _checked_calls(con, view)
    as_of = _as_of(con)
    shown = [rep for rep in reps if view["team"] in (None, rep.team)]
    rep = next((rep for rep in reps if rep.owner_id == view["rep"]), None)
    found = (call_list.read_call_list(con, view, crm_base_url=site.crm_base_url, limit=CALL_LIST_LIMIT)
             if marts.has_mart(con, call_list.TABLE) else None)
    return page.render(
        "calls.html", "/calls", {"team": view["team"], "rep": view["rep"]}, view=view, as_of=as_of, teams=teams,
        reps=shown, rep=rep, reasons=call_list.REASONS, found=found, limit=CALL_LIST_LIMIT,
    )


def _calls_export(con: duckdb.DuckDBPyConnection, view: PageQuery, site: Site) -> Table:
    _checked_calls(con, view)
    marts.require_mart(con, call_list.TABLE)
    return call_list.call_list_table(call_list.read_call_list(con, view, crm_base_url=site.crm_base_url))


def _scorecard(con: duckdb.DuckDBPyConnection, view: PageQuery, site: Site) -> str:
    teams = check_team(con, view["team"], view.query(team=None))
    as_of = _as_of(con)
    card = scorecard.read_scorecard(con, view) if marts.has_mart(con, scorecard.TABLE) else None
    return page.render(
        "scorecard.html", "/scorecard", {"team": view["team"]}, view=view, as_of=as_of, teams=teams, card=card,
        metrics=METRICS, groups=[(group, len(list(shown))) for group, shown in groupby(METRICS, attrgetter("group"))],
        week_end=scorecard.week_end, usual_weeks=scorecard.USUAL_WEEKS,
    )


def _scorecard_export(con: duckdb.DuckDBPyConnection, view: PageQuery, site: Site) -> Table:
    check_team(con, view["team"], view.query(team=None))
    marts.require_mart(con, scorecard.TABLE)
    return scorecard.scorecard_table(scorecard.read_scorecard(con, view))


PAGES = (
    Page("/", parse_filters, _overview, {name: _overview_export(name) for name in exports.EXPORTS}),
    Page("/scorecard", scorecard.parse, _scorecard, {"scorecard": _scorecard_export}),
    Page("/segments", segments.parse, _segments, {"segments": _segments_export}),
    Page("/calls", call_list.parse, _calls, {"call-list": _calls_export}),
)
