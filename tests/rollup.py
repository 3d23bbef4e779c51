"""For tests that hand-make marts: the rollup of their per-rep coverage rows, shaped as dbt's
follow_up_coverage_rollup_daily (one row per day and scope, the counts summed over the scope's reps, and each
scope's change since seven days before)."""

import duckdb

ROLLUP = """
create table marts.follow_up_coverage_rollup_daily as
with summed as (
    select day,
        case when grouping(team) = 1 then 'company' when grouping(owner_id) = 1 then 'team' else 'rep' end
            as scope_type,
        case when grouping(team) = 1 then 'company' when grouping(owner_id) = 1 then coalesce(team, '(no team)')
            else owner_id end as scope,
        case when grouping(team) = 1 then 'company' when grouping(owner_id) = 1 then coalesce(team, '(no team)')
            else coalesce(max(owner_name), owner_id) end as scope_label,
        case when grouping(team) = 0 then team end as team,
        count(*) as reps,
        {sums},
        sum(covered_leads) / nullif(sum(due_leads), 0) as follow_up_coverage
    from marts.follow_up_coverage_daily
    group by grouping sets ((day), (day, team), (day, team, owner_id))
)
select today.*, {changes}
from summed as today
left join summed as week_before on week_before.scope_type = today.scope_type and week_before.scope = today.scope
    and week_before.day = today.day - 7
"""
NEGLECTED = "sum(never_touched_leads) + sum(stale_leads) as neglected_leads"


def create_rollup(con: duckdb.DuckDBPyConnection, counts: tuple[str, ...]) -> None:
    """marts.follow_up_coverage_rollup_daily from marts.follow_up_coverage_daily, summing the given count columns
    (and, when they include never_touched_leads and stale_leads, their neglected_leads as dbt sums them), with the
    *_change_7d columns of coverage and of the open and neglected leads it has."""
    sums = [f"sum({count}) as {count}" for count in counts]
    if {"never_touched_leads", "stale_leads"} <= set(counts):
        sums.append(NEGLECTED)
    changed = ["follow_up_coverage"] + [c for c in ("open_leads", "neglected_leads") if f"as {c}" in " ".join(sums)]
    changes = [f"today.{c} - week_before.{c} as {c}_change_7d" for c in changed]
    con.execute(ROLLUP.format(sums=", ".join(sums), changes=", ".join(changes)))
