"""Pipeline-run alerts: when a run fails (a dbt error, a blocking check, a crash) the measures after it are not
evaluated, so the failure itself is sent to the alert channels; the next success resolves it. The sensors run in
the Dagster daemon; `radar run`, which runs in-process, sends its own and tags the run so the sensors skip it."""

from datetime import UTC

import dagster as dg

from ingest.schema import RAW_SCHEMA
from orchestration.alerting.channels import channel_problems, configured_channels
from orchestration.alerting.delivery import send_now
from orchestration.alerting.evaluate import AlertSettings
from orchestration.alerting.notification import FIRING, RESOLVED
from orchestration.alerting.run_alerts import FailedStep, QuarantinedFile, Streak, run_notification, should_notify
from orchestration.lib.gx_checks import GX_CHECK
from orchestration.settings import utc_now

ALERTED_TAG = "follow-up-radar/run-alert-sent"
SUCCESS, FAILURE = dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE


def _streak(instance: dg.DagsterInstance, run: dg.DagsterRun) -> tuple[str | None, Streak]:
    """The status of the job's previous finished run, and the streak of failures up to this run (this run
    included when it failed)."""
    records = instance.get_run_records(filters=dg.RunsFilter(job_name=run.job_name), limit=50)  # newest first
    ids = [r.dagster_run.run_id for r in records]
    mine = records[ids.index(run.run_id)] if run.run_id in ids else None
    earlier = records[ids.index(run.run_id) + 1:] if mine else records
    finished = [r for r in earlier if r.dagster_run.status in (SUCCESS, FAILURE)]
    failures = [mine] if mine and mine.dagster_run.status == FAILURE else []
    for record in finished:
        if record.dagster_run.status != FAILURE:
            break
        failures.append(record)
    since = failures[-1].create_timestamp.astimezone(UTC).replace(tzinfo=None, microsecond=0) if failures else utc_now()
    return (finished[0].dagster_run.status.value if finished else None), Streak(since, max(len(failures), 1))


def notify_run(
    instance: dg.DagsterInstance, run: dg.DagsterRun, status: str, steps: tuple[FailedStep, ...] = ()
) -> list[str]:
    """Send the run's firing or resolved alert when it starts or ends a streak of failures; say what was sent."""
    previous, streak = _streak(instance, run)
    if not should_notify(status, previous):
        return []
    settings = AlertSettings.from_env()
    notification = run_notification(status, run.job_name, run.run_id, utc_now(), settings, steps, streak)
    said = [f"{status} alert for run {run.run_id} not sent: {problem}" for problem in channel_problems().values()]
    for channel in configured_channels():
        if not channel.bodies(notification):
            continue  # its route does not take pipeline-run alerts
        sent = send_now(channel, notification)
        said.append(f"{status} alert for run {run.run_id} " + (
            f"sent to {channel.name}" if sent.ok else f"not delivered to {channel.name}: {sent.error}"
        ))
    return said


def failed_steps(step_failures: list[dg.DagsterEvent]) -> tuple[FailedStep, ...]:
    """What failed, from the failed steps: their own descriptions (a quarantined file names itself, its check,
    the failed expectations and the fix) and the quarantined files, else the error."""
    steps = []
    for event in step_failures:
        data = event.step_failure_data
        user = data.user_failure_data if data else None
        error = _innermost(data.error).message.strip() if data and data.error else "failed"
        quarantined = user.metadata.get("quarantined_files") if user else None
        files = tuple(
            QuarantinedFile(path, file_id, f"{RAW_SCHEMA}/{table} {GX_CHECK}")
            for table, entries in (quarantined.value if quarantined else {}).items() for file_id, path in entries
        )
        steps.append(FailedStep(event.step_key, (user.description if user else None) or error.splitlines()[0], files))
    return tuple(steps)


def _innermost(error):
    """The error that started it: Dagster wraps a step's own exception in its own."""
    while error.cause is not None:
        error = error.cause
    return error


def _notify(context: dg.RunStatusSensorContext, status: str, steps: tuple[FailedStep, ...] = ()) -> None:
    if context.dagster_run.tags.get(ALERTED_TAG):
        return  # its own process (radar run) sends it
    for line in notify_run(context.instance, context.dagster_run, status, steps):
        context.log.info(line)


@dg.run_failure_sensor(
    name="run_failure_alert_sensor", default_status=dg.DefaultSensorStatus.RUNNING,
    description="Sends a failed pipeline run to the alert channels (once per streak of failures of a job).",
)
def run_failure_alert_sensor(context: dg.RunFailureSensorContext) -> None:
    steps = failed_steps(context.get_step_failure_events())
    if not steps:  # the run failed outside any step (it could not start, say)
        steps = (FailedStep("run", (context.failure_event.message or "failed").strip().splitlines()[0]),)
    _notify(context, FIRING, steps)


@dg.run_status_sensor(
    name="run_recovery_alert_sensor", run_status=dg.DagsterRunStatus.SUCCESS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Resolves the failed-run alert of a job when its next run succeeds.",
)
def run_recovery_alert_sensor(context: dg.RunStatusSensorContext) -> None:
    _notify(context, RESOLVED)
