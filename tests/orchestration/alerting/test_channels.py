"""Each channel's exact payload, as a server on 127.0.0.1 receives it."""

from datetime import datetime

import pytest

from orchestration.alerting.channels import PAGERDUTY_EVENTS_URL, Channel, channel_problems, configured_channels, post
from orchestration.alerting.delivery import RetryPolicy, send_now
from orchestration.alerting.notification import Notification, probe_notification
from tests.orchestration.alerting.receiver import receiver

TRIAGE = {
    "verdict": "likely a follow-up problem",
    "lines": ["likely a follow-up problem: the data feeds were in range", "moved most: Ann Rep 10.0% (usually 75.0%)"],
}
BENEATH = [{
    "scope_type": "rep", "scope": "U1", "label": "Ann Rep", "value": 0.1, "expected": {"low": 0.6, "high": None},
    "since": "2024-02-13", "days_out": 3,
}]
SUMMARY = (
    "follow_up_coverage for team East is out of range since 2024-02-14 (2 days): 45.0% on 2024-02-15 "
    "(expected >= 60.0%); beneath it: rep Ann Rep 10.0%"
)
FIRING = Notification(
    dedup_key="follow-up-radar/follow_up_coverage/team/East",
    incident_id="follow-up-radar/follow_up_coverage/team/East@20240216T120000",
    status="firing", measure="follow_up_coverage", scope_type="team", scope="East", scope_label="East",
    severity="error", day="2024-02-15", as_of="2024-02-16T12:00:00Z", value=0.45, expected_low=0.6,
    expected_high=None, summary=SUMMARY, triage=TRIAGE, runbook_url="https://runbooks.example/coverage",
    run_url="http://127.0.0.1:3000/runs/r1", page_key="follow-up-radar/follow_up_coverage/team/East@20240216T120000",
    since="2024-02-14", days_out=2, beneath=BENEATH,
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
        "kind": "tracked_measure", "dedup_key": "follow-up-radar/follow_up_coverage/team/East",
        "incident_id": "follow-up-radar/follow_up_coverage/team/East@20240216T120000",
        "status": "firing", "reminder": False, "measure": "follow_up_coverage", "scope": "East",
        "scope_type": "team", "scope_label": "East", "value": 0.45, "expected": {"low": 0.6, "high": None},
        "severity": "error", "day": "2024-02-15", "as_of": "2024-02-16T12:00:00Z", "since": "2024-02-14",
        "days_out": 2, "summary": SUMMARY, "beneath": BENEATH, "triage": TRIAGE, "failure": {},
        "runbook_url": "https://runbooks.example/coverage", "run_url": "http://127.0.0.1:3000/runs/r1",
        "idempotency_key": FIRING.idempotency_key,
    }]


def test_slack_blocks():
    [body] = deliver("slack", FIRING)
    assert body["text"] == f"FIRING: follow_up_coverage for East: {SUMMARY}"
    assert body["blocks"] == [
        {"type": "header", "text": {"type": "plain_text", "text": "FIRING: follow_up_coverage for East"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f":red_circle: {FIRING.summary}"}},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": "*Value*\n45.0%"},
            {"type": "mrkdwn", "text": "*Expected*\n>= 60.0%"},
            {"type": "mrkdwn", "text": "*Severity*\nerror"},
            {"type": "mrkdwn", "text": "*Day (as of)*\n2024-02-15 (2024-02-16T12:00:00Z)"},
            {"type": "mrkdwn", "text": "*Out of range*\nout of range since 2024-02-14 (2 days)"},
        ]},
        {"type": "section", "text": {"type": "mrkdwn", "text": (
            "*Out of range beneath it*\n• rep Ann Rep: 10.0% (expected >= 60.0%), out of range since 2024-02-13 "
            "(3 days)"
        )}},
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
            "summary": SUMMARY,
            "source": "follow-up-radar",
            "severity": "critical",
            "timestamp": "2024-02-16T12:00:00Z",
            "component": "follow_up_coverage",
            "group": "East",
            "class": "tracked-measure",
            "custom_details": {
                "value": 0.45, "expected": {"low": 0.6, "high": None}, "day": "2024-02-15", "since": "2024-02-14",
                "days_out": 2, "scope_type": "team", "scope": "East", "beneath": BENEATH, "triage": TRIAGE,
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


SECRET = "tok3n-not-for-logs"
MALFORMED = {
    "no scheme": f"hooks.example.com/services/T0/B0?token={SECRET}",
    "not http": f"ftp://hooks.example.com/x?token={SECRET}",
    "no host": f"https:///services?token={SECRET}",
    "a port that is no number": f"https://hooks.example.com:{SECRET}/x",
    "a space": f"https://hooks.example.com/x?token={SECRET} ",
}


@pytest.mark.parametrize("name,variable", [("webhook", "RADAR_ALERT_WEBHOOK_URL"), ("slack", "RADAR_SLACK_WEBHOOK_URL"),
                                           ("pagerduty", "RADAR_PAGERDUTY_EVENTS_URL")])
@pytest.mark.parametrize("url", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_url_turns_its_channel_off_with_an_error_that_names_it_and_never_the_url(name, variable, url):
    env = {variable: url, "RADAR_PAGERDUTY_ROUTING_KEY": "k"}
    problems = channel_problems(env)
    assert list(problems) == [name]
    assert problems[name].startswith(f"alert channel {name} is off: {variable} is not a usable URL (")
    assert SECRET not in problems[name] and "hooks.example.com" not in problems[name]
    assert name not in [c.name for c in configured_channels(env)]
    assert name in [c.name for c in configured_channels(env, usable_only=False)]  # its notifications still queue


def test_a_post_that_fails_on_its_url_reports_without_it():
    """urllib's own errors repeat the URL (`unknown url type: '...?token=...'`)."""
    unchecked = Channel("webhook", MALFORMED["no scheme"], lambda n: [{}])
    sent = post(unchecked, {"x": 1})
    assert not sent.ok
    assert SECRET not in sent.error and "hooks.example.com" not in sent.error
    assert sent.error.startswith("ValueError: unknown url type")


def test_a_channel_answering_after_the_deadline_fails_with_a_timeout():
    with receiver() as hook:
        hook.answer_late(3)
        sent = post(channel("webhook", hook.url), {"x": 1}, seconds=0.5)
    assert not sent.ok and sent.error.startswith("timed out: no complete answer within 0.5 s")


def test_a_channel_trickling_its_answer_is_stopped_at_the_deadline():
    """A byte every 0.2 s would keep a socket timeout of 1 s from ever firing."""
    with receiver() as hook:
        hook.trickle_seconds = 0.2
        sent = post(channel("webhook", hook.url), {"x": 1}, seconds=1)
    assert not sent.ok and sent.error.startswith("timed out: no complete answer within 1 s")


def test_every_try_of_a_notification_carries_the_same_idempotency_key():
    with receiver() as hook:
        hook.fail_next(500, 503)
        assert send_now(channel("webhook", hook.url), FIRING, RetryPolicy(pause_seconds=0), sleep=lambda s: None).ok
        assert send_now(channel("webhook", hook.url), RESOLVED, RetryPolicy(pause_seconds=0)).ok
    assert hook.keys == [FIRING.idempotency_key] * 3 + [RESOLVED.idempotency_key]
    assert FIRING.idempotency_key != RESOLVED.idempotency_key
    assert [b["idempotency_key"] for b in hook.received] == hook.keys  # the webhook body carries it too


def test_pagerduty_events_of_one_notification_are_keyed_apart():
    note = probe_notification(datetime(2024, 3, 1, 9, 30))
    with receiver() as hook:
        assert send_now(channel("pagerduty", hook.url), note).ok
    assert hook.keys == [f"{note.idempotency_key}/1", f"{note.idempotency_key}/2"]
