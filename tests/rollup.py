"""For tests that hand-make marts: the rollup of their per-rep coverage rows, shaped as dbt's
follow_up_coverage_rollup_daily (one row per day and scope, the counts summed over the scope's reps)."""

import duckdb

ROLLUP = """
create table marts.follow_up_coverage_rollup_daily as
select day,
    case when grouping(team) = 1 then 'company' when grouping(owner_id) = 1 then 'team' else 'rep' end as scope_type,
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
"""


def create_rollup(con: duckdb.DuckDBPyConnection, counts: tuple[str, ...]) -> None:
    """marts.follow_up_coverage_rollup_daily from marts.follow_up_coverage_daily, summing the given count columns."""
    con.execute(ROLLUP.format(sums=", ".join(f"sum({c}) as {c}" for c in counts)))
