"""What an alert says, independent of the channel that carries it; stored with each delivery so a retry sends
exactly what the first attempt would have."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

FIRING, RESOLVED, TEST = "firing", "resolved", "test"
MEASURE_ALERT, PIPELINE_RUN_ALERT = "tracked_measure", "pipeline_run"  # the kinds, each with its own format


@dataclass(frozen=True)
class Notification:
    dedup_key: str
    incident_id: str
    status: str
    measure: str
    scope_type: str
    scope: str
    scope_label: str
    severity: str
    day: str
    as_of: str
    value: float | None
    expected_low: float | None
    expected_high: float | None
    summary: str
    triage: dict = field(default_factory=dict)
    runbook_url: str = ""
    run_url: str = ""
    reminder: bool = False
    # What PagerDuty deduplicates on: the incident (one page per opening) where set; notifications queued before
    # it existed, and the pipeline-run alerts (sent at once, never retried later), use the dedup key.
    page_key: str = ""
    kind: str = MEASURE_ALERT
    since: str = ""  # the first day of the cause out of range (of the streak of failed runs: its first run's time)
    days_out: int | None = None  # days out of range up to `day`
    beneath: list[dict] = field(default_factory=list)  # the scopes out of range beneath this one, with values
    failure: dict = field(default_factory=dict)  # a pipeline run's: run, job, failed steps (file, check, fix)

    @property
    def pagerduty_key(self) -> str:
        return self.page_key or self.dedup_key

    @property
    def idempotency_key(self) -> str:
        """The same for every try of this notification (it is stored whole with each delivery), different for
        any other: receivers drop a repeat by it."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:32]

    @property
    def expected(self) -> dict:
        return {"low": self.expected_low, "high": self.expected_high}

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Notification":
        return cls(**json.loads(text))


def iso(value: date | datetime) -> str:
    """A day as YYYY-MM-DD, a (naive UTC) time as YYYY-MM-DDTHH:MM:SSZ."""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%dT%H:%M:%SZ}"
    return value.isoformat()


def expected_text(measure: str, low: float | None, high: float | None, unbounded: str = "any value") -> str:
    """An expected range as people read it: '>= 60.0%', '<= 24.0 h', or both joined by 'and'."""
    bounds = [f"{sign} {format_value(measure, b)}" for sign, b in ((">=", low), ("<=", high)) if b is not None]
    return " and ".join(bounds) or unbounded


def format_value(measure: str, value: float | None) -> str:
    """Shares and rates as percentages, hours with one decimal, counts as whole numbers."""
    if value is None:
        return "n/a"
    if measure.endswith(("coverage", "share", "rate")):
        return f"{value:.1%}"
    if measure.endswith("hours") or "hours" in measure:
        return f"{value:.1f} h"
    return f"{value:g}" if value == int(value) else f"{value:.2f}"


def probe_notification(now: datetime) -> Notification:
    """What `radar alerts test` sends: clearly a test, with its own dedup key so it never touches an incident."""
    key = f"follow-up-radar/test/{now:%Y%m%dT%H%M%S}"
    return Notification(
        dedup_key=key, incident_id=key, status=TEST, measure="test", scope_type="company", scope="company",
        scope_label="company", severity="info", day=iso(now.date()), as_of=iso(now), value=None,
        expected_low=None, expected_high=None,
        summary="Test notification from Follow-up Radar: this channel is configured and reachable.",
    )
