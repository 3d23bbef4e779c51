"""The dashboard's pages: each one's path, how it reads its query string, how it renders on the open serving file,
and the CSV files of its tables. The overview is `page`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
from starlette.datastructures import QueryParams

from orchestration.dashboard import exports, page
from orchestration.dashboard.filters import parse_filters
from orchestration.dashboard.tables import Table


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


PAGES = (
    Page("/", parse_filters, _overview, {name: _overview_export(name) for name in exports.EXPORTS}),
)
