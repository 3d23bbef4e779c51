"""`radar measures`: the latest verdict on every tracked measure and scope, read from the published file."""

from pathlib import Path

import duckdb

from expectations.drift import BREACHED
from expectations.measures import load_measures
from orchestration.alerting.notification import expected_text, format_value
from orchestration.serving.publish import connect_serving, utc_text
from orchestration.text_table import table


class MonitoringNotPublished(RuntimeError):
    pass


def latest_measures(serving_db: Path) -> str:
    if not serving_db.exists():
        raise MonitoringNotPublished(f"no published file at {serving_db}: run `radar run` (or make run) first")
    with connect_serving(serving_db) as con:
        try:
            rows = con.execute(
                """
                select h.measure, h.scope_type, coalesce(reps.owner_name, h.scope), h.day, h.value,
                    h.expected_low, h.expected_high, h.state, h.severity, h.as_of
                from monitoring.measure_history as h
                left join (
                    select scope as owner_id, max(scope_label) as owner_name
                    from marts.follow_up_coverage_rollup_daily where scope_type = 'rep' group by 1
                ) as reps on h.scope_type = 'rep' and h.scope = reps.owner_id
                qualify h.day = max(h.day) over (partition by h.measure, h.scope_type, h.scope)
                order by 1, 2, 3
                """
            ).fetchall()
        except duckdb.CatalogException as exc:
            raise MonitoringNotPublished(f"{serving_db} holds no measure history yet: run `radar run` first") from exc
    means = {m.name: m.null_breaches for m in load_measures() if m.null_breaches}  # a null that breaches
    lines = [
        (m, f"{st} {s}" if st != "company" else st, day,
         means[m] if v is None and state == BREACHED and m in means else format_value(m, v), _range(m, low, high),
         state, sev)
        for m, st, s, day, v, low, high, state, sev, _ in rows
    ]
    as_of = max((r[-1] for r in rows), default=None)
    heading = f"Tracked measures (evaluated as of {utc_text(as_of)}, from {serving_db}):"
    return heading + "\n" + table(["measure", "scope", "day", "value", "expected", "state", "severity"], lines)


def _range(measure: str, low: float | None, high: float | None) -> str:
    """As the alerts say it ('>= 60.0%', '<= 7'): ranges are clamped to what the measure can take, so a side
    without a bound is one the measure cannot cross; n/a without either (not armed, or no bound it can cross)."""
    return expected_text(measure, low, high, unbounded="n/a")
