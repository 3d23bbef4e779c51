"""Alerts about the pipeline itself: a run that fails before the measures are evaluated would otherwise page
nobody. One incident per job while its runs keep failing: `firing` on the first failure, `resolved` on the next
success, keyed follow-up-radar/pipeline_run/job/<job>."""

from datetime import datetime

from orchestration.alerting.evaluate import AlertSettings
from orchestration.alerting.notification import FIRING, RESOLVED, Notification, iso
from orchestration.alerting.runbooks import PIPELINE_RUN, runbook_url

MEASURE = PIPELINE_RUN


def run_notification(
    status: str, job: str, run_id: str, now: datetime, settings: AlertSettings, message: str = ""
) -> Notification:
    job = job_label(job)
    key = f"follow-up-radar/{MEASURE}/job/{job}"
    failed = status == FIRING
    summary = (
        f"pipeline run of {job} failed: {message.strip() or 'see the run'}"
        if failed else f"pipeline run of {job} succeeded again"
    )
    lines = [part for part in message.split("; ") if part.strip()]
    lines.append("the measures were not evaluated in a run that failed before them: check the run, then the marts")
    return Notification(
        dedup_key=key, incident_id=f"{key}@{run_id}" if failed else key, status=status, measure=MEASURE,
        scope_type="job", scope=job, scope_label=job, severity="error", day=iso(now.date()), as_of=iso(now),
        value=None, expected_low=None, expected_high=None, summary=summary[:500],
        triage={"lines": lines} if failed else {},
        runbook_url=runbook_url(settings.runbook_base_url, MEASURE),
        run_url=f"{settings.dagster_url}/runs/{run_id}",
    )


def job_label(job: str) -> str:
    """The job as on-call knows it: Dagster's internal job of a hand-started materialization has a name."""
    return "assets_materialized_by_hand" if job == "__ASSET_JOB" else job


def should_notify(status: str, previous_status: str | None) -> bool:
    """Fire on the first failure of a streak, resolve on the first success after one."""
    if status == FIRING:
        return previous_status != "FAILURE"
    return status == RESOLVED and previous_status == "FAILURE"
