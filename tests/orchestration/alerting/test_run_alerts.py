"""A failed pipeline run pages once per streak of failures and resolves on the next success."""

import dagster as dg
import pytest

from orchestration.alerting.run_alerts import RERUN, should_notify
from orchestration.defs.alerts.sensors import ALERTED_TAG, run_failure_alert_sensor, run_recovery_alert_sensor
from tests.orchestration.alerting.receiver import receiver


@dg.op(config_schema={"fail": bool})
def _step(context: dg.OpExecutionContext) -> None:
    if context.op_config["fail"]:
        raise RuntimeError("dbt build failed: model marts.lead_aging")


@dg.job
def radar_like_job():
    _step()


def _run_and_sense(instance: dg.DagsterInstance, fail: bool, tags: dict | None = None) -> None:
    result = radar_like_job.execute_in_process(
        run_config={"ops": {"_step": {"config": {"fail": fail}}}}, instance=instance, raise_on_error=False, tags=tags
    )
    event = result.get_run_failure_event() if fail else result.get_run_success_event()
    context = dg.build_run_status_sensor_context(
        sensor_name="sensor", dagster_event=event, dagster_instance=instance, dagster_run=result.dagster_run
    )
    if fail:
        run_failure_alert_sensor(context.for_run_failure())
    else:
        run_recovery_alert_sensor(context)


def test_should_notify_once_per_streak():
    assert should_notify("firing", None) and should_notify("firing", "SUCCESS")
    assert not should_notify("firing", "FAILURE")
    assert should_notify("resolved", "FAILURE")
    assert not should_notify("resolved", "SUCCESS") and not should_notify("resolved", None)


def test_failures_fire_once_and_the_next_success_resolves(monkeypatch: pytest.MonkeyPatch):
    with receiver() as hook, dg.instance_for_test() as instance:
        monkeypatch.setenv("RADAR_ALERT_WEBHOOK_URL", hook.url)
        for fail in (False, True, True, False, False):
            _run_and_sense(instance, fail)
    assert [b["status"] for b in hook.accepted] == ["firing", "resolved"]
    firing, resolved = hook.accepted
    assert firing["dedup_key"] == resolved["dedup_key"] == "follow-up-radar/pipeline_run/job/radar_like_job"
    since = firing["since"]
    assert firing["summary"] == (
        f"pipeline run of radar_like_job failed (failing since {since}, 1 failed run): "
        "_step: RuntimeError: dbt build failed: model marts.lead_aging"
    )
    recovered = f"pipeline run of radar_like_job succeeded again (was failing since {since}, 2 failed runs)"
    assert resolved["summary"] == recovered
    assert firing["run_url"].startswith("http://127.0.0.1:3000/runs/")
    assert firing["failure"]["steps"] == [
        {"step": "_step", "error": "RuntimeError: dbt build failed: model marts.lead_aging", "files": [], "fix": RERUN}
    ]


def test_the_sensors_leave_a_run_to_the_process_that_alerts_for_it(monkeypatch: pytest.MonkeyPatch):
    with receiver() as hook, dg.instance_for_test() as instance:
        monkeypatch.setenv("RADAR_ALERT_WEBHOOK_URL", hook.url)
        _run_and_sense(instance, fail=True, tags={ALERTED_TAG: "true"})
    assert hook.accepted == []


def test_a_hand_started_materialization_is_paged_under_a_name_on_call_can_read():
    from datetime import datetime

    from orchestration.alerting.evaluate import AlertSettings
    from orchestration.alerting.notification import FIRING
    from orchestration.alerting.run_alerts import FailedStep, run_notification

    steps = (FailedStep("x", "failed"),)
    page = run_notification(FIRING, "__ASSET_JOB", "r1", datetime(2024, 3, 12), AlertSettings.from_env(), steps)
    assert page.scope == "assets_materialized_by_hand" and "__ASSET_JOB" not in page.summary
    assert page.dedup_key == "follow-up-radar/pipeline_run/job/assets_materialized_by_hand"
