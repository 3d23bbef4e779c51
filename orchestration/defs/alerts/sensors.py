"""Pipeline-run alerts: when a run fails (a dbt error, a blocking check, a crash) the measures after it are not
evaluated, so the failure itself is sent to the alert channels; the next success resolves it. The sensors run in
the Dagster daemon; `radar run`, which runs in-process, sends its own and tags the run so the sensors skip it."""

import dagster as dg

from orchestration.alerting.channels import channel_problems, configured_channels
from orchestration.alerting.delivery import send_now
from orchestration.alerting.evaluate import AlertSettings
from orchestration.alerting.notification import FIRING, RESOLVED
from orchestration.alerting.run_alerts import run_notification, should_notify
from orchestration.settings import utc_now

ALERTED_TAG = "follow-up-radar/run-alert-sent"


def _previous_status(instance: dg.DagsterInstance, run: dg.DagsterRun) -> str | None:
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=run.job_name), limit=20)  # newest first
    ids = [r.run_id for r in runs]
    earlier = runs[ids.index(run.run_id) + 1:] if run.run_id in ids else runs
    finished = [r for r in earlier if r.status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE)]
    return finished[0].status.value if finished else None


def notify_run(instance: dg.DagsterInstance, run: dg.DagsterRun, status: str, message: str = "") -> list[str]:
    """Send the run's firing or resolved alert when it starts or ends a streak of failures; say what was sent."""
    if not should_notify(status, _previous_status(instance, run)):
        return []
    notification = run_notification(status, run.job_name, run.run_id, utc_now(), AlertSettings.from_env(), message)
    said = [f"{status} alert for run {run.run_id} not sent: {problem}" for problem in channel_problems().values()]
    for channel in configured_channels():
        sent = send_now(channel, notification)
        said.append(f"{status} alert for run {run.run_id} " + (
            f"sent to {channel.name}" if sent.ok else f"not delivered to {channel.name}: {sent.error}"
        ))
    return said


def failure_message(step_failures: list[dg.DagsterEvent]) -> str:
    """What failed, from the failed steps: their own descriptions (a quarantined file names itself, its check,
    the failed expectations and the fix), else the error."""
    parts = []
    for event in step_failures:
        data = event.step_failure_data
        described = data.user_failure_data.description if data and data.user_failure_data else None
        error = data.error.message.strip() if data and data.error else "failed"
        parts.append(f"{event.step_key}: {described or error.splitlines()[0]}")
    return "; ".join(parts)


def _notify(context: dg.RunStatusSensorContext, status: str, message: str = "") -> None:
    if context.dagster_run.tags.get(ALERTED_TAG):
        return  # its own process (radar run) sends it
    for line in notify_run(context.instance, context.dagster_run, status, message):
        context.log.info(line)


@dg.run_failure_sensor(
    name="run_failure_alert_sensor", default_status=dg.DefaultSensorStatus.RUNNING,
    description="Sends a failed pipeline run to the alert channels (once per streak of failures of a job).",
)
def run_failure_alert_sensor(context: dg.RunFailureSensorContext) -> None:
    _notify(context, FIRING, failure_message(context.get_step_failure_events()) or context.failure_event.message or "")


@dg.run_status_sensor(
    name="run_recovery_alert_sensor", run_status=dg.DagsterRunStatus.SUCCESS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Resolves the failed-run alert of a job when its next run succeeds.",
)
def run_recovery_alert_sensor(context: dg.RunStatusSensorContext) -> None:
    _notify(context, RESOLVED)
