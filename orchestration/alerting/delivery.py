"""Send the queued notifications: a few quick tries now, then with a growing back-off on later evaluations until
the channel takes them. A delivery is marked delivered once and never sent again; per incident and channel the
notifications go in order, so a `resolved` never overtakes its `firing`."""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from orchestration.alerting.channels import Channel, Sent, post
from orchestration.alerting.notification import Notification
from orchestration.alerting.store import DELIVERIES


@dataclass(frozen=True)
class RetryPolicy:
    tries_per_evaluation: int = 3
    pause_seconds: float = 0.5  # between tries within one evaluation, doubling
    backoff_seconds: float = 60.0  # before the next evaluation may try again, doubling per failed evaluation
    max_backoff_seconds: float = 3600.0

    def next_attempt(self, now: datetime, failed_evaluations: int) -> datetime:
        delay = min(self.backoff_seconds * 2 ** max(failed_evaluations - 1, 0), self.max_backoff_seconds)
        return now + timedelta(seconds=delay)


@dataclass(frozen=True)
class Attempt:
    delivery_id: int
    incident_id: str
    channel: str
    transition: str
    delivered: bool
    tries: int
    error: str | None


def deliver_pending(
    con: duckdb.DuckDBPyConnection, channels: Sequence[Channel], now: datetime, policy: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], None] = time.sleep,
) -> list[Attempt]:
    by_name = {c.name: c for c in channels}
    rows = con.execute(
        f"""select delivery_id, incident_id, channel, transition, notification, attempts, next_attempt_at
        from {DELIVERIES} where status <> 'delivered' order by delivery_id"""
    ).fetchall()
    waiting: set[tuple[str, str]] = set()  # (incident, channel) with an earlier notification not yet delivered
    attempts = []
    for delivery_id, incident_id, name, transition, body, tries_so_far, due in rows:
        lane = (incident_id, name)
        if name not in by_name or lane in waiting or due > now:
            waiting.add(lane)
            continue
        sent, tries = _send(by_name[name], Notification.from_json(body), policy, sleep)
        failed_evaluations = (tries_so_far + tries) // policy.tries_per_evaluation
        con.execute(
            f"""update {DELIVERIES} set status = ?, attempts = attempts + ?, last_attempt_at = ?, last_error = ?,
                delivered_at = ?, next_attempt_at = ? where delivery_id = ?""",
            [
                "delivered" if sent.ok else "failed", tries, now, sent.error, now if sent.ok else None,
                now if sent.ok else policy.next_attempt(now, failed_evaluations), delivery_id,
            ],
        )
        attempts.append(Attempt(delivery_id, incident_id, name, transition, sent.ok, tries, sent.error))
        if not sent.ok:
            waiting.add(lane)
    return attempts


def send_now(channel: Channel, notification: Notification, policy: RetryPolicy = RetryPolicy(),
             sleep: Callable[[float], None] = time.sleep) -> Sent:
    """One notification, outside any incident (radar alerts test)."""
    return _send(channel, notification, policy, sleep)[0]


def _send(channel: Channel, notification: Notification, policy: RetryPolicy, sleep) -> tuple[Sent, int]:
    sent = Sent(False, "not tried")
    for attempt in range(policy.tries_per_evaluation):
        if attempt:
            sleep(policy.pause_seconds * 2 ** (attempt - 1))
        sent = _post_all(channel, notification)
        if sent.ok:
            return sent, attempt + 1
    return sent, policy.tries_per_evaluation


def _post_all(channel: Channel, notification: Notification) -> Sent:
    for body in channel.bodies(notification):
        sent = post(channel, body)
        if not sent.ok:
            return sent
    return Sent(True)
