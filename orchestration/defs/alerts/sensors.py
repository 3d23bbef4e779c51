"""Pipeline-run alerts: when a run fails (a dbt error, a blocking check, a crash) the measures after it are not
evaluated, so the failure itself is sent to the alert channels; the next success resolves it."""

import dagster as dg

from orchestration.alerting.channels import configured_channels
from orchestration.alerting.delivery import send_now
from orchestration.alerting.evaluate import AlertSettings
from orchestration.alerting.notification import FIRING, RESOLVED
from orchestration.alerting.run_alerts import run_notification, should_notify
from orchestration.settings import utc_now


def _previous_status(context: dg.RunStatusSensorContext) -> str | None:
    run = context.dagster_run
    runs = context.instance.get_runs(filters=dg.RunsFilter(job_name=run.job_name), limit=20)  # newest first
    ids = [r.run_id for r in runs]
    earlier = runs[ids.index(run.run_id) + 1:] if run.run_id in ids else runs
    finished = [r for r in earlier if r.status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE)]
    return finished[0].status.value if finished else None


def _notify(context: dg.RunStatusSensorContext, status: str, message: str = "") -> None:
    run = context.dagster_run
    if not should_notify(status, _previous_status(context)):
        return
    notification = run_notification(status, run.job_name, run.run_id, utc_now(), AlertSettings.from_env(), message)
    for channel in configured_channels():
        sent = send_now(channel, notification)
        if sent.ok:
            context.log.info(f"{status} alert for run {run.run_id} sent to {channel.name}")
        else:
            context.log.warning(f"{status} alert for run {run.run_id} not delivered to {channel.name}: {sent.error}")


@dg.run_failure_sensor(
    name="run_failure_alert_sensor", default_status=dg.DefaultSensorStatus.RUNNING,
    description="Sends a failed pipeline run to the alert channels (once per streak of failures of a job).",
)
def run_failure_alert_sensor(context: dg.RunFailureSensorContext) -> None:
    _notify(context, FIRING, context.failure_event.message or "")


@dg.run_status_sensor(
    name="run_recovery_alert_sensor", run_status=dg.DagsterRunStatus.SUCCESS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Resolves the failed-run alert of a job when its next run succeeds.",
)
def run_recovery_alert_sensor(context: dg.RunStatusSensorContext) -> None:
    _notify(context, RESOLVED)
