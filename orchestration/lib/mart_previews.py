"""What a mart's materialization shows in the Dagster UI besides its row count: a small Markdown preview of its
headline numbers, and where the mart is published for BI tools."""

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.lib.publish import MART_SCHEMA, MARTS, parquet_path


def _coverage(con: duckdb.DuckDBPyConnection) -> str:
    day = con.execute(f"select max(day) from {MART_SCHEMA}.follow_up_coverage_daily").fetchone()[0]
    rows = con.execute(
        f"""
        select case when grouping(team) = 1 then 'company' else coalesce(team, '(no team)') end as scope,
            sum(covered_leads), sum(due_leads)
        from {MART_SCHEMA}.follow_up_coverage_daily where day = ?
        group by grouping sets ((), (team)) order by grouping(team) desc, team
        """,
        [day],
    ).fetchall()
    lines = [f"Follow-up coverage on {day} (the last complete day):", "", "| scope | covered / due | coverage |",
             "|---|---|---|"]
    lines += [f"| {scope} | {covered}/{due} | {_percent(covered, due)} |" for scope, covered, due in rows]
    return "\n".join(lines)


def _aging(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        f"select follow_up_state, count(*), count(*) filter (where is_neglected) "
        f"from {MART_SCHEMA}.lead_aging group by 1 order by 2 desc, 1"
    ).fetchall()
    lines = ["| follow-up state | leads | neglected |", "|---|---|---|"]
    lines += [f"| {state} | {leads} | {neglected} |" for state, leads, neglected in rows]
    return "\n".join(lines)


def _parameters(con: duckdb.DuckDBPyConnection) -> str:
    cursor = con.execute(f"select * from {MART_SCHEMA}.metric_parameters")
    names = [d[0] for d in cursor.description]
    return "\n".join(f"- `{name}`: {value}" for name, value in zip(names, cursor.fetchone() or [], strict=False))


def _percent(covered: int, due: int) -> str:
    return f"{covered / due:.0%}" if due else "n/a"


PREVIEWS: dict[str, Callable[[duckdb.DuckDBPyConnection], str]] = {
    "follow_up_coverage_daily": _coverage,
    "lead_aging": _aging,
    "metric_parameters": _parameters,
}


def mart_metadata(con: duckdb.DuckDBPyConnection, name: str, serving_db: Path, serving_dir: Path) -> dict:
    """Preview and published paths of a mart; nothing for other models."""
    if name not in MARTS:
        return {}
    return {
        "preview": dg.MetadataValue.md(PREVIEWS[name](con)),
        "published_serving_db": dg.MetadataValue.path(f"{serving_db} (table {MART_SCHEMA}.{name})"),
        "published_parquet": dg.MetadataValue.path(str(parquet_path(serving_dir, name))),
    }
