"""What each channel's requests say: the generic webhook's JSON, Slack's blocks, PagerDuty's Events API v2
events. Every body that can carry it holds the notification's idempotency key (the request's header always
does), so a receiver can drop the repeat of a notification it already has."""

from orchestration.alerting.notification import FIRING, RESOLVED, TEST, Notification, expected_text, format_value

SOURCE = "follow-up-radar"
_PAGERDUTY_SEVERITY = {"error": "critical", "warning": "warning", "info": "info"}


def webhook_body(n: Notification) -> dict:
    return {
        "dedup_key": n.dedup_key, "incident_id": n.incident_id, "status": n.status, "reminder": n.reminder,
        "measure": n.measure, "scope": n.scope, "scope_type": n.scope_type, "scope_label": n.scope_label,
        "value": n.value, "expected": n.expected, "severity": n.severity, "day": n.day, "as_of": n.as_of,
        "summary": n.summary, "triage": n.triage, "runbook_url": n.runbook_url, "run_url": n.run_url,
        "idempotency_key": n.idempotency_key,
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
    """trigger on firing, resolve on resolved, both for a test; reminders are PagerDuty's own job. PagerDuty
    deduplicates on the page key: one per incident opening, so an old incident's resolve only ever closes its own
    page."""
    if n.reminder:
        return []
    resolve = {"routing_key": routing_key, "event_action": "resolve", "dedup_key": n.pagerduty_key}
    if n.status == RESOLVED:
        return [resolve]
    trigger = {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": n.pagerduty_key,
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
                "idempotency_key": n.idempotency_key,
            },
        },
        "client": "Follow-up Radar",
        "links": [{"href": url, "text": text} for url, text in ((n.run_url, "Dagster run"), (n.runbook_url, "Runbook"))
                  if url.startswith("http")],
    }
    return [trigger, resolve] if n.status == TEST else [trigger]

