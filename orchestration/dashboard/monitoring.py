"""The alerting's tables in the serving file (schema monitoring), drawn over the coverage charts when present.

`monitoring.measure_history` holds each tracked measure per scope and day with its expected range;
`monitoring.alerts` one row per incident. Serving files published before alerting existed have neither: every
read here then returns nothing, and `available` says so.
"""

from dataclasses import dataclass
from datetime import date

import duckdb

COVERAGE_MEASURE = "follow_up_coverage"
HISTORY = "measure_history"
ALERTS = "alerts"
_HISTORY_COLUMNS = {"measure", "scope_type", "scope", "day", "expected_low"}
_ALERT_COLUMNS = {
    "incident_id", "measure", "scope_type", "scope", "severity", "status", "opened_on", "opened_at", "resolved_on",
    "last_value", "expected_low", "expected_high", "summary",
}


@dataclass(frozen=True)
class Incident:
    incident_id: str
    measure: str
    scope_type: str
    scope: str
    severity: str | None
    status: str
    opened_on: date
    resolved_on: date | None
    last_value: float | None
    expected_low: float | None
    expected_high: float | None
    summary: str | None

    @property
    def firing(self) -> bool:
        return self.status == "firing"


Scope = tuple[str, str]  # (scope_type, scope)


def available(con: duckdb.DuckDBPyConnection) -> dict[str, bool]:
    """Which of the two tables this serving file holds with the columns the dashboard reads."""
    return {HISTORY: _has(con, HISTORY, _HISTORY_COLUMNS), ALERTS: _has(con, ALERTS, _ALERT_COLUMNS)}


def thresholds(
    con: duckdb.DuckDBPyConnection, *, start: date | None = None, end: date | None = None
) -> dict[Scope, tuple[list[date], list[float | None]]]:
    """The alert threshold of follow-up coverage (its expected_low) per scope and day, on the days asked for."""
    if not _has(con, HISTORY, _HISTORY_COLUMNS):
        return {}
    rows = con.execute(
        "select scope_type, scope, day, any_value(expected_low) from monitoring.measure_history "
        "where measure = $measure and ($start is null or day >= cast($start as date)) "
        "and ($end is null or day <= cast($end as date)) "
        "group by all order by all",
        {"measure": COVERAGE_MEASURE, "start": start, "end": end},
    ).fetchall()
    lines: dict[Scope, tuple[list, list]] = {}
    for scope_type, scope, day, low in rows:
        days, values = lines.setdefault((scope_type, scope), ([], []))
        days.append(day)
        values.append(low)
    return lines


def incidents(
    con: duckdb.DuckDBPyConnection, *, measure: str | None = None, firing_only: bool = False
) -> list[Incident]:
    """Incidents, firing first, newest first; optionally of one measure, optionally only those still firing."""
    if not _has(con, ALERTS, _ALERT_COLUMNS):
        return []
    rows = con.execute(
        "select incident_id, measure, scope_type, scope, severity, status, opened_on, resolved_on, last_value, "
        "expected_low, expected_high, summary from monitoring.alerts where ($measure is null or measure = $measure) "
        "and (not $firing_only or status = 'firing') "
        "order by status <> 'firing', opened_at desc nulls last, incident_id",
        {"measure": measure, "firing_only": firing_only},
    ).fetchall()
    return [Incident(*row) for row in rows]


def _has(con: duckdb.DuckDBPyConnection, table: str, columns: set[str]) -> bool:
    """Whether monitoring.<table> exists with these columns (duckdb_columns() is slow: read the table's header)."""
    [(exists,)] = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'monitoring' and table_name = ? "
        "and database_name = current_database()",
        [table],
    ).fetchall()
    if not exists:
        return False
    header = con.execute(f"select * from monitoring.{table} limit 0").description
    return columns <= {column[0] for column in header}
