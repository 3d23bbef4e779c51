"""What a mart's materialization shows in the Dagster UI besides its row count: a small Markdown preview of its
headline numbers, and where the mart is published for BI tools."""

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.lib.publish import MART_SCHEMA, MARTS, parquet_path

SURVIVAL_AGES = (0, 1, 7, 14, 30, 60, 90)  # the ages the shiny-object curve's preview shows


def _coverage(con: duckdb.DuckDBPyConnection, scope_types: tuple[str, ...]) -> str:
    """The last complete day's coverage of the scopes of the given types, from the rollup mart."""
    rollup = f"{MART_SCHEMA}.follow_up_coverage_rollup_daily"
    day = con.execute(f"select max(day) from {rollup}").fetchone()[0]
    rows = con.execute(
        f"select scope_label, covered_leads, due_leads from {rollup} where day = ? and list_contains(?, scope_type) "
        "order by case scope_type when 'company' then 0 when 'team' then 1 else 2 end, team, scope_label",
        [day, list(scope_types)],
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


def _call_list(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        f"select reason, count(*), count(distinct owner_id) from {MART_SCHEMA}.call_list "
        "group by reason, reason_priority order by reason_priority"
    ).fetchall()
    lines = ["Leads waiting for their owner's action, by reason (in priority order):", "",
             "| reason | leads | owners |", "|---|---|---|"]
    lines += [f"| {reason} | {leads} | {owners} |" for reason, leads, owners in rows]
    return "\n".join(lines)


def _survival(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        f"select age_days, sum(worked_leads), sum(cohort_leads) from {MART_SCHEMA}.shiny_object_curve "
        "where list_contains(?, age_days) group by 1 order by 1",
        [list(SURVIVAL_AGES)],
    ).fetchall()
    lines = ["Leads still worked at age N, over the cohorts that reached it:", "",
             "| age (days) | worked / cohort leads | worked share of cohort |", "|---|---|---|"]
    lines += [f"| {age} | {worked}/{leads} | {_percent(worked, leads)} |" for age, worked, leads in rows]
    return "\n".join(lines)


def _attention(con: duckdb.DuckDBPyConnection) -> str:
    """The company's attention index per aging bucket in the last complete week: its share of the touches over
    its share of the open leads, both summed over the owners."""
    attention = f"{MART_SCHEMA}.attention_by_age_weekly"
    week = con.execute(f"select max(week_start) from {attention}").fetchone()[0]
    rows = con.execute(
        f"select aging_bucket, sum(touches), sum(avg_open_leads) from {attention} where week_start = ? "
        "group by 1 order by cast(regexp_extract(aging_bucket, '^[0-9]+') as integer)",
        [week],
    ).fetchall()
    touches, open_leads = sum(r[1] for r in rows), sum(r[2] for r in rows)
    lines = [f"Attention by lead age in the week of {week} (the last complete week), all owners:", "",
             "| aging bucket | touches | open leads (mean) | attention index |", "|---|---|---|---|"]
    for bucket, bucket_touches, bucket_open in rows:
        index = f"{bucket_touches / touches / (bucket_open / open_leads):.2f}" if touches and bucket_open else "n/a"
        lines.append(f"| {bucket} | {bucket_touches} | {bucket_open:.1f} | {index} |")
    return "\n".join(lines)


def _percent(covered: int, due: int) -> str:
    return f"{covered / due:.0%}" if due else "n/a"


PREVIEWS: dict[str, Callable[[duckdb.DuckDBPyConnection], str]] = {
    "follow_up_coverage_daily": lambda con: _coverage(con, ("rep",)),
    "follow_up_coverage_rollup_daily": lambda con: _coverage(con, ("company", "team")),
    "lead_aging": _aging,
    "metric_parameters": _parameters,
    "call_list": _call_list,
    "shiny_object_curve": _survival,
    "attention_by_age_weekly": _attention,
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
