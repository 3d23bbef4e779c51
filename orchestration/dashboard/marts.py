"""Reads of the published marts for the dashboard, each on a read-only connection to the serving file.

Team and company coverage are sum(covered_leads) / sum(due_leads) over the day's rows (METRICS.md), never an
average of the reps' ratios.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from orchestration.lib.publish import connect_serving

# The follow-up states that make a lead neglected (METRICS.md: is_neglected).
NEGLECTED_STATES = ("never_touched", "stale")
COMPANY = "company"
NO_TEAM = "(no team)"


class ServingFileMissing(FileNotFoundError):
    """The marts have not been published to this path yet."""


@dataclass(frozen=True)
class Series:
    """Daily follow-up coverage of one scope: the company, a team (scope = team name) or a rep (owner_id)."""

    scope_type: str
    scope: str
    label: str
    days: list[date]
    coverage: list[float | None]


@dataclass(frozen=True)
class AgingDistribution:
    """Open leads per rep and aging bucket; counts[bucket][i] belongs to reps[i]."""

    buckets: list[str]
    reps: list[str]
    counts: dict[str, list[int]]


@dataclass(frozen=True)
class Rep:
    owner_id: str
    owner_name: str
    neglected_leads: int


@dataclass(frozen=True)
class NeglectedLeads:
    """The oldest neglected leads matching the filters (at most the limit) and how many match in all."""

    columns: list[str]
    rows: list[tuple]
    total: int


@contextmanager
def open_serving(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the serving file, closed on exit so the next publish's file is read next time."""
    if not Path(path).is_file():
        raise ServingFileMissing(str(path))
    try:
        con = connect_serving(path)
    except duckdb.IOException as error:
        if not Path(path).exists():  # removed between the check and the open
            raise ServingFileMissing(str(path)) from error
        raise
    try:
        yield con
    finally:
        con.close()


def coverage_series(con: duckdb.DuckDBPyConnection) -> list[Series]:
    """The company's coverage per day, then each team's, then each rep's (by team and name), as the rollup mart
    computes them."""
    rows = con.execute(
        "select scope_type, scope, scope_label, coalesce(team, ?) as team, day, follow_up_coverage "
        "from marts.follow_up_coverage_rollup_daily "
        "order by case scope_type when 'company' then 0 when 'team' then 1 else 2 end, team, scope_label, scope, day",
        [NO_TEAM],
    ).fetchall()
    labels = {
        (kind, scope): "Company" if kind == "company" else f"{label} ({team})" if kind == "rep" else label
        for kind, scope, label, team, *_ in rows
    }
    by_scope: dict[tuple[str, str], list[tuple]] = {}
    for kind, scope, *_, day, value in rows:
        by_scope.setdefault((kind, scope), []).append((day, value))
    return [
        Series(kind, COMPANY if kind == "company" else scope, labels[kind, scope], *_unzip(days))
        for (kind, scope), days in by_scope.items()
    ]


def aging_distribution(con: duckdb.DuckDBPyConnection) -> AgingDistribution:
    """Open leads per rep (by team and name) and aging bucket, buckets in their natural order."""
    rows = _rows(
        con,
        "select owner_id, coalesce(owner_name, owner_id) as name, coalesce(team, '') as team, aging_bucket, "
        "count(*) from marts.lead_aging where is_open group by all order by team, name, owner_id",
    )
    edges = con.execute("select max(aging_bucket_edges) from marts.metric_parameters").fetchone()[0]
    buckets = bucket_labels(edges or "")
    buckets += sorted({row[3] for row in rows} - set(buckets), key=_lower_edge)
    owners = list(dict.fromkeys(row[0] for row in rows))
    found = {(owner_id, bucket): count for owner_id, _, _, bucket, count in rows}
    counts = {bucket: [found.get((owner_id, bucket), 0) for owner_id in owners] for bucket in buckets}
    return AgingDistribution(buckets, _distinct_names({row[0]: row[1] for row in rows}), counts)


def bucket_labels(edges: str) -> list[str]:
    """The aging buckets in order, named as the lead_aging model names them: edges '7,14' give 0-7d, 8-14d, 14d+."""
    uppers = [int(edge) for edge in edges.split(",") if edge.strip()]
    if not uppers:
        return []
    lowers = [0, *(upper + 1 for upper in uppers[:-1])]
    return [f"{low}-{high}d" for low, high in zip(lowers, uppers, strict=True)] + [f"{uppers[-1]}d+"]


def reps(con: duckdb.DuckDBPyConnection) -> list[Rep]:
    """Every rep who owns a lead, with their number of neglected leads, by name."""
    rows = _rows(
        con,
        "select owner_id, coalesce(any_value(owner_name), owner_id), count(*) filter (where is_neglected) "
        "from marts.lead_aging group by owner_id order by 2, 1",
    )
    return [Rep(owner_id, name, count) for owner_id, name, count in rows]


def neglected_leads(
    con: duckdb.DuckDBPyConnection, *, rep: str | None = None, state: str | None = None, limit: int = 100
) -> NeglectedLeads:
    """Neglected leads, oldest first (by age_days, then lead_id), optionally of one rep and one follow-up state."""
    cursor = con.execute(
        "select lead_id, owner_name, team, age_days, aging_bucket, follow_up_state, touches, "
        "days_since_last_touch, last_touch_at, created_at, count(*) over () as matches "
        "from marts.lead_aging where is_neglected and ($rep is null or owner_id = $rep) "
        "and ($state is null or follow_up_state = $state) order by age_days desc, lead_id limit $limit",
        {"rep": rep, "state": state, "limit": limit},
    )
    columns = [d[0] for d in cursor.description][:-1]
    rows = cursor.fetchall()
    return NeglectedLeads(columns, [row[:-1] for row in rows], rows[0][-1] if rows else 0)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def _unzip(pairs: list[tuple]) -> tuple[list, list]:
    return [day for day, _ in pairs], [value for _, value in pairs]


def _distinct_names(names: dict[str, str]) -> list[str]:
    """Reps' names in order, with the owner_id added to a name two reps share (chart categories must differ)."""
    shared = {name for name in names.values() if list(names.values()).count(name) > 1}
    return [f"{name} ({owner_id})" if name in shared else name for owner_id, name in names.items()]


def _lower_edge(bucket: str) -> int:
    digits = "".join(ch for ch in bucket.split("-")[0] if ch.isdigit())
    return int(digits) if digits else 0
