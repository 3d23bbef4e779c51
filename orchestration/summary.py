"""The short report `radar run` prints: coverage, neglected leads, the top of each rep's call list and the
scorecard's outliers (summary_analytics.py), data-quality checks, alerts, file outcomes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from orchestration.summary_analytics import call_list_section, outliers_section
from orchestration.text_table import table

if TYPE_CHECKING:  # only the check evaluations' type: `radar measures` reads this module without Dagster
    import dagster as dg

OLDEST_NEGLECTED = 10
NEGLECTED_STATES = ("never_touched", "stale")  # the states of a neglected lead (METRICS.md)
MAX_REPS = 40  # a bigger floor lists its reps with the lowest coverage


def _lowest_coverage_first(row: tuple) -> tuple:
    coverage = row[6]
    return (coverage is None, coverage if coverage is not None else 0.0, row[2] or "", row[1] or "")


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _coverage(con: duckdb.DuckDBPyConnection) -> str:
    rollup = "marts.follow_up_coverage_rollup_daily"
    day = con.execute(f"select max(day) from {rollup}").fetchone()[0]
    if day is None:
        return "Follow-up coverage: no complete day yet."
    rows = con.execute(
        f"""
        select scope_type, scope_label, team, open_leads, due_leads, covered_leads, follow_up_coverage
        from {rollup} where day = ? order by team, scope_label
        """,
        [day],
    ).fetchall()
    reps = [r for r in rows if r[0] == "rep"]
    shown = reps if len(reps) <= MAX_REPS else sorted(reps, key=_lowest_coverage_first)[:MAX_REPS]
    body = table(["rep", "team", "open", "due", "covered", "coverage"], [(*r[1:6], _percent(r[6])) for r in shown])
    if len(shown) < len(reps):
        body += f"\n  ... the {MAX_REPS} lowest of {len(reps)} reps; all of them: marts.follow_up_coverage_daily"
    scopes = [r for r in rows if r[0] == "team"] + [r for r in rows if r[0] == "company"]
    totals = "\n".join(
        f"  {'team ' + label if kind == 'team' else 'company'}: {covered}/{due} = {_percent(ratio)}"
        for kind, label, _, _, due, covered, ratio in scopes
    )
    return f"Follow-up coverage per rep on {day} (the last complete day):\n{body}\n{totals}"


def _neglected(con: duckdb.DuckDBPyConnection) -> str:
    states = con.execute(
        "select never_touched_leads, stale_leads from marts.lead_state_counts where scope_type = 'company'"
    ).fetchone() or (0, 0)
    oldest = con.execute(
        f"""
        select lead_id, owner_name, age_days, follow_up_state, touches, days_since_last_touch
        from marts.lead_aging where is_neglected
        order by age_days desc, lead_id limit {OLDEST_NEGLECTED}
        """
    ).fetchall()
    counts = ", ".join(f"{state}: {n}" for state, n in zip(NEGLECTED_STATES, states, strict=True) if n) or "none"
    listing = table(["lead", "owner", "age (days)", "state", "touches", "days since touch"], oldest)
    return f"Neglected leads by state: {counts}\nOldest neglected leads:\n{listing}"


def _files(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        """
        select source, count(*), sum(rows_loaded), sum(rows_rejected), count(*) filter (where status = 'failed')
        from raw._files group by 1 order by 1
        """
    ).fetchall()
    return "Files in the ledger:\n" + table(["source", "files", "rows loaded", "rows rejected", "failed"], rows)


def _alerts(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> str:
    rows = con.execute(
        """
        select incident_id, status, severity, summary, opened_run_id = ? as opened_now,
            resolved_run_id = ? as resolved_now,
            (select string_agg(channel || ' ' || transition || ': ' || status
                || coalesce(' (' || last_error || ')', ''), ', ' order by delivery_id)
             from monitoring.alert_deliveries d where d.incident_id = a.incident_id) as deliveries
        from monitoring.alerts a
        where status = 'firing' or resolved_run_id = ?
        order by status, severity, incident_id
        """,
        [run_id, run_id, run_id],
    ).fetchall()
    firing = sum(r[1] == "firing" for r in rows)
    lines = [f"Alerts: {firing} firing, {sum(bool(r[5]) for r in rows)} resolved in this run"]
    for _, status, severity, summary, opened_now, resolved_now, deliveries in rows:
        when = " (opened in this run)" if opened_now else " (resolved in this run)" if resolved_now else ""
        lines.append(f"  {status.upper()} {severity}: {summary}{when}")
        lines.append(f"    deliveries: {deliveries or 'no channel configured'}")
    return "\n".join(lines)


def check_lines(evaluations: Sequence[dg.AssetCheckEvaluation]) -> str:
    passed = sum(e.passed for e in evaluations)
    failed = [e for e in evaluations if not e.passed]
    lines = [f"Data-quality checks: {passed} passed, {len(failed)} failed"]
    for e in sorted(failed, key=lambda e: (e.asset_key.to_user_string(), e.check_name)):
        severity = e.severity.value if e.severity else "ERROR"
        lines.append(f"  {severity}: {e.asset_key.to_user_string()} {e.check_name}")
        lines += [f"    {line}" for line in _expectation_lines(e)]
    return "\n".join(lines)


def _expectation_lines(evaluation: dg.AssetCheckEvaluation) -> list[str]:
    """A failed Great Expectations check's failed expectations, with a few of the values that failed them."""
    failures = evaluation.metadata.get("failures")
    lines = []
    for f in failures.value if failures is not None else []:
        column = f"({f['column']})" if f.get("column") else ""
        count = f.get("unexpected_count")
        found = f"{count} unexpected" if count is not None else f"observed {f.get('observed')}"
        samples = f", e.g. {', '.join(map(repr, f['samples'][:3]))}" if f.get("samples") else ""
        lines.append(f"{f['severity']} {f['expectation']}{column}: {found}{samples}")
    return lines


def _section(
    con: duckdb.DuckDBPyConnection, build: Callable[[duckdb.DuckDBPyConnection], str], name: str | None = None
) -> str:
    """One part of the report, or a note that its tables were not built (a run that failed early)."""
    try:
        return build(con)
    except duckdb.CatalogException as exc:
        name = name or build.__name__.strip("_")
        return f"({name}: not available, the tables were not built: {str(exc).splitlines()[0]})"


def render(
    warehouse: Path, as_of: datetime, evaluations: Sequence[dg.AssetCheckEvaluation], run_id: str | None = None
) -> str:
    """The report; reads the warehouse read-only after the run has closed it."""
    if not Path(warehouse).exists():
        return f"No warehouse at {warehouse}: nothing was loaded."
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        parts = [f"Follow-up Radar as of {as_of:%Y-%m-%d %H:%M:%S} UTC"]
        parts += [_section(con, _coverage), _section(con, _neglected)]
        parts.append(_section(con, lambda c: call_list_section(c, MAX_REPS), "call list"))
        parts.append(_section(con, outliers_section, "scorecard outliers"))
        parts.append(check_lines(evaluations))
        parts += [_section(con, lambda c: _alerts(c, run_id), "alerts"), _section(con, _files)]
    finally:
        con.close()
    return "\n\n".join(parts)


def published_lines(serving_db: Path, serving_dir: Path) -> str:
    """Where BI tools and the dashboard read this run's marts (the files exist only after a publish)."""
    if not serving_db.exists():
        return "\nNothing published: the marts were not built in this run."
    parquet = sorted(p.name for p in serving_dir.glob("*.parquet"))
    return (
        f"\nPublished for BI tools: {serving_db} (read-only) and {serving_dir}/ ({', '.join(parquet)}); "
        f"the dashboard reads them: radar dashboard --serving-db {serving_db}"
    )
