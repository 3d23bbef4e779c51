"""The scorecard page's data: marts.rep_scorecard_weekly, reps side by side on one complete week (by default the
last), each figure with its n and beside the rep's usual.

A rate (or percentile, or mean) is reportable when its n, the column of its trials, is at least min_cell_n
(marts.metric_parameters); counts have no n and are always reportable. The rep's usual is the one figure the
dashboard computes itself (the mart has no baseline column): the lower median of the rep's values over the
USUAL_WEEKS complete weeks before, counting the weeks that have a value; its n is the sum of those weeks' n.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
from starlette.datastructures import QueryParams

from orchestration.dashboard.filters import BadFilter
from orchestration.dashboard.marts import IN_TEAM, NO_TEAM
from orchestration.dashboard.page_query import PageQuery, Sort, Sorting, parse_page_query
from orchestration.dashboard.scorecard_metrics import METRICS, Metric
from orchestration.dashboard.scorecard_usual import Cell, cells
from orchestration.dashboard.tables import Column, Table

TABLE = "rep_scorecard_weekly"
USUAL_WEEKS = 8
BENCHMARKS = ("benchmark_never_follow_up", "benchmark_gave_up_after_one", "benchmark_calls_to_reach")
_REP = ("owner_id", "owner_name", "team", "rep_is_active")
_FIELDS = tuple(dict.fromkeys(
    [*(metric.key for metric in METRICS), *(metric.n for metric in METRICS if metric.n)]
))


def _sort_sql(metric: Metric) -> str:
    """A percentile that was not reached (null while its cohort has leads) sorts as the longest time."""
    if metric.not_reached:
        return f"coalesce({metric.key}, case when {metric.n} > 0 then cast('infinity' as double) end)"
    return metric.key


SORTING = Sorting(
    what="the scorecard",
    sorts=(Sort("owner_name", "owner_name"), Sort("team", "team"),
           *(Sort(metric.key, _sort_sql(metric), ranked=metric.n is not None) for metric in METRICS)),
    default="team", default_order="asc", then="team nulls last, owner_name, owner_id",
)


@dataclass(frozen=True)
class RepWeek:
    owner_id: str
    owner_name: str
    team: str
    is_active: bool | None
    cells: dict[str, Cell]  # metric key -> this week's figure and the usual


@dataclass(frozen=True)
class Scorecard:
    weeks: list[date]  # the complete weeks, newest first
    week: date | None  # the week shown; None when no week is complete yet
    usual_weeks: list[date]  # the weeks the usual is taken over, oldest first
    min_cell_n: int
    benchmarks: dict[str, float | None]
    reps: list[RepWeek]


def parse(params: QueryParams) -> PageQuery:
    return parse_page_query(params, ("team", "week"), SORTING, days=("week",))


def read_scorecard(con: duckdb.DuckDBPyConnection, view: PageQuery) -> Scorecard:
    """The reps of the view's team on its week (the last complete one when none is asked for)."""
    min_cell_n, *benchmarks = con.execute(
        f"select max(min_cell_n), {', '.join(f'max({name})' for name in BENCHMARKS)} from marts.metric_parameters"
    ).fetchone()
    weeks = [week for (week,) in con.execute(
        f"select distinct week_start from marts.{TABLE} where is_complete order by 1 desc"
    ).fetchall()]
    week = _chosen_week(view["week"], weeks)
    usual_weeks = sorted(weeks[weeks.index(week) + 1:][:USUAL_WEEKS]) if week else []
    min_cell_n = int(min_cell_n or 0)
    params = {"team": view["team"], "no_team": NO_TEAM, "week": week}
    unreportable = {metric.key: f"coalesce({metric.n}, 0) < {min_cell_n}" for metric in METRICS if metric.n}
    names = [*_REP, *_FIELDS]
    this_week = con.execute(
        f"select {', '.join(names)} from marts.{TABLE} where week_start = $week and {IN_TEAM} "
        f"order by {view.order_by(unreportable)}",
        params,
    ).fetchall() if week else []
    before = con.execute(
        f"select {', '.join(names)} from marts.{TABLE} where is_complete and week_start >= $first "
        f"and week_start < $week and {IN_TEAM} order by week_start",
        {**params, "first": usual_weeks[0] if usual_weeks else week},
    ).fetchall() if week else []
    history: dict[str, list[dict]] = {}
    for row in before:
        history.setdefault(row[0], []).append(dict(zip(names, row, strict=True)))
    reps = [
        RepWeek(row[0], row[1] or row[0], row[2] or NO_TEAM, row[3],
                cells(dict(zip(names, row, strict=True)), history.get(row[0], []), min_cell_n))
        for row in this_week
    ]
    return Scorecard(weeks, week, usual_weeks, min_cell_n, dict(zip(BENCHMARKS, benchmarks, strict=True)), reps)


def week_end(week: date) -> date:
    """The Sunday that ends the ISO week starting on `week`."""
    return week + timedelta(days=6)


def _chosen_week(asked: str | None, weeks: list[date]) -> date | None:
    if asked is None:
        return weeks[0] if weeks else None
    if date.fromisoformat(asked) not in weeks:
        span = f"the Mondays from {weeks[-1]} to {weeks[0]}" if weeks else "none yet"
        raise BadFilter(f'"{asked}" is not the start of a complete week of the scorecard: choose one of {span}.',
                        "week")
    return date.fromisoformat(asked)


def scorecard_table(scorecard: Scorecard) -> Table:
    """The reps as the CSV file holds them: per metric its value, n, usual, the usual's weeks and n. A
    percentile not reached is empty, as in the mart (its n is not 0)."""
    columns = [Column("owner_name", "Rep"), Column("owner_id", "Owner ID"), Column("team", "Team"),
               Column("is_active", "Active"), Column("week_start", "Week starting")]
    for metric in METRICS:
        columns.append(Column(metric.key, metric.header))
        columns += [Column(f"{metric.key}.n", f"{metric.header}, n")] if metric.n else []
        columns += [Column(f"{metric.key}.usual", f"{metric.header}, usual"),
                    Column(f"{metric.key}.usual_weeks", f"{metric.header}, usual over weeks")]
        columns += [Column(f"{metric.key}.usual_n", f"{metric.header}, usual n")] if metric.n else []
    rows = []
    for rep in scorecard.reps:
        row = [rep.owner_name, rep.owner_id, rep.team, rep.is_active, scorecard.week]
        for metric in METRICS:
            cell = rep.cells[metric.key]
            row += [_finite(cell.value), *([cell.n] if metric.n else []), _finite(cell.usual), cell.usual_weeks,
                    *([cell.usual_n] if metric.n else [])]
        rows.append(tuple(row))
    return Table(columns, rows)


def _finite(value: float | None) -> float | None:
    return None if value is not None and math.isinf(value) else value
