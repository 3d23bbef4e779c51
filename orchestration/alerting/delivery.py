"""Send the queued notifications: a few quick tries now, then with a growing back-off on later evaluations until
the channel takes them. The warehouse is open only to claim the due deliveries and, after the sending, to record
what happened, each a short transaction: no connection is open (and no writer's slot held) while a channel
answers. A delivery is marked delivered once and never sent again; per dedup key and channel the notifications
go in order, so a `resolved` never overtakes a `firing` of the same measure and scope (of any incident)."""

import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from orchestration.alerting.channels import TIMEOUT_SECONDS, Channel, Sent, post
from orchestration.alerting.notification import Notification
from orchestration.alerting.store import DELIVERIES

# A short connection to the warehouse, closed on leaving (in Dagster: holding the writer's slot meanwhile).
Opener = Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]]


@dataclass(frozen=True)
class RetryPolicy:
    tries_per_evaluation: int = 3
    pause_seconds: float = 0.5  # between tries within one evaluation, doubling
    backoff_seconds: float = 60.0  # before the next evaluation may try again, doubling per failed evaluation
    max_backoff_seconds: float = 3600.0
    deadline_seconds: float = TIMEOUT_SECONDS  # for each request, whole

    def next_attempt(self, now: datetime, failed_evaluations: int) -> datetime:
        delay = min(self.backoff_seconds * 2 ** max(failed_evaluations - 1, 0), self.max_backoff_seconds)
        return now + timedelta(seconds=delay)


@dataclass(frozen=True)
class Due:
    """A delivery claimed for sending."""

    delivery_id: int
    incident_id: str
    dedup_key: str
    channel: str
    transition: str
    notification: str
    attempts: int


@dataclass(frozen=True)
class Attempt:
    delivery_id: int
    incident_id: str
    channel: str
    transition: str
    delivered: bool
    tries: int
    error: str | None
    attempts_before: int = 0


@dataclass(frozen=True)
class Claimant:
    """Who sends: the run claiming deliveries, and how to tell whether another claimant is still running (a
    delivery claimed by a run that died or ended is free again)."""

    run_id: str = "local"
    is_running: Callable[[str], bool] = lambda run_id: False


def deliver_pending(
    warehouse: Opener, channels: Sequence[Channel], now: datetime, policy: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], None] = time.sleep, claimant: Claimant = Claimant(),
    problems: Mapping[str, str] | None = None,
) -> list[Attempt]:
    """Claim, send, record; `problems` are the channels configured but unusable, whose deliveries stay queued
    with the problem as their error."""
    with warehouse() as con:
        due = claim_due(con, {c.name for c in channels}, problems or {}, now, claimant)
    if not due:
        return []
    attempts = send_due(due, channels, policy, sleep)
    with warehouse() as con:
        record(con, attempts, claimant.run_id, now, policy)
    return attempts


def claim_due(
    con: duckdb.DuckDBPyConnection, usable: set[str], problems: Mapping[str, str], now: datetime, claimant: Claimant,
) -> list[Due]:
    """The deliveries to send now, in order, claimed for `claimant` in one transaction. A lane (dedup key,
    channel) stops at its first undelivered notification that cannot go now: not due yet, its channel off, or
    claimed by another run still sending it."""
    con.execute("begin transaction")
    try:
        rows = con.execute(
            f"""select delivery_id, incident_id, dedup_key, channel, transition, notification, attempts,
                next_attempt_at, claimed_by
            from {DELIVERIES} where status <> 'delivered' order by delivery_id"""
        ).fetchall()
        blocked: set[tuple[str, str]] = set()
        due = []
        for *fields, next_attempt_at, claimed_by in rows:
            row = Due(*fields)
            lane = (row.dedup_key, row.channel)
            taken = claimed_by not in (None, claimant.run_id) and claimant.is_running(claimed_by)
            if lane in blocked or row.channel not in usable or next_attempt_at > now or taken:
                blocked.add(lane)
                continue
            due.append(row)
        for name, problem in problems.items():
            con.execute(f"update {DELIVERIES} set last_error = ? where channel = ? and status <> 'delivered'",
                        [problem, name])
        if due:
            con.execute(f"update {DELIVERIES} set claimed_by = ? where list_contains(?, delivery_id)",
                        [claimant.run_id, [d.delivery_id for d in due]])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return due


def send_due(due: Sequence[Due], channels: Sequence[Channel], policy: RetryPolicy, sleep) -> list[Attempt]:
    """Send in order; after a failure the rest of its lane waits for a later evaluation."""
    by_name = {c.name: c for c in channels}
    failed: set[tuple[str, str]] = set()
    attempts = []
    for d in due:
        lane = (d.dedup_key, d.channel)
        if lane in failed:
            continue
        sent, tries = _send(by_name[d.channel], Notification.from_json(d.notification), policy, sleep)
        attempts.append(Attempt(d.delivery_id, d.incident_id, d.channel, d.transition, sent.ok, tries, sent.error,
                                d.attempts))
        if not sent.ok:
            failed.add(lane)
    return attempts


def record(
    con: duckdb.DuckDBPyConnection, attempts: Sequence[Attempt], run_id: str, now: datetime, policy: RetryPolicy
) -> None:
    """The outcomes, and the run's claims released (also of the deliveries a failure kept waiting), at once."""
    con.execute("begin transaction")
    try:
        for a in attempts:
            failed_evaluations = (a.attempts_before + a.tries) // policy.tries_per_evaluation
            con.execute(
                f"""update {DELIVERIES} set status = ?, attempts = attempts + ?, last_attempt_at = ?,
                    last_error = ?, delivered_at = ?, next_attempt_at = ? where delivery_id = ?""",
                [
                    "delivered" if a.delivered else "failed", a.tries, now, a.error, now if a.delivered else None,
                    now if a.delivered else policy.next_attempt(now, failed_evaluations), a.delivery_id,
                ],
            )
        con.execute(f"update {DELIVERIES} set claimed_by = null where claimed_by = ?", [run_id])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def send_now(channel: Channel, notification: Notification, policy: RetryPolicy = RetryPolicy(),
             sleep: Callable[[float], None] = time.sleep) -> Sent:
    """One notification, outside any incident (radar alerts test, pipeline-run alerts)."""
    return _send(channel, notification, policy, sleep)[0]


def _send(channel: Channel, notification: Notification, policy: RetryPolicy, sleep) -> tuple[Sent, int]:
    sent = Sent(False, "not tried")
    for attempt in range(policy.tries_per_evaluation):
        if attempt:
            sleep(policy.pause_seconds * 2 ** (attempt - 1))
        sent = _post_all(channel, notification, policy.deadline_seconds)
        if sent.ok:
            return sent, attempt + 1
    return sent, policy.tries_per_evaluation


def _post_all(channel: Channel, notification: Notification, deadline_seconds: float) -> Sent:
    """Every body of the notification, each with the notification's idempotency key (numbered when there are
    several): the same on every try."""
    bodies = channel.bodies(notification)
    for i, body in enumerate(bodies, start=1):
        key = notification.idempotency_key if len(bodies) == 1 else f"{notification.idempotency_key}/{i}"
        sent = post(channel, body, key, deadline_seconds)
        if not sent.ok:
            return sent
    return Sent(True)
