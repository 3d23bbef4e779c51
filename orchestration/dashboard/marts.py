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
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as error:
        if not Path(path).exists():  # removed between the check and the open
            raise ServingFileMissing(str(path)) from error
        raise
    try:
        yield con
    finally:
        con.close()


def coverage_series(con: duckdb.DuckDBPyConnection) -> list[Series]:
    """The company's coverage per day, then each team's, then each rep's (by team and name)."""
    ratio = "sum(covered_leads) / nullif(sum(due_leads), 0)"
    company = _rows(con, f"select 'Company', day, {ratio} from marts.follow_up_coverage_daily group by day order by 2")
    teams = _rows(
        con,
        f"select coalesce(team, '{NO_TEAM}'), day, {ratio} "
        "from marts.follow_up_coverage_daily group by all order by all",
    )
    reps = _rows(
        con,
        "select owner_id, coalesce(any_value(owner_name), owner_id) as name, coalesce(any_value(team), "
        f"'{NO_TEAM}') as team, day, {ratio} from marts.follow_up_coverage_daily group by owner_id, day "
        "order by team, name, owner_id, day",
    )
    series = [Series("company", COMPANY, label, *_unzip(days)) for label, days in _grouped(company)]
    series += [Series("team", team, team, *_unzip(days)) for team, days in _grouped(teams)]
    labels = {owner_id: f"{name} ({team})" for owner_id, name, team, *_ in reps}
    series += [Series("rep", rep, labels[rep], *_unzip(days)) for rep, days in _grouped(reps)]
    return series


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


def _grouped(rows: list[tuple]) -> Iterator[tuple[str, list[tuple]]]:
    """Rows grouped by their first column, in order of first appearance; each group keeps its (day, value)."""
    groups: dict[str, list[tuple]] = {}
    for row in rows:
        groups.setdefault(row[0], []).append(row[-2:])
    yield from groups.items()


def _unzip(pairs: list[tuple]) -> tuple[list, list]:
    return [day for day, _ in pairs], [value for _, value in pairs]


def _distinct_names(names: dict[str, str]) -> list[str]:
    """Reps' names in order, with the owner_id added to a name two reps share (chart categories must differ)."""
    shared = {name for name in names.values() if list(names.values()).count(name) > 1}
    return [f"{name} ({owner_id})" if name in shared else name for owner_id, name in names.items()]


def _lower_edge(bucket: str) -> int:
    digits = "".join(ch for ch in bucket.split("-")[0] if ch.isdigit())
    return int(digits) if digits else 0
