"""What each channel's requests say: the generic webhook's JSON, Slack's blocks, PagerDuty's Events API v2
events, in two formats: a tracked measure's incident (value, expected range, how long out of range, the scopes
beneath it, triage) and a failed pipeline run (which run, which steps, the files and checks, how to fix), each
with its own PagerDuty class. Every body that can carry it holds the notification's idempotency key (the
request's header always does), so a receiver can drop the repeat of a notification it already has."""

from orchestration.alerting.notification import (
    FIRING,
    PIPELINE_RUN_ALERT,
    RESOLVED,
    TEST,
    Notification,
    expected_text,
    format_value,
)
from orchestration.alerting.pages import since_text

SOURCE = "follow-up-radar"
_PAGERDUTY_SEVERITY = {"error": "critical", "warning": "warning", "info": "info"}
CLASSES = {PIPELINE_RUN_ALERT: "pipeline-run-failure"}
MEASURE_CLASS = "tracked-measure"
_RUN_STATUS = {FIRING: "FAILED", RESOLVED: "RECOVERED"}


def webhook_body(n: Notification) -> dict:
    return {
        "kind": n.kind, "dedup_key": n.dedup_key, "incident_id": n.incident_id, "status": n.status,
        "reminder": n.reminder, "measure": n.measure, "scope": n.scope, "scope_type": n.scope_type,
        "scope_label": n.scope_label, "value": n.value, "expected": n.expected, "severity": n.severity, "day": n.day,
        "as_of": n.as_of, "since": n.since, "days_out": n.days_out, "summary": n.summary, "beneath": n.beneath,
        "triage": n.triage, "failure": n.failure, "runbook_url": n.runbook_url, "run_url": n.run_url,
        "idempotency_key": n.idempotency_key,
    }


def slack_body(n: Notification) -> dict:
    icon = {FIRING: ":red_circle:", RESOLVED: ":large_green_circle:", TEST: ":white_circle:"}[n.status]
    failed_run = n.kind == PIPELINE_RUN_ALERT
    status = (_RUN_STATUS if failed_run else {}).get(n.status, n.status.upper())
    subject = f"pipeline run of {n.scope_label}" if failed_run else f"{n.measure} for {n.scope_label}"
    title = f"{status}{' (reminder)' if n.reminder else ''}: {subject}"
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": f"{title}"[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": f"{icon} {n.summary}"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in _fields(n)]},
    ]
    for heading, lines in _details(n):
        text = "\n".join(f"• {line}" for line in lines)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*{heading}*\n{text}"[:3000]}})
    links = [f"<{url}|{text}>" for url, text in ((n.run_url, "Dagster run"), (n.runbook_url, "Runbook")) if url]
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join([n.dedup_key, *links])}]})
    return {"text": f"{title}: {n.summary}", "blocks": blocks}


def _fields(n: Notification) -> list[tuple[str, str]]:
    if n.kind == PIPELINE_RUN_ALERT:
        f = n.failure
        since = f"{f.get('failing_since', n.since)} ({f.get('failed_runs', 1)} failed runs)"
        return [("Job", n.scope_label), ("Run", f.get("run_id", "")), ("Failing since", since),
                ("Severity", n.severity)]
    fields = [
        ("Value", format_value(n.measure, n.value)),
        ("Expected", expected_text(n.measure, n.expected_low, n.expected_high)),
        ("Severity", n.severity),
        ("Day (as of)", f"{n.day} ({n.as_of})"),
    ]
    if n.since:
        fields.append(("Out of range", since_text(n.since, n.days_out, resolved=n.status == RESOLVED)))
    return fields


def _details(n: Notification) -> list[tuple[str, list[str]]]:
    """The sections after the fields: the failed steps and their fixes, or the scopes beneath and the triage."""
    if n.kind == PIPELINE_RUN_ALERT:
        steps = n.failure.get("steps", []) if n.status == FIRING else []
        return [(f"Failed step {s['step']}", [s["error"], *map(_file_line, s["files"]), f"how to fix: {s['fix']}"])
                for s in steps]
    details = []
    if n.beneath:
        details.append(("Out of range beneath it", [_beneath_line(n.measure, b) for b in n.beneath]))
    if n.triage.get("lines"):
        details.append(("Triage", n.triage["lines"]))
    return details


def _file_line(f: dict) -> str:
    return f"file {f['path']} (file_id {f['file_id']}), check {f['check']}"


def _beneath_line(measure: str, b: dict) -> str:
    expected = expected_text(measure, b["expected"]["low"], b["expected"]["high"])
    return (f"{b['scope_type']} {b['label']}: {format_value(measure, b['value'])} (expected {expected}), "
            f"{since_text(b['since'], b['days_out'])}")


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
            "class": CLASSES.get(n.kind, MEASURE_CLASS),
            "custom_details": _custom_details(n),
        },
        "client": "Follow-up Radar",
        "links": [{"href": url, "text": text} for url, text in ((n.run_url, "Dagster run"), (n.runbook_url, "Runbook"))
                  if url.startswith("http")],
    }
    return [trigger, resolve] if n.status == TEST else [trigger]


def _custom_details(n: Notification) -> dict:
    common = {"incident_id": n.incident_id, "idempotency_key": n.idempotency_key}
    if n.kind == PIPELINE_RUN_ALERT:
        return {**n.failure, **common}
    return {
        "value": n.value, "expected": n.expected, "day": n.day, "since": n.since, "days_out": n.days_out,
        "scope_type": n.scope_type, "scope": n.scope, "beneath": n.beneath, "triage": n.triage, **common,
    }
