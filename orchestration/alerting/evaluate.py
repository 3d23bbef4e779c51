"""One evaluation of every tracked measure at an as-of time: history written, incidents opened or resolved,
their notifications queued (delivery.py sends them, with the warehouse closed). Called by the Dagster asset
monitoring/alerts after the marts are rebuilt."""

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from expectations.drift import Judgement, judge, judge_all
from expectations.measures import NO_TEAM, Measure, daily_series, evaluated_day
from orchestration.alerting import lifecycle, pages
from orchestration.alerting.channels import Channel
from orchestration.alerting.delivery import RetryPolicy
from orchestration.alerting.grouping import Cause, causes
from orchestration.alerting.notification import FIRING, RESOLVED, Notification, iso
from orchestration.alerting.runbooks import runbook_url
from orchestration.alerting.store import MEASURE_HISTORY, MEASURE_HISTORY_COLUMNS, ensure_tables
from orchestration.alerting.triage import FeedVerdict, triage

DEFAULT_DAGSTER_URL = "http://127.0.0.1:3000"
DEFAULT_DASHBOARD_URL = "http://127.0.0.1:8501"  # `radar dashboard`, which serves the runbooks at /runbooks/
# Late data (SendGrid retries for a day or more, exports that arrive days late) changes recent days: each
# evaluation judges the last week again along with the new days.
RECENT_DAYS = 7


@dataclass(frozen=True)
class AlertSettings:
    dagster_url: str = DEFAULT_DAGSTER_URL
    runbook_base_url: str = f"{DEFAULT_DASHBOARD_URL}/runbooks"  # a runbook's link is <base>/<measure>
    reminder_hours: float | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "AlertSettings":
        env = os.environ if env is None else env
        reminder = env.get("RADAR_ALERT_REMINDER_HOURS")
        retry = env.get("RADAR_ALERT_RETRY_SECONDS")
        dashboard = (env.get("RADAR_DASHBOARD_URL") or DEFAULT_DASHBOARD_URL).rstrip("/")
        return cls(
            dagster_url=(env.get("RADAR_DAGSTER_URL") or DEFAULT_DAGSTER_URL).rstrip("/"),
            runbook_base_url=(env.get("RADAR_RUNBOOK_BASE_URL") or f"{dashboard}/runbooks").rstrip("/"),
            reminder_hours=float(reminder) if reminder else None,
            retry=RetryPolicy(backoff_seconds=float(retry)) if retry else RetryPolicy(),
        )


@dataclass(frozen=True)
class Evaluation:
    measure: Measure
    scope: str
    judgement: Judgement
    action: str | None = None
    incident_id: str | None = None


@dataclass(frozen=True)
class Outcome:
    evaluations: list[Evaluation]
    errors: dict[str, str] = field(default_factory=dict)  # measure key -> why it could not be computed

    def changed(self, action: str) -> list[Evaluation]:
        return [e for e in self.evaluations if e.action == action]


@dataclass(frozen=True)
class _Run:
    """What advancing the incidents of one evaluation needs."""

    con: duckdb.DuckDBPyConnection
    feeds: list[FeedVerdict]
    labels: dict[str, str]
    as_of: datetime
    now: datetime
    channels: Sequence[Channel]
    settings: AlertSettings
    run_id: str | None


def evaluate(
    con: duckdb.DuckDBPyConnection, measures: Sequence[Measure], as_of: datetime, channels: Sequence[Channel],
    now: datetime, settings: AlertSettings = AlertSettings(), run_id: str | None = None,
) -> Outcome:
    """Judge every measure, then advance one incident per cause (grouping.py); the outcome holds every scope's
    verdict, with the action taken on the scopes whose incident carries a cause."""
    ensure_tables(con)
    verdicts, errors = [], {}
    for measure in measures:
        try:
            verdicts += _judge(con, measure, as_of)
        except duckdb.Error as exc:  # one broken measure (a renamed column) must not silence the others
            errors[measure.key] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    feeds = [FeedVerdict(e.measure, e.judgement) for e in verdicts if e.measure.feed]
    labels, teams = reps(con)
    run = _Run(con, feeds, labels, as_of, now, channels, settings, run_id)
    advanced = {
        (c.root.measure.key, c.root.scope): _advance(run, c) for c in causes(verdicts, teams, lifecycle.firing(con))
    }
    return Outcome([advanced.get((e.measure.key, e.scope), e) for e in verdicts], errors)


def reps(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], dict[str, str]]:
    """Reps' names and their (latest) teams by owner id: for alert texts and for grouping."""
    try:
        rows = con.execute(
            f"select scope, max(scope_label), coalesce(arg_max(team, day), '{NO_TEAM}') "
            "from marts.follow_up_coverage_rollup_daily where scope_type = 'rep' group by 1"
        ).fetchall()
    except duckdb.CatalogException:
        return {}, {}
    return {owner: name for owner, name, _ in rows if name}, {owner: team for owner, _, team in rows}


def first_day_to_judge(con: duckdb.DuckDBPyConnection, measure: Measure, as_of: datetime) -> date | None:
    """None (every day: a fresh warehouse gets its history at once) when the measure was never judged; then the
    days after the last one judged, and again those of the last RECENT_DAYS before T, which late data may have
    changed (for a weekly measure: every week holding one of those days)."""
    last = con.execute(
        f"select max(day) from {MEASURE_HISTORY} where measure = ? and scope_type = ?", [measure.name, measure.scope]
    ).fetchone()[0]
    if last is None:
        return None
    return min(last + timedelta(days=1), as_of.date() - timedelta(days=RECENT_DAYS + measure.period_days - 1))


def _judge(con: duckdb.DuckDBPyConnection, measure: Measure, as_of: datetime) -> list[Evaluation]:
    """Judge the new days of every scope's series (kept in measure_history), reading the days before them that
    the drift rule compares with; return the evaluated day's verdicts."""
    since = first_day_to_judge(con, measure, as_of)
    read_from = since - timedelta(days=measure.lookback_days) if since else None
    series = daily_series(con, measure, as_of, since=read_from)
    day = evaluated_day(measure, as_of, series)
    rows, latest = [], []
    for scope, values in sorted(series.items()):
        days = sorted(d for d in values if (since is None or d >= since) and (day is None or d <= day))
        judged = judge_all(values, days, *_rules(measure))
        rows += [
            [measure.name, measure.scope, scope, j.day, j.value, j.expected_low, j.expected_high, j.state, j.score,
             j.baseline_median, measure.severity, as_of]
            for j in judged
        ]
        if day is not None:  # the evaluated day is the last one judged, unless the scope has no value on it
            on_day = judged[-1] if judged and judged[-1].day == day else None
            on_day = on_day or judge(values, day, *_rules(measure))
            latest.append(Evaluation(measure, scope, on_day))
    gone = [s for s in lifecycle.firing_scopes(con, measure.name, measure.scope) if s not in series]
    latest += [Evaluation(measure, s, Judgement(day, None, None, None, lifecycle.GONE)) for s in gone if day]
    if rows:
        history = pd.DataFrame(rows, columns=list(MEASURE_HISTORY_COLUMNS))  # noqa: F841 (read by the SQL below)
        con.execute(f"insert or replace into {MEASURE_HISTORY} by name select * from history")
    return latest


def _rules(measure: Measure) -> tuple:
    """The arguments after the series and day that judge() takes for this measure."""
    return measure.threshold, measure.drift, measure.domain, measure.null_breaches is not None


def _advance(run: _Run, cause: Cause) -> Evaluation:
    m, j = cause.root.measure, cause.root.judgement
    key = lifecycle.dedup_key(m.name, m.scope, cause.root.scope)
    incident = lifecycle.open_incident(run.con, key)
    action = lifecycle.step(incident, cause.state, run.as_of, run.settings.reminder_hours)
    if action is None:
        return cause.root
    incident_id = incident.incident_id if incident else lifecycle.new_incident_id(run.con, key, run.as_of)
    notification = _notification(run, cause, action, incident, incident_id)
    lifecycle.apply(run.con, action, notification, incident, run.channels, run.as_of, run.now, run.run_id)
    return Evaluation(m, cause.root.scope, j, action, incident_id)


def _notification(
    run: _Run, cause: Cause, action: str, incident: lifecycle.OpenIncident | None, incident_id: str
) -> Notification:
    m, j, scope = cause.root.measure, cause.root.judgement, cause.root.scope
    label = run.labels.get(scope, scope)
    status = RESOLVED if action == lifecycle.RESOLVE else FIRING
    children = pages.beneath(run.con, cause, run.labels) if status == FIRING else []
    if status == FIRING:
        since = pages.cause_since(run.con, cause, children)
        days = pages.days_between(since, j.day, m.period_days)
    else:
        since = incident.opened_on or j.day
        days = pages.resolved_days(since, j.day)
    notes = triage(run.con, m, scope, j.day, run.as_of, run.feeds, run.labels) if status == FIRING else {}
    return Notification(
        dedup_key=lifecycle.dedup_key(m.name, m.scope, scope), incident_id=incident_id, status=status,
        measure=m.name, scope_type=m.scope, scope=scope, scope_label=label, severity=m.severity, day=iso(j.day),
        as_of=iso(run.as_of), value=j.value, expected_low=j.expected_low, expected_high=j.expected_high,
        summary=pages.summary(m, label, j, status, iso(since), days, children, j.state == lifecycle.GONE),
        triage=notes, runbook_url=runbook_url(run.settings.runbook_base_url, m.name),
        run_url=f"{run.settings.dagster_url}/runs/{run.run_id}" if run.run_id else "",
        reminder=action == lifecycle.REMIND, page_key=incident_id, since=iso(since), days_out=days, beneath=children,
    )
