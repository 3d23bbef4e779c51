"""The places alerts go, each enabled by environment variables: a generic JSON webhook, a Slack incoming webhook
and PagerDuty's Events API v2. URLs and routing keys are secrets: they never appear in a repr, a log line or a
recorded error."""

import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from orchestration.alerting.notification import FIRING, RESOLVED, TEST, Notification, expected_text, format_value

PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
TIMEOUT_SECONDS = 10
SOURCE = "follow-up-radar"
_PAGERDUTY_SEVERITY = {"error": "critical", "warning": "warning", "info": "info"}


@dataclass(frozen=True)
class Channel:
    name: str
    url: str = field(repr=False)
    render: Callable[[Notification], list[dict]] = field(repr=False)

    def bodies(self, notification: Notification) -> list[dict]:
        """The request bodies for one notification, in order (none when the channel skips it)."""
        return self.render(notification)


@dataclass(frozen=True)
class Sent:
    ok: bool
    error: str | None = None


def configured_channels(env: Mapping[str, str] | None = None) -> list[Channel]:
    env = os.environ if env is None else env
    channels = []
    if env.get("RADAR_ALERT_WEBHOOK_URL"):
        channels.append(Channel("webhook", env["RADAR_ALERT_WEBHOOK_URL"], lambda n: [webhook_body(n)]))
    if env.get("RADAR_SLACK_WEBHOOK_URL"):
        channels.append(Channel("slack", env["RADAR_SLACK_WEBHOOK_URL"], lambda n: [slack_body(n)]))
    if env.get("RADAR_PAGERDUTY_ROUTING_KEY"):
        key = env["RADAR_PAGERDUTY_ROUTING_KEY"]
        url = env.get("RADAR_PAGERDUTY_EVENTS_URL") or PAGERDUTY_EVENTS_URL
        channels.append(Channel("pagerduty", url, lambda n: pagerduty_bodies(n, key)))
    return channels


def post(channel: Channel, body: dict) -> Sent:
    """POST one JSON body; any 2xx is delivered. The error names the status or the failure, never the URL."""
    request = urllib.request.Request(
        channel.url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "User-Agent": SOURCE},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read()
            return Sent(200 <= response.status < 300, None if response.status < 300 else f"HTTP {response.status}")
    except urllib.error.HTTPError as exc:
        return Sent(False, f"HTTP {exc.code} {exc.reason}")
    except urllib.error.URLError as exc:
        return Sent(False, f"unreachable: {type(exc.reason).__name__}: {getattr(exc.reason, 'strerror', '') or ''}")
    except (TimeoutError, OSError) as exc:
        return Sent(False, f"{type(exc).__name__}")


def webhook_body(n: Notification) -> dict:
    return {
        "dedup_key": n.dedup_key, "incident_id": n.incident_id, "status": n.status, "reminder": n.reminder,
        "measure": n.measure, "scope": n.scope, "scope_type": n.scope_type, "scope_label": n.scope_label,
        "value": n.value, "expected": n.expected, "severity": n.severity, "day": n.day, "as_of": n.as_of,
        "summary": n.summary, "triage": n.triage, "runbook_url": n.runbook_url, "run_url": n.run_url,
    }


def slack_body(n: Notification) -> dict:
    icon = {FIRING: ":red_circle:", RESOLVED: ":large_green_circle:", TEST: ":white_circle:"}[n.status]
    title = f"{n.status.upper()}{' (reminder)' if n.reminder else ''}: {n.measure} for {n.scope_label}"
    fields = [
        ("Value", format_value(n.measure, n.value)),
        ("Expected", expected_text(n.measure, n.expected_low, n.expected_high)),
        ("Severity", n.severity),
        ("Day (as of)", f"{n.day} ({n.as_of})"),
    ]
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": f"{title}"[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"{icon} {n.summary}"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in fields]},
    ]
    if n.triage.get("lines"):
        triage = "\n".join(f"• {line}" for line in n.triage["lines"])
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*Triage*\n{triage}"}})
    links = [f"<{url}|{text}>" for url, text in ((n.run_url, "Dagster run"), (n.runbook_url, "Runbook")) if url]
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join([n.dedup_key, *links])}]})
    return {"text": f"{title}: {n.summary}", "blocks": blocks}


def pagerduty_bodies(n: Notification, routing_key: str) -> list[dict]:
    """trigger on firing, resolve on resolved, both for a test; reminders are PagerDuty's own job."""
    if n.reminder:
        return []
    resolve = {"routing_key": routing_key, "event_action": "resolve", "dedup_key": n.dedup_key}
    if n.status == RESOLVED:
        return [resolve]
    trigger = {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": n.dedup_key,
        "payload": {
            "summary": n.summary[:1024],
            "source": SOURCE,
            "severity": _PAGERDUTY_SEVERITY.get(n.severity, "error"),
            "timestamp": n.as_of,
            "component": n.measure,
            "group": n.scope_label,
            "class": "tracked-measure",
            "custom_details": {
                "value": n.value, "expected": n.expected, "day": n.day, "scope_type": n.scope_type,
                "scope": n.scope, "triage": n.triage, "incident_id": n.incident_id,
            },
        },
        "client": "Follow-up Radar",
        "links": [{"href": url, "text": text} for url, text in ((n.run_url, "Dagster run"), (n.runbook_url, "Runbook"))
                  if url.startswith("http")],
    }
    return [trigger, resolve] if n.status == TEST else [trigger]

