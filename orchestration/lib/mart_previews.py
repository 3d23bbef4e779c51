"""What a mart's materialization shows in the Dagster UI besides its row count: a small Markdown preview of its
headline numbers, and where the mart is published for BI tools."""

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.serving.publish import MART_SCHEMA, MARTS, parquet_path

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


STATES = ("closed", "new", "never_touched", "active", "exhausted", "stale")
NEGLECTED_STATES = ("never_touched", "stale")
OLDEST = 5


def _states(con: duckdb.DuckDBPyConnection) -> str:
    """The company's leads by follow-up state at the as-of time, most first (lead_state_counts' columns)."""
    counts = con.execute(
        f"select {', '.join(f'{state}_leads' for state in STATES)} from {MART_SCHEMA}.lead_state_counts "
        "where scope_type = 'company'"
    ).fetchone() or (0,) * len(STATES)
    rows = sorted(((n, state) for state, n in zip(STATES, counts, strict=True) if n), key=lambda r: (-r[0], r[1]))
    lines = ["| follow-up state | leads | neglected |", "|---|---|---|"]
    lines += [f"| {state} | {n} | {n if state in NEGLECTED_STATES else 0} |" for n, state in rows]
    return "\n".join(lines)


def _oldest_neglected(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        f"select lead_id, owner_name, age_days, follow_up_state from {MART_SCHEMA}.lead_aging where is_neglected "
        f"order by age_days desc, lead_id limit {OLDEST}"
    ).fetchall()
    lines = ["| oldest neglected lead | owner | age (days) | state |", "|---|---|---|---|"]
    lines += [f"| {lead} | {owner} | {age} | {state} |" for lead, owner, age, state in rows]
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


def _scorecard(con: duckdb.DuckDBPyConnection) -> str:
    """Each rep's row of the last complete week: speed to lead, touches, follow-up depth and next steps."""
    scorecard = f"{MART_SCHEMA}.rep_scorecard_weekly"
    week = con.execute(f"select max(week_start) from {scorecard} where is_complete").fetchone()[0]
    if week is None:
        return "No complete week yet."
    rows = con.execute(
        f"select coalesce(owner_name, owner_id), new_leads, speed_to_lead_p50_hours, touches, "
        "unanswered_settled_leads, never_followed_up_rate, next_step_coverage, follow_up_coverage_at_end "
        f"from {scorecard} where week_start = ? order by team, 1",
        [week],
    ).fetchall()
    lines = [f"Rep scorecard of the week of {week} (the last complete week):", "",
             "| rep | new leads | speed to lead p50 | touches | unanswered settled | never followed up "
             "| next-step coverage | coverage at end |", f"|{'---|' * 8}"]
    for rep, new, p50, touches, unanswered, never, next_steps, coverage in rows:
        speed = "n/a" if p50 is None else f"{p50:.1f} h"
        shares = ["n/a" if v is None else f"{v:.0%}" for v in (never, next_steps, coverage)]
        lines.append(f"| {rep} | {new} | {speed} | {touches} | {unanswered} | {' | '.join(shares)} |")
    return "\n".join(lines)


def _percent(covered: int, due: int) -> str:
    return f"{covered / due:.0%}" if due else "n/a"


def _table(con: duckdb.DuckDBPyConnection, sql: str, header: tuple[str, ...]) -> str:
    """A Markdown table of a query's rows, shares shown as percentages."""
    lines = [f"| {' | '.join(header)} |", f"|{'---|' * len(header)}"]
    for row in con.execute(sql).fetchall():
        cells = ["n/a" if v is None else f"{v:.0%}" if isinstance(v, float) else str(v) for v in row]
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines)


def _segment_profile(con: duckdb.DuckDBPyConnection) -> str:
    """The all row, then the reportable segments most neglected against it."""
    return _table(
        con,
        f"select dimension, segment, open_leads, neglected_leads, neglect_rate, neglect_signal "
        f"from {MART_SCHEMA}.lead_segment_profile where dimension = 'all' or is_reportable "
        "order by dimension <> 'all', neglect_rate_vs_all_pp desc, dimension, segment limit 11",
        ("dimension", "segment", "open leads", "neglected", "neglect rate", "signal"),
    )


def _activity_buckets(con: duckdb.DuckDBPyConnection) -> str:
    """Touches per lead: one row per follow-up group, its share of leads in each bucket."""
    rows = con.execute(
        f"select follow_up_group, bucket, share_of_group from {MART_SCHEMA}.lead_activity_buckets "
        "where activity = 'touches' order by follow_up_group, bucket_min"
    ).fetchall()
    buckets = list(dict.fromkeys(bucket for _, bucket, _ in rows))
    shares: dict[str, list[str]] = {}
    for group, _, share in rows:
        shares.setdefault(group, []).append("n/a" if share is None else f"{share:.0%}")
    lines = ["Share of each follow-up group's leads by touches:", "", f"| follow-up group | {' | '.join(buckets)} |"]
    lines.append(f"|---|{'---|' * len(buckets)}")
    lines += [f"| {group} | {' | '.join(cells)} |" for group, cells in shares.items()]
    return "\n".join(lines)


def _depth_outcomes(con: duckdb.DuckDBPyConnection) -> str:
    return _table(
        con,
        f"select depth, leads, response_rate, conversion_rate from {MART_SCHEMA}.follow_up_depth_outcomes "
        "order by depth_min",
        ("attempts at settle", "settled leads", "responded", "converted"),
    )


def _response_by_attempt(con: duckdb.DuckDBPyConnection) -> str:
    return _table(
        con,
        f"select attempt, at_risk, first_responses, response_hazard, cumulative_response_share "
        f"from {MART_SCHEMA}.response_by_attempt order by attempt_min",
        ("attempt", "at risk", "first responses", "hazard", "responders reached"),
    )


PREVIEWS: dict[str, Callable[[duckdb.DuckDBPyConnection], str]] = {
    "follow_up_coverage_daily": lambda con: _coverage(con, ("rep",)),
    "follow_up_coverage_rollup_daily": lambda con: _coverage(con, ("company", "team")),
    "lead_aging": _oldest_neglected,
    "lead_state_counts": _states,
    "metric_parameters": _parameters,
    "lead_segment_profile": _segment_profile,
    "lead_activity_buckets": _activity_buckets,
    "follow_up_depth_outcomes": _depth_outcomes,
    "response_by_attempt": _response_by_attempt,
    "call_list": _call_list,
    "shiny_object_curve": _survival,
    "attention_by_age_weekly": _attention,
    "rep_scorecard_weekly": _scorecard,
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
