"""Delivery faults over real HTTP on 127.0.0.1: a slow channel, a channel whose URL broke, a re-opened
incident's PagerDuty events, an as-of evaluated again."""

import subprocess
import sys
from collections import Counter

import pytest

from orchestration.alerting.delivery import RetryPolicy
from orchestration.alerting.evaluate import AlertSettings
from orchestration.alerting.notification import Notification
from tests.orchestration.alerting.receiver import receiver
from tests.orchestration.alerting.steps import (
    COMPANY_KEY,
    INCIDENT,
    QUICK,
    bodies_for,
    incident_story,
    pages_for,
    rows,
    step_through,
)
from tests.orchestration.alerting.world import Story, build

# Another writer, in a process of its own: DuckDB lets it open the file only while nobody else has it open.
OTHER_WRITER = "import duckdb, sys; duckdb.connect(sys.argv[1]).execute('create table if not exists probe (x int)')"
SECRET = "tok3n-not-for-logs"


def _webhook_only(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("RADAR_ALERT_WEBHOOK_URL", url)
    for name in ("RADAR_SLACK_WEBHOOK_URL", "RADAR_PAGERDUTY_ROUTING_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_a_slow_channel_times_out_without_holding_the_warehouse_and_is_retried_with_the_same_key(
    tmp_path, monkeypatch
):
    story = incident_story()
    warehouse = build(tmp_path / "w.duckdb", story)
    opened_meanwhile = []
    slow = AlertSettings(retry=RetryPolicy(tries_per_evaluation=1, backoff_seconds=0, deadline_seconds=1))
    with receiver() as hook:
        _webhook_only(monkeypatch, hook.url)
        hook.answer_late(4)  # the one page of the cause (company, team East and U1 together): answered too late
        hook.on_request = lambda body: opened_meanwhile.append(subprocess.run(
            [sys.executable, "-c", OTHER_WRITER, str(warehouse)], capture_output=True, text=True, timeout=120
        ).stderr)
        step_through(warehouse, story, range(INCIDENT[0], INCIDENT[0] + 1), slow)
        hook.on_request = None
        failed = rows(warehouse, "select status, attempts, last_error from monitoring.alert_deliveries")
        step_through(warehouse, story, range(INCIDENT[0] + 1, INCIDENT[0] + 2), slow)

    assert opened_meanwhile == [""]  # the warehouse was free while the request was in flight
    assert [(status, attempts) for status, attempts, _ in failed] == [("failed", 1)]
    assert all(error.startswith("timed out: no complete answer within 1 s") for _, _, error in failed)
    delivered = rows(warehouse, "select status, attempts, notification from monitoring.alert_deliveries")
    assert [(status, attempts) for status, attempts, _ in delivered] == [("delivered", 2)]
    keys = {Notification.from_json(n).idempotency_key for _, _, n in delivered}
    assert Counter(hook.keys) == {key: 2 for key in keys}  # each retry carried its notification's key


def test_a_delivery_queued_for_a_channel_whose_url_broke_waits_with_a_clear_error_and_goes_once_fixed(
    tmp_path, monkeypatch
):
    story = incident_story()
    warehouse = build(tmp_path / "w.duckdb", story)
    with receiver() as hook:
        _webhook_only(monkeypatch, "http://127.0.0.1:9/down")  # queued and failed: nothing listens
        step_through(warehouse, story, range(INCIDENT[0], INCIDENT[0] + 1))
        _webhook_only(monkeypatch, f"hooks.example.com/services/T0?token={SECRET}")
        step_through(warehouse, story, range(INCIDENT[0] + 1, INCIDENT[-1] + 2))  # it resolves meanwhile
        waiting = rows(warehouse, "select transition, status, last_error from monitoring.alert_deliveries "
                       f"where dedup_key = '{COMPANY_KEY}' order by delivery_id")
        stored = str(rows(warehouse, "select * from monitoring.alert_deliveries"))
        _webhook_only(monkeypatch, hook.url)
        step_through(warehouse, story, range(INCIDENT[-1] + 2, INCIDENT[-1] + 3))

    assert [(t, s) for t, s, _ in waiting] == [("firing", "failed"), ("resolved", "pending")]
    assert {e for _, _, e in waiting} == {
        "alert channel webhook is off: RADAR_ALERT_WEBHOOK_URL is not a usable URL (it has no scheme; it must "
        "start with https:// or http://); the URL is not shown as it may hold a secret"
    }
    assert SECRET not in stored and "hooks.example.com" not in stored
    assert [b["status"] for b in bodies_for(hook, COMPANY_KEY)] == ["firing", "resolved"]


def reopening_story() -> Story:
    """U1 stops following up twice: the incidents open on day 45 and on day 50, resolving in between."""
    return Story(covered=lambda rep, i: 2 if rep == "U1" and i in (45, 46, 47, 50, 51, 52) else 15 + (i % 2))


def open_pages(events: list[dict]) -> set[str]:
    """What PagerDuty shows open after these events, in the order it took them: it deduplicates on dedup_key."""
    pages: set[str] = set()
    for event in events:
        (pages.add if event["event_action"] == "trigger" else pages.discard)(event["dedup_key"])
    return pages


def test_an_old_resolve_retried_late_never_closes_the_page_of_the_reopened_incident(tmp_path, channels):
    story = reopening_story()
    warehouse = build(tmp_path / "w.duckdb", story)
    day = 86400
    late = AlertSettings(
        retry=RetryPolicy(tries_per_evaluation=1, backoff_seconds=2.5 * day, max_backoff_seconds=9 * day)
    )
    step_through(warehouse, story, range(44, 48), late)
    channels["pagerduty"].fail_next(500)  # the company's resolve on day 48 (one page: one cause), due again on day 51
    step_through(warehouse, story, range(48, 53), late)  # the incidents open again on day 50, firing on day 52

    events = pages_for(channels["pagerduty"], COMPANY_KEY)
    assert [e["event_action"] for e in events] == ["trigger", "resolve", "trigger"]
    first, resolve, second = (e["dedup_key"] for e in events)
    assert first == resolve != second  # each opening its own page
    incidents = rows(warehouse, f"select incident_id, status from monitoring.alerts where dedup_key = '{COMPANY_KEY}' "
                     "order by opened_at")
    assert incidents == [(first, "resolved"), (second, "firing")]
    assert {p for p in open_pages(channels["pagerduty"].accepted) if p.startswith(COMPANY_KEY)} == {second}


def test_an_as_of_evaluated_again_keeps_its_incident_or_opens_one_with_an_id_of_its_own(tmp_path, channels):
    story = incident_story()
    warehouse = build(tmp_path / "w.duckdb", story)
    opened, after = range(INCIDENT[0], INCIDENT[0] + 1), range(INCIDENT[-1] + 1, INCIDENT[-1] + 2)
    step_through(warehouse, story, opened)
    step_through(warehouse, story, opened)  # the same as-of again while firing: the incident is kept
    assert [b["status"] for b in bodies_for(channels["webhook"], COMPANY_KEY)] == ["firing"]
    step_through(warehouse, story, after)  # resolved
    [outcome] = step_through(warehouse, story, opened, QUICK)  # the earlier as-of again, after a later one

    incidents = rows(warehouse, f"select incident_id, status from monitoring.alerts where dedup_key = '{COMPANY_KEY}' "
                     "order by incident_id")
    base = f"{COMPANY_KEY}@{story.as_of_after(INCIDENT[0]):%Y%m%dT%H%M%S}"
    assert incidents == [(base, "resolved"), (f"{base}~2", "firing")]
    assert [b["status"] for b in bodies_for(channels["webhook"], COMPANY_KEY)] == ["firing", "resolved", "firing"]
    assert f"{base}~2" in [e.incident_id for e in outcome.evaluations]

