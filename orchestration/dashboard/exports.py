"""The CSV file of each table on the page, for the same filters: every matching row, not only those shown."""

from collections.abc import Callable

import duckdb

from orchestration.dashboard import leads, marts
from orchestration.dashboard.filters import Filters
from orchestration.dashboard.tables import Table


def neglected_leads(con: duckdb.DuckDBPyConnection, filters: Filters, crm_base_url: str | None) -> Table:
    found = leads.neglected_leads(con, filters, crm_base_url=crm_base_url)
    return leads.with_crm_links(found)


def coverage(con: duckdb.DuckDBPyConnection, filters: Filters, crm_base_url: str | None) -> Table:
    return marts.coverage_table(con, team=filters.team, start=filters.start, end=filters.end)


def aging(con: duckdb.DuckDBPyConnection, filters: Filters, crm_base_url: str | None) -> Table:
    return marts.aging_table(con, team=filters.team, start=filters.start, end=filters.end)


# The file name (without .csv) -> its table.
EXPORTS: dict[str, Callable[[duckdb.DuckDBPyConnection, Filters, str | None], Table]] = {
    "neglected-leads": neglected_leads, "coverage": coverage, "aging": aging,
}
