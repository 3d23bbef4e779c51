"""The tiles: follow-up coverage on the last complete day, neglected and open leads at the as-of time, each with
its change over the week (the rollup mart's *_change_7d), for the company or one team."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb


@dataclass(frozen=True)
class Tiles:
    scope_label: str  # "Company" or the team
    as_of: datetime | None
    day: date | None  # the last complete day
    covered_leads: int
    due_leads: int
    coverage: float | None
    coverage_change: float | None  # since seven days before `day`, in shares (0.05 is 5 points)
    neglected_leads: int  # at the as-of time
    neglected_change: int | None  # day-end counts: `day` minus seven days before
    open_leads: int
    open_change: int | None

    @property
    def week_before(self) -> date | None:
        return self.day - timedelta(days=7) if self.day else None


def read_tiles(con: duckdb.DuckDBPyConnection, team: str | None = None) -> Tiles:
    scope_type, scope = ("team", team) if team else ("company", "company")
    day = con.execute(
        "select (select max(as_of) from marts.metric_parameters), max(day) from marts.follow_up_coverage_rollup_daily"
    ).fetchone()
    rollup = con.execute(
        "select covered_leads, due_leads, follow_up_coverage, follow_up_coverage_change_7d, "
        "neglected_leads_change_7d, open_leads_change_7d from marts.follow_up_coverage_rollup_daily "
        "where day = ? and scope_type = ? and scope = ?",
        [day[1], scope_type, scope],
    ).fetchone() or (0, 0, None, None, None, None)
    neglected, open_leads = con.execute(
        "select neglected_leads, open_leads from marts.lead_state_counts where scope_type = ? and scope = ?",
        [scope_type, scope],
    ).fetchone() or (0, 0)
    covered, due, coverage, coverage_change, neglected_change, open_change = rollup
    return Tiles(
        team or "Company", *day, covered, due, coverage, coverage_change, neglected, neglected_change, open_leads,
        open_change,
    )
