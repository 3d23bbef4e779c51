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
        baseline_median double, severity varchar not null, as_of timestamp not null, evaluated_at timestamp not null,
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
        next_attempt_at timestamp not null, last_attempt_at timestamp, delivered_at timestamp, last_error varchar
    )
    """,
)

MEASURE_HISTORY_COLUMNS = (
    "measure", "scope_type", "scope", "day", "value", "expected_low", "expected_high", "state", "score",
    "baseline_median", "severity", "as_of", "evaluated_at",
)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)
