"""The call-list page's data: marts.call_list (each open lead that needs its owner's action at the as-of time,
with its reason, its wait and its rank in the owner's queue), for a team, a rep and a reason, sorted on the
server, with each lead's link to its CRM record."""

from dataclasses import dataclass

import duckdb
from starlette.datastructures import QueryParams

from orchestration.dashboard.leads import record_url
from orchestration.dashboard.marts import IN_TEAM, NO_TEAM
from orchestration.dashboard.page_query import PageQuery, Sort, Sorting, parse_page_query
from orchestration.dashboard.tables import Column, Table

TABLE = "call_list"
# The reasons in their priority order (the mart's reason_priority), in a rep's words.
REASONS = {
    "replied_unanswered": "Replied: nobody has answered back",
    "sla_breached": "Never touched, past the first-touch SLA",
    "next_step_overdue": "Next step overdue",
    "cadence_lapses_today": "Follow-up due today",
    "stale": "Stale: no touch within the cadence",
    "awaiting_disposition": "Attempts used up: set a disposition",
}
FIELDS = ("rank_in_owner", "lead_name", "company", "title", "reason", "hours_waiting", "waiting_since", "owner_name",
          "team", "age_days", "touches", "last_touch_at", "next_step_due_on", "lead_id", "owner_id")
CSV_COLUMNS = (
    Column("rank_in_owner", "Rank"), Column("lead_name", "Lead"), Column("company", "Company"),
    Column("title", "Title"), Column("reason_words", "Reason"), Column("reason", "Reason code"),
    Column("hours_waiting", "Hours waiting"), Column("waiting_since", "Waiting since (UTC)"),
    Column("owner_name", "Rep"), Column("team", "Team"), Column("age_days", "Age (days)"),
    Column("touches", "Touches"), Column("last_touch_at", "Last touch (UTC)"),
    Column("next_step_due_on", "Next step due"), Column("lead_id", "Lead ID"),
)
CRM_LINK = Column("crm_link", "CRM link")
SORTING = Sorting(
    what="the call list",
    sorts=(
        *(Sort(key, key) for key in ("rank_in_owner", "lead_name", "company", "title", "hours_waiting", "owner_name",
                                     "team", "age_days", "touches", "last_touch_at", "next_step_due_on")),
        Sort("reason", "reason_priority"),
    ),
    default="owner_name", default_order="asc", then="owner_name, owner_id, rank_in_owner",
)
NAMES = ("team", "rep", "reason")


@dataclass(frozen=True)
class CallList:
    """The matching leads (at most the limit) as dicts of the mart's FIELDS, with `reason_words` and
    `crm_link`; and how many match in all."""

    rows: list[dict]
    total: int


def parse(params: QueryParams) -> PageQuery:
    return parse_page_query(params, NAMES, SORTING, choices={"reason": tuple(REASONS)})


def read_call_list(
    con: duckdb.DuckDBPyConnection, view: PageQuery, *, crm_base_url: str | None = None, limit: int | None = None
) -> CallList:
    """The leads of the view's team, rep and reason in its order (ties: by rep, then their rank); all of them
    without a limit."""
    rows = con.execute(
        f"select {', '.join(FIELDS)}, count(*) over () as matches from marts.{TABLE} where {IN_TEAM} "
        "and ($rep is null or owner_id = $rep) and ($reason is null or reason = $reason) "
        f"order by {view.order_by()} limit $limit",
        {"team": view["team"], "no_team": NO_TEAM, "rep": view["rep"], "reason": view["reason"], "limit": limit},
    ).fetchall()
    found = [dict(zip(FIELDS, row[:-1], strict=True)) for row in rows]
    for lead in found:
        lead["reason_words"] = REASONS.get(lead["reason"], lead["reason"])
        lead["crm_link"] = record_url(crm_base_url, lead["lead_id"])
    return CallList(found, rows[0][-1] if rows else 0)


def call_list_table(calls: CallList) -> Table:
    """Every matching lead as the CSV file holds it, with a `CRM link` column when links are configured."""
    columns = (*CSV_COLUMNS, CRM_LINK) if any(lead["crm_link"] for lead in calls.rows) else CSV_COLUMNS
    return Table(columns, [tuple(lead[column.key] for column in columns) for lead in calls.rows])
