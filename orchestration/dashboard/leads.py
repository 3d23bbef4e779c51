"""The neglected leads (marts.lead_aging), filtered and sorted on the server, with a link to each CRM record."""

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

import duckdb

from orchestration.dashboard.marts import CREATED_IN_DAYS, IN_TEAM, NO_TEAM
from orchestration.dashboard.tables import Column, Table

if TYPE_CHECKING:
    from orchestration.dashboard.filters import Filters

COLUMNS = (
    Column("lead_name", "Lead"),
    Column("company", "Company"),
    Column("lead_source", "Source"),
    Column("owner_name", "Rep"),
    Column("team", "Team"),
    Column("age_days", "Age (days)"),
    Column("aging_bucket", "Aging bucket"),
    Column("follow_up_state", "Follow-up state"),
    Column("touches", "Touches"),
    Column("days_since_last_touch", "Days since last touch"),
    Column("last_touch_at", "Last touch (UTC)"),
    Column("created_at", "Created (UTC)"),
    Column("lead_id", "Lead ID"),
)
DEFAULT_SORT = ("age_days", "desc")  # oldest first
CRM_LINK = Column("crm_link", "CRM link")
_LEAD_ID = [column.key for column in COLUMNS].index("lead_id")


@dataclass(frozen=True)
class NeglectedLeads:
    """The matching leads (at most the limit), how many match in all, and each shown lead's CRM link."""

    table: Table
    total: int
    links: list[str | None]


def neglected_leads(
    con: duckdb.DuckDBPyConnection, selection: "Filters", *, crm_base_url: str | None = None,
    limit: int | None = None,
) -> NeglectedLeads:
    """Neglected leads of the selection's team, rep and state, created on its days, in its order (ties: oldest
    first, then by lead_id); all of them without a limit."""
    if selection.sort not in {column.key for column in COLUMNS} or selection.order not in ("asc", "desc"):
        raise ValueError(f"cannot sort by {selection.sort} {selection.order}")
    cursor = con.execute(
        f"select {', '.join(column.key for column in COLUMNS)}, count(*) over () as matches "
        f"from marts.lead_aging where is_neglected and {IN_TEAM} and {CREATED_IN_DAYS} "
        "and ($rep is null or owner_id = $rep) and ($state is null or follow_up_state = $state) "
        f"order by {selection.sort} {selection.order} nulls last, age_days desc, lead_id limit $limit",
        {"team": selection.team, "no_team": NO_TEAM, "rep": selection.rep, "state": selection.state,
         "start": selection.start, "end": selection.end, "limit": limit},
    )
    rows = cursor.fetchall()
    links = [record_url(crm_base_url, row[_LEAD_ID]) for row in rows]
    return NeglectedLeads(Table(COLUMNS, [row[:-1] for row in rows]), rows[0][-1] if rows else 0, links)


def with_crm_links(leads: NeglectedLeads) -> Table:
    """The table with each lead's CRM link as its last column (for the CSV export), when links are configured."""
    if not any(leads.links):
        return leads.table
    rows = [(*row, link) for row, link in zip(leads.table.rows, leads.links, strict=True)]
    return Table((*leads.table.columns, CRM_LINK), rows)


def record_url(base_url: str | None, lead_id: str | None) -> str | None:
    """The lead's record in Salesforce (`<base>/<Lead Id>`, as Lightning redirects it), or None without a base."""
    if not base_url or not lead_id:
        return None
    return f"{base_url.rstrip('/')}/{quote(lead_id, safe='')}"
