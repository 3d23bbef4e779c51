"""The monitoring tables that hold measure values, incidents and deliveries, in the warehouse's schema monitoring."""

import duckdb

SCHEMA = "monitoring"
MEASURE_HISTORY = f"{SCHEMA}.measure_history"
ALERTS = f"{SCHEMA}.alerts"
DELIVERIES = f"{SCHEMA}.alert_deliveries"

DDL = (
    f"create schema if not exists {SCHEMA}",
    f"""
    create table if not exists {MEASURE_HISTORY} (
        measure varchar not null, scope_type varchar not null, scope varchar not null, day date not null,
        value double, expected_low double, expected_high double, state varchar not null, score double,
        baseline_median double, severity varchar not null, as_of timestamp not null,
        primary key (measure, scope_type, scope, day)
    )
    """,
    f"""
    create table if not exists {ALERTS} (
        incident_id varchar primary key, dedup_key varchar not null, measure varchar not null,
        scope_type varchar not null, scope varchar not null, scope_label varchar, severity varchar not null,
        status varchar not null, opened_on date not null, opened_at timestamp not null, resolved_on date,
        resolved_at timestamp, last_value double, expected_low double, expected_high double,
        last_evaluated_on date, last_notified_at timestamp, summary varchar, triage json, opened_run_id varchar,
        resolved_run_id varchar
    )
    """,
    f"""
    create table if not exists {DELIVERIES} (
        delivery_id bigint primary key, incident_id varchar not null, dedup_key varchar not null,
        channel varchar not null, transition varchar not null, notification json not null,
        status varchar not null, attempts integer not null, created_at timestamp not null,
        next_attempt_at timestamp not null, last_attempt_at timestamp, delivered_at timestamp, last_error varchar,
        claimed_by varchar
    )
    """,
    # Warehouses created before deliveries were claimed: the run sending a delivery, while it is in flight.
    f"alter table {DELIVERIES} add column if not exists claimed_by varchar",
    # Warehouses whose history recorded the wall clock: a fixed as-of now gives the same history on any day.
    f"alter table {MEASURE_HISTORY} drop column if exists evaluated_at",
)

MEASURE_HISTORY_COLUMNS = (
    "measure", "scope_type", "scope", "day", "value", "expected_low", "expected_high", "state", "score",
    "baseline_median", "severity", "as_of",
)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)


# The monitoring tables published beside the marts for BI tools and the dashboard, with their descriptions.
PUBLISHED = {
    "measure_history": (
        "Every tracked measure (expectations/measures.yml) per day (a weekly measure: per complete week, its "
        "reportable cells) and scope, judged by its rules.",
        {
            "measure": "The measure's name.",
            "scope_type": "company, team or rep.",
            "scope": "company, the team's name, or the rep's owner_id.",
            "day": "The day D (UTC) the value describes; for a weekly measure the Monday of its ISO week.",
            "value": "The measure's value on the day.",
            "expected_low": "Lowest value in range (threshold and drift combined); null when unbounded or not armed.",
            "expected_high": "Highest value in range; null when unbounded or not armed.",
            "state": "ok, breached, not_armed (too little history for drift, no threshold) or no_data.",
            "score": "Robust drift score: (value - median) / max(1.4826 * MAD, min_spread) over the window.",
            "baseline_median": "Median of the drift window.",
            "severity": "error or warning.",
            "as_of": "As-of time T of the evaluation that wrote the row (no wall-clock time: a fixed as-of on the "
            "same files gives the same rows).",
        },
    ),
    "alerts": (
        "Incidents: one per (measure, scope) while it stays out of range, firing until resolved.",
        {
            "incident_id": "The incident: its dedup key and the as-of time it opened.",
            "dedup_key": "follow-up-radar/<measure>/<scope_type>/<scope>, the key channels deduplicate on.",
            "measure": "The measure's name.",
            "scope_type": "company, team or rep.",
            "scope": "company, the team's name, or the rep's owner_id.",
            "scope_label": "The scope for people: the rep's name for a rep.",
            "severity": "error or warning.",
            "status": "firing or resolved.",
            "opened_on": "The first day out of range.",
            "opened_at": "As-of time of the evaluation that opened it.",
            "resolved_on": "The first day back in range; null while firing.",
            "resolved_at": "As-of time of the evaluation that resolved it.",
            "last_value": "The value at the latest evaluation.",
            "expected_low": "Lowest value in range at the latest evaluation.",
            "expected_high": "Highest value in range at the latest evaluation.",
            "last_evaluated_on": "The day of the latest evaluation.",
            "last_notified_at": "As-of time of the latest notification (firing, reminder or resolved).",
            "summary": "One-line summary as sent.",
            "triage": "Triage as sent: data or follow-up problem, movers, oldest neglected leads (JSON).",
            "opened_run_id": "Dagster run that opened it.",
            "resolved_run_id": "Dagster run that resolved it.",
        },
    ),
}
