"""One incident per cause (grouping.py: a measure's scope and the scopes out of range beneath it) while it stays
out of range: `firing` once when it opens, `resolved` once when it is back in range, optionally a reminder every
so many hours in between. Each notification is
queued once per configured channel in monitoring.alert_deliveries, in the same transaction as the state change."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from expectations.drift import BREACHED, NOT_ARMED, OK
from orchestration.alerting.channels import Channel
from orchestration.alerting.notification import FIRING, RESOLVED, Notification
from orchestration.alerting.store import ALERTS, DELIVERIES

OPEN, UPDATE, REMIND, RESOLVE = "open", "update", "remind", "resolve"
# The state of a scope the measure no longer has at all (a rep who left, a renamed team): its incident resolves,
# where a day without data (no_data) leaves it as it is.
GONE = "gone"


@dataclass(frozen=True)
class OpenIncident:
    incident_id: str
    last_notified_at: datetime
    opened_on: date | None = None  # the first day out of range


def step(incident: OpenIncident | None, state: str, as_of: datetime, reminder_hours: float | None) -> str | None:
    """What an evaluation in `state` does to the (measure, scope)'s open incident, if any."""
    if state == BREACHED:
        if incident is None:
            return OPEN
        if reminder_hours and as_of - incident.last_notified_at >= timedelta(hours=reminder_hours):
            return REMIND
        return UPDATE
    if state in (OK, NOT_ARMED, GONE) and incident is not None:
        return RESOLVE
    return None  # no data: nothing is known, nothing changes


def dedup_key(measure: str, scope_type: str, scope: str) -> str:
    return f"follow-up-radar/{measure}/{scope_type}/{scope}"


def new_incident_id(con: duckdb.DuckDBPyConnection, key: str, as_of: datetime) -> str:
    """`<dedup key>@<as-of>`; when an as-of is evaluated again after an incident opened at it was resolved (a
    re-run, a backfill), `~2`, `~3`... keep the new incident's id unique."""
    base = f"{key}@{as_of:%Y%m%dT%H%M%S}"
    taken = {row[0] for row in con.execute(
        f"select incident_id from {ALERTS} where incident_id = ? or incident_id like ?", [base, f"{base}~%"]
    ).fetchall()}
    return next(candidate for n in range(1, len(taken) + 2) if (candidate := base if n == 1 else f"{base}~{n}")
                not in taken)


def firing(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str]]:
    """(measure, scope_type, scope) of every open incident."""
    return set(con.execute(f"select measure, scope_type, scope from {ALERTS} where status = 'firing'").fetchall())


def firing_scopes(con: duckdb.DuckDBPyConnection, measure: str, scope_type: str) -> list[str]:
    return [row[0] for row in con.execute(
        f"select scope from {ALERTS} where status = 'firing' and measure = ? and scope_type = ? order by scope",
        [measure, scope_type],
    ).fetchall()]


def open_incident(con: duckdb.DuckDBPyConnection, key: str) -> OpenIncident | None:
    row = con.execute(
        f"select incident_id, last_notified_at, opened_on from {ALERTS} where dedup_key = ? and status = 'firing'",
        [key],
    ).fetchone()
    return OpenIncident(*row) if row else None


def apply(
    con: duckdb.DuckDBPyConnection, action: str, notification: Notification, incident: OpenIncident | None,
    channels: Sequence[Channel], as_of: datetime, now: datetime, run_id: str | None,
) -> None:
    """Record the action and queue its notifications, all or nothing."""
    n = notification
    con.execute("begin transaction")
    try:
        if action == OPEN:
            con.execute(
                f"""insert into {ALERTS} (incident_id, dedup_key, measure, scope_type, scope, scope_label, severity,
                    status, opened_on, opened_at, last_value, expected_low, expected_high, last_evaluated_on,
                    last_notified_at, summary, triage, opened_run_id)
                values (?, ?, ?, ?, ?, ?, ?, 'firing', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [n.incident_id, n.dedup_key, n.measure, n.scope_type, n.scope, n.scope_label, n.severity,
                 n.since or n.day, as_of, n.value, n.expected_low, n.expected_high, n.day, as_of, n.summary,
                 json.dumps(n.triage), run_id],
            )
        else:
            resolved = action == RESOLVE
            con.execute(
                f"""update {ALERTS} set last_value = ?, expected_low = ?, expected_high = ?, last_evaluated_on = ?,
                    status = ?, resolved_on = ?, resolved_at = ?, resolved_run_id = ?,
                    last_notified_at = case when ? then ? else last_notified_at end
                where incident_id = ?""",
                [n.value, n.expected_low, n.expected_high, n.day, RESOLVED if resolved else FIRING,
                 n.day if resolved else None, as_of if resolved else None, run_id if resolved else None,
                 action in (REMIND, RESOLVE), as_of, incident.incident_id],
            )
        if action != UPDATE:
            _queue(con, n, channels, now)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _queue(con: duckdb.DuckDBPyConnection, n: Notification, channels: Sequence[Channel], now: datetime) -> None:
    transition = "reminder" if n.reminder else n.status
    for channel in channels:
        if not channel.bodies(n):
            continue
        con.execute(
            f"""insert into {DELIVERIES} (delivery_id, incident_id, dedup_key, channel, transition, notification,
                status, attempts, created_at, next_attempt_at)
            select coalesce(max(delivery_id), 0) + 1, ?, ?, ?, ?, ?, 'pending', 0, ?, ? from {DELIVERIES}""",
            [n.incident_id, n.dedup_key, channel.name, transition, n.to_json(), now, now],
        )
