"""Each channel's exact payload, as a server on 127.0.0.1 receives it."""

from datetime import datetime

import pytest

from orchestration.alerting.channels import PAGERDUTY_EVENTS_URL, Channel, configured_channels, post
from orchestration.alerting.delivery import RetryPolicy, send_now
from orchestration.alerting.notification import Notification, probe_notification
from tests.orchestration.alerting.receiver import receiver

TRIAGE = {
    "verdict": "likely a follow-up problem",
    "lines": ["likely a follow-up problem: the data feeds were in range", "moved most: Ann Rep 10.0% (usually 75.0%)"],
}
FIRING = Notification(
    dedup_key="follow-up-radar/follow_up_coverage/team/East",
    incident_id="follow-up-radar/follow_up_coverage/team/East@20240216T120000",
    status="firing", measure="follow_up_coverage", scope_type="team", scope="East", scope_label="East",
    severity="error", day="2024-02-15", as_of="2024-02-16T12:00:00Z", value=0.45, expected_low=0.6,
    expected_high=None, summary="follow_up_coverage for team East is out of range: 45.0% on 2024-02-15",
    triage=TRIAGE, runbook_url="https://runbooks.example/coverage", run_url="http://127.0.0.1:3000/runs/r1",
    page_key="follow-up-radar/follow_up_coverage/team/East@20240216T120000",
)
RESOLVED = Notification(**{**FIRING.__dict__, "status": "resolved", "value": 0.77, "triage": {}})


def channel(name: str, url: str, key: str = "ROUTING-KEY-1") -> Channel:
    env = {"webhook": "RADAR_ALERT_WEBHOOK_URL", "slack": "RADAR_SLACK_WEBHOOK_URL"}
    if name == "pagerduty":
        return configured_channels({"RADAR_PAGERDUTY_ROUTING_KEY": key, "RADAR_PAGERDUTY_EVENTS_URL": url})[0]
    return configured_channels({env[name]: url})[0]


def deliver(name: str, notification: Notification) -> list[dict]:
    with receiver() as hook:
        assert send_now(channel(name, hook.url), notification).ok
        return hook.accepted


def test_webhook_body():
    assert deliver("webhook", FIRING) == [{
        "dedup_key": "follow-up-radar/follow_up_coverage/team/East",
        "incident_id": "follow-up-radar/follow_up_coverage/team/East@20240216T120000",
        "status": "firing", "reminder": False, "measure": "follow_up_coverage", "scope": "East",
        "scope_type": "team", "scope_label": "East", "value": 0.45, "expected": {"low": 0.6, "high": None},
        "severity": "error", "day": "2024-02-15", "as_of": "2024-02-16T12:00:00Z",
        "summary": "follow_up_coverage for team East is out of range: 45.0% on 2024-02-15", "triage": TRIAGE,
        "runbook_url": "https://runbooks.example/coverage", "run_url": "http://127.0.0.1:3000/runs/r1",
        "idempotency_key": FIRING.idempotency_key,
    }]


def test_slack_blocks():
    [body] = deliver("slack", FIRING)
    assert body["text"] == (
        "FIRING: follow_up_coverage for East: follow_up_coverage for team East is out of range: 45.0% on 2024-02-15"
    )
    assert body["blocks"] == [
        {"type": "header", "text": {"type": "plain_text", "text": "FIRING: follow_up_coverage for East"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f":red_circle: {FIRING.summary}"}},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": "*Value*\n45.0%"},
            {"type": "mrkdwn", "text": "*Expected*\n>= 60.0%"},
            {"type": "mrkdwn", "text": "*Severity*\nerror"},
            {"type": "mrkdwn", "text": "*Day (as of)*\n2024-02-15 (2024-02-16T12:00:00Z)"},
        ]},
        {"type": "section", "text": {"type": "mrkdwn", "text": (
            "*Triage*\n• likely a follow-up problem: the data feeds were in range\n"
            "• moved most: Ann Rep 10.0% (usually 75.0%)"
        )}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": (
            "follow-up-radar/follow_up_coverage/team/East · <http://127.0.0.1:3000/runs/r1|Dagster run> · "
            "<https://runbooks.example/coverage|Runbook>"
        )}]},
    ]
    [resolved] = deliver("slack", RESOLVED)
    assert resolved["blocks"][1]["text"]["text"].startswith(":large_green_circle: ")
    assert resolved["blocks"][0]["text"]["text"] == "RESOLVED: follow_up_coverage for East"


def test_pagerduty_trigger_and_resolve_share_the_incidents_page_key():
    assert deliver("pagerduty", FIRING) == [{
        "routing_key": "ROUTING-KEY-1",
        "event_action": "trigger",
        "dedup_key": "follow-up-radar/follow_up_coverage/team/East@20240216T120000",
        "payload": {
            "summary": "follow_up_coverage for team East is out of range: 45.0% on 2024-02-15",
            "source": "follow-up-radar",
            "severity": "critical",
            "timestamp": "2024-02-16T12:00:00Z",
            "component": "follow_up_coverage",
            "group": "East",
            "class": "tracked-measure",
            "custom_details": {
                "value": 0.45, "expected": {"low": 0.6, "high": None}, "day": "2024-02-15", "scope_type": "team",
                "scope": "East", "triage": TRIAGE,
                "incident_id": "follow-up-radar/follow_up_coverage/team/East@20240216T120000",
                "idempotency_key": FIRING.idempotency_key,
            },
        },
        "client": "Follow-up Radar",
        "links": [
            {"href": "http://127.0.0.1:3000/runs/r1", "text": "Dagster run"},
            {"href": "https://runbooks.example/coverage", "text": "Runbook"},
        ],
    }]
    assert deliver("pagerduty", RESOLVED) == [{
        "routing_key": "ROUTING-KEY-1", "event_action": "resolve",
        "dedup_key": "follow-up-radar/follow_up_coverage/team/East@20240216T120000",
    }]


def test_pagerduty_leaves_reminders_to_pagerduty():
    reminder = Notification(**{**FIRING.__dict__, "reminder": True})
    assert channel("pagerduty", "http://127.0.0.1:9/").bodies(reminder) == []


def test_the_test_notification_reaches_every_channel_and_pagerduty_closes_it():
    note = probe_notification(datetime(2024, 3, 1, 9, 30))
    assert deliver("webhook", note)[0]["status"] == "test"
    assert [b["event_action"] for b in deliver("pagerduty", note)] == ["trigger", "resolve"]
    assert deliver("slack", note)[0]["text"].startswith("TEST: test for company")


def test_pagerduty_defaults_to_its_public_endpoint():
    [pagerduty] = configured_channels({"RADAR_PAGERDUTY_ROUTING_KEY": "k"})
    assert pagerduty.url == PAGERDUTY_EVENTS_URL


@pytest.mark.parametrize("status", [400, 429, 500, 503])
def test_a_refusal_is_reported_by_status_without_the_url(status):
    with receiver() as hook:
        hook.fail_next(status)
        sent = post(channel("webhook", hook.url), {"x": 1})
    assert not sent.ok
    assert sent.error.startswith(f"HTTP {status}")
    assert "127.0.0.1" not in sent.error


def test_retries_within_one_send_stop_at_the_first_success():
    pauses = []
    with receiver() as hook:
        hook.fail_next(500, 502)
        sent = send_now(channel("webhook", hook.url), FIRING, RetryPolicy(pause_seconds=0.1), sleep=pauses.append)
        assert sent.ok
        assert len(hook.received) == 3 and len(hook.accepted) == 1
    assert pauses == [0.1, 0.2]


def test_channel_reprs_hide_urls_and_keys():
    channels = configured_channels({
        "RADAR_ALERT_WEBHOOK_URL": "https://hooks.example/secret-path",
        "RADAR_SLACK_WEBHOOK_URL": "https://slack.example/services/T000/B000/XXXX",
        "RADAR_PAGERDUTY_ROUTING_KEY": "R0UTING",
    })
    assert [c.name for c in channels] == ["webhook", "slack", "pagerduty"]
    text = repr(channels)
    assert "secret-path" not in text and "XXXX" not in text and "R0UTING" not in text
