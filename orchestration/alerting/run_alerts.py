"""Alerts about the pipeline itself: a run that fails before the measures are evaluated would otherwise page
nobody. One incident per job while its runs keep failing: `firing` on the first failure, `resolved` on the next
success, keyed follow-up-radar/pipeline_run/job/<job>. Their own kind and format: which run, which steps failed
and how, the files and checks involved, and how to fix it; no value or expected range."""

from dataclasses import asdict, dataclass, field
from datetime import datetime

from orchestration.alerting.evaluate import AlertSettings
from orchestration.alerting.notification import FIRING, PIPELINE_RUN_ALERT, RESOLVED, Notification, iso
from orchestration.alerting.runbooks import PIPELINE_RUN, runbook_url

MEASURE = PIPELINE_RUN
RERUN = "read the step's error in the run, fix the cause, then run again (`radar run`, or re-execute the run in the UI)"


@dataclass(frozen=True)
class QuarantinedFile:
    path: str
    file_id: int
    check: str  # the blocking check, as the run shows it: raw/<table> gx_expectations

    @property
    def fix(self) -> str:
        return reprocess_fix(self.file_id)


def reprocess_fix(file_id: int) -> str:
    """What to do about a quarantined file: the same words in the step's failure and in the page."""
    return f"fix the export and deliver it again, or fix the cause and run `radar reprocess {file_id}`"


@dataclass(frozen=True)
class FailedStep:
    step: str
    error: str  # the step's own description of the failure, else the first line of the error
    files: tuple[QuarantinedFile, ...] = field(default=())

    @property
    def fix(self) -> str:
        return "; ".join(f.fix for f in self.files) if self.files else RERUN

    def as_dict(self) -> dict:
        return {"step": self.step, "error": self.error, "files": [asdict(f) for f in self.files], "fix": self.fix}


@dataclass(frozen=True)
class Streak:
    """The failed runs of a job in a row: since the first of them, how many."""

    since: datetime
    failed_runs: int


def run_notification(
    status: str, job: str, run_id: str, now: datetime, settings: AlertSettings,
    steps: tuple[FailedStep, ...] = (), streak: Streak | None = None,
) -> Notification:
    job = job_label(job)
    key = f"follow-up-radar/{MEASURE}/job/{job}"
    failed = status == FIRING
    streak = streak or Streak(now, 1)
    runs = f"{streak.failed_runs} failed run{'s' if streak.failed_runs != 1 else ''}"
    if failed:
        what = "; ".join(f"{s.step}: {s.error}" for s in steps) or "see the run"
        summary = f"pipeline run of {job} failed (failing since {iso(streak.since)}, {runs}): {what}"
    else:
        summary = f"pipeline run of {job} succeeded again (was failing since {iso(streak.since)}, {runs})"
    run_url = f"{settings.dagster_url}/runs/{run_id}"
    failure = {
        "job": job, "run_id": run_id, "run_url": run_url, "failing_since": iso(streak.since),
        "failed_runs": streak.failed_runs, "steps": [s.as_dict() for s in steps],
    }
    return Notification(
        dedup_key=key, incident_id=f"{key}@{run_id}" if failed else key, status=status, measure=MEASURE,
        scope_type="job", scope=job, scope_label=job, severity="error", day=iso(now.date()), as_of=iso(now),
        value=None, expected_low=None, expected_high=None, summary=summary[:500],
        runbook_url=runbook_url(settings.runbook_base_url, MEASURE), run_url=run_url, kind=PIPELINE_RUN_ALERT,
        since=iso(streak.since), failure=failure,
    )


def job_label(job: str) -> str:
    """The job as on-call knows it: Dagster's internal job of a hand-started materialization has a name."""
    return "assets_materialized_by_hand" if job == "__ASSET_JOB" else job


def should_notify(status: str, previous_status: str | None) -> bool:
    """Fire on the first failure of a streak, resolve on the first success after one."""
    if status == FIRING:
        return previous_status != "FAILURE"
    return status == RESOLVED and previous_status == "FAILURE"
