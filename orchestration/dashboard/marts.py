"""Reads of the published marts for the dashboard, each on a read-only connection to the serving file.

Every figure is a column of a mart: team and company coverage come from the rollup mart (sum(covered_leads) /
sum(due_leads) over the day's rows, METRICS.md), never from the reps' ratios. Every read takes the filters it
honours: a team (the company's panel stays, to compare with), and days (coverage days, or the days leads were
created on).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from orchestration.dashboard.tables import Column, Table
from orchestration.serving.publish import connect_serving

# The follow-up states that make a lead neglected (METRICS.md: is_neglected).
NEGLECTED_STATES = ("never_touched", "stale")
COMPANY = "company"
NO_TEAM = "(no team)"


class ServingFileMissing(FileNotFoundError):
    """The marts have not been published to this path yet."""


class MartMissing(LookupError):
    """The serving file holds no such mart: it was published before the pipeline built it."""


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
    team: str
    neglected_leads: int


COVERAGE_COLUMNS = (
    Column("day", "Day"), Column("scope_type", "Scope"), Column("scope_label", "Name"), Column("team", "Team"),
    Column("reps", "Reps"), Column("open_leads", "Open leads"), Column("due_leads", "Due leads"),
    Column("covered_leads", "Covered leads"), Column("neglected_leads", "Neglected leads"),
    Column("follow_up_coverage", "Follow-up coverage"),
)
AGING_COLUMNS = (Column("owner_name", "Rep"), Column("team", "Team"), Column("aging_bucket", "Aging bucket"),
                 Column("open_leads", "Open leads"))
# The rows of a filtered view: $team (None: every team), $start and $end (None: unbounded), $no_team.
IN_TEAM = "($team is null or coalesce(team, $no_team) = $team)"
IN_DAYS = "($start is null or day >= cast($start as date)) and ($end is null or day <= cast($end as date))"
CREATED_IN_DAYS = (
    "($start is null or created_at >= cast($start as date)) "
    "and ($end is null or created_at < cast($end as date) + interval 1 day)"
)


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
        yield con  # in UTC (connect_serving): aware timestamps come back, and compare to days, in UTC
    finally:
        con.close()


def coverage_series(
    con: duckdb.DuckDBPyConnection, *, team: str | None = None, start: date | None = None, end: date | None = None
) -> list[Series]:
    """The company's coverage per day, then each team's, then each rep's (by team and name), as the rollup mart
    computes them; with a team, the company and that team and its reps."""
    rows = con.execute(
        "select scope_type, scope, scope_label, coalesce(team, $no_team) as team, day, follow_up_coverage "
        f"from marts.follow_up_coverage_rollup_daily where (scope_type = 'company' or {IN_TEAM}) and {IN_DAYS} "
        "order by case scope_type when 'company' then 0 when 'team' then 1 else 2 end, team, scope_label, scope, day",
        _params(team, start, end),
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


def coverage_table(
    con: duckdb.DuckDBPyConnection, *, team: str | None = None, start: date | None = None, end: date | None = None
) -> Table:
    """The rollup mart's rows the coverage charts draw, as a table (company, teams, reps; by day)."""
    rows = con.execute(
        f"select {', '.join(column.key for column in COVERAGE_COLUMNS)} from marts.follow_up_coverage_rollup_daily "
        f"where (scope_type = 'company' or {IN_TEAM}) and {IN_DAYS} "
        "order by case scope_type when 'company' then 0 when 'team' then 1 else 2 end, team, scope_label, scope, day",
        _params(team, start, end),
    ).fetchall()
    return Table(COVERAGE_COLUMNS, rows)


def aging_distribution(
    con: duckdb.DuckDBPyConnection, *, team: str | None = None, start: date | None = None, end: date | None = None
) -> AgingDistribution:
    """Open leads per rep (by team and name) and aging bucket, buckets in their natural order."""
    rows = _aging_counts(con, team, start, end)
    edges = con.execute("select max(aging_bucket_edges) from marts.metric_parameters").fetchone()[0]
    buckets = bucket_labels(edges or "")
    buckets += sorted({row[3] for row in rows} - set(buckets), key=_lower_edge)
    owners = list(dict.fromkeys(row[0] for row in rows))
    found = {(owner_id, bucket): count for owner_id, _, _, bucket, count in rows}
    counts = {bucket: [found.get((owner_id, bucket), 0) for owner_id in owners] for bucket in buckets}
    return AgingDistribution(buckets, _distinct_names({row[0]: row[1] for row in rows}), counts)


def aging_table(
    con: duckdb.DuckDBPyConnection, *, team: str | None = None, start: date | None = None, end: date | None = None
) -> Table:
    """What the aging chart draws, one row per rep and bucket that has open leads."""
    order = {bucket: i for i, bucket in enumerate(aging_distribution(con, team=team, start=start, end=end).buckets)}
    rows = sorted(_aging_counts(con, team, start, end), key=lambda row: (row[2], row[1], row[0], order[row[3]]))
    return Table(AGING_COLUMNS, [(name, team or None, bucket, count) for _, name, team, bucket, count in rows])


def bucket_labels(edges: str) -> list[str]:
    """The aging buckets in order, named as the lead_aging model names them: edges '7,14' give 0-7d, 8-14d, 14d+."""
    uppers = [int(edge) for edge in edges.split(",") if edge.strip()]
    if not uppers:
        return []
    lowers = [0, *(upper + 1 for upper in uppers[:-1])]
    return [f"{low}-{high}d" for low, high in zip(lowers, uppers, strict=True)] + [f"{uppers[-1]}d+"]


def reps(con: duckdb.DuckDBPyConnection) -> list[Rep]:
    """Every rep who owns a lead, with their team and number of neglected leads, by name."""
    rows = con.execute(
        "select scope, scope_label, coalesce(team, ?), neglected_leads from marts.lead_state_counts "
        "where scope_type = 'rep' order by 2, 1",
        [NO_TEAM],
    ).fetchall()
    return [Rep(*row) for row in rows]


def teams(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The teams of the rollup mart, by name ('(no team)' for reps without a department)."""
    rows = con.execute(
        "select distinct scope from marts.follow_up_coverage_rollup_daily where scope_type = 'team' order by 1"
    ).fetchall()
    return [team for (team,) in rows]


def _aging_counts(con: duckdb.DuckDBPyConnection, team: str | None, start: date | None, end: date | None) -> list:
    return con.execute(
        "select owner_id, coalesce(owner_name, owner_id) as name, coalesce(team, '') as team, aging_bucket, "
        f"count(*) from marts.lead_aging where is_open and {IN_TEAM} and {CREATED_IN_DAYS} "
        "group by all order by team, name, owner_id",
        _params(team, start, end),
    ).fetchall()


def _params(team: str | None, start: date | None, end: date | None) -> dict:
    return {"team": team, "no_team": NO_TEAM, "start": start, "end": end}


def _unzip(pairs: list[tuple]) -> tuple[list, list]:
    return [day for day, _ in pairs], [value for _, value in pairs]


def _distinct_names(names: dict[str, str]) -> list[str]:
    """Reps' names in order, with the owner_id added to a name two reps share (chart categories must differ)."""
    shared = {name for name in names.values() if list(names.values()).count(name) > 1}
    return [f"{name} ({owner_id})" if name in shared else name for owner_id, name in names.items()]


def _lower_edge(bucket: str) -> int:
    digits = "".join(ch for ch in bucket.split("-")[0] if ch.isdigit())
    return int(digits) if digits else 0


def has_mart(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether this serving file holds marts.<table> (files published before a mart existed do not)."""
    [(exists,)] = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = ? "
        "and database_name = current_database()",
        [table],
    ).fetchall()
    return bool(exists)


def require_mart(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """MartMissing, saying what to do, when this serving file does not hold marts.<table>."""
    if not has_mart(con, table):
        raise MartMissing(missing_mart_message(table))


def missing_mart_message(table: str) -> str:
    return (f"This serving file holds no marts.{table}: it was published before the pipeline built that mart. "
            "Run `make run` (or `radar run`) to publish it.")
