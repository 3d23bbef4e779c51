"""A failed pipeline run's page has its own format and class: which run, which step, which file and check, how
to fix it; never a measure's "Value n/a / Expected n/a"."""

from datetime import datetime

import dagster as dg
import pytest

from orchestration.alerting.evaluate import AlertSettings
from orchestration.alerting.notification import FIRING
from orchestration.alerting.render import pagerduty_bodies, slack_body, webhook_body
from orchestration.alerting.run_alerts import FailedStep, QuarantinedFile, Streak, run_notification
from tests.orchestration.alerting.test_run_alerts import _run_and_sense

CHECK = "raw/salesforce_leads gx_expectations"
QUARANTINE = FailedStep(
    "salesforce_files", f"landing/salesforce/Lead_bad.csv (file_id 7) quarantined by {CHECK}: OwnerId",
    (QuarantinedFile("landing/salesforce/Lead_bad.csv", 7, CHECK),),
)
SETTINGS = AlertSettings(runbook_base_url="https://radar.example/runbooks")
PAGE = run_notification(FIRING, "radar_job", "run-1", datetime(2024, 3, 12, 9), SETTINGS, (QUARANTINE,),
                        Streak(datetime(2024, 3, 11, 9), 2))


def test_slack_names_the_run_the_step_the_file_the_check_and_the_fix():
    body = slack_body(PAGE)
    assert body["blocks"][0]["text"]["text"] == "FAILED: pipeline run of radar_job"
    fields = [f["text"] for f in body["blocks"][2]["fields"]]
    assert fields == ["*Job*\nradar_job", "*Run*\nrun-1", "*Failing since*\n2024-03-11T09:00:00Z (2 failed runs)",
                      "*Severity*\nerror"]
    step = body["blocks"][3]["text"]["text"]
    assert step.startswith("*Failed step salesforce_files*\n")
    assert f"• file landing/salesforce/Lead_bad.csv (file_id 7), check {CHECK}" in step
    assert "• how to fix: fix the export and deliver it again, or fix the cause and run `radar reprocess 7`" in step
    assert "Value" not in str(body) and "Expected" not in str(body) and "n/a" not in str(body)
    assert "<https://radar.example/runbooks/pipeline_run|Runbook>" in body["blocks"][-1]["elements"][0]["text"]


def test_pagerduty_and_the_webhook_carry_the_failure_in_its_own_class():
    [trigger] = pagerduty_bodies(PAGE, "KEY")
    assert trigger["payload"]["class"] == "pipeline-run-failure"
    details = trigger["payload"]["custom_details"]
    assert (details["job"], details["run_id"], details["failed_runs"]) == ("radar_job", "run-1", 2)
    assert details["steps"][0]["files"] == [{"path": "landing/salesforce/Lead_bad.csv", "file_id": 7, "check": CHECK}]
    assert "value" not in details and "expected" not in details
    assert {"href": "https://radar.example/runbooks/pipeline_run", "text": "Runbook"} in trigger["links"]
    webhook = webhook_body(PAGE)
    assert webhook["kind"] == "pipeline_run" and webhook["failure"]["steps"][0]["fix"].endswith("`radar reprocess 7`")


@pytest.mark.slow
def test_a_failed_dagster_run_is_paged_in_the_run_format_on_every_channel(channels):
    with dg.instance_for_test() as instance:
        _run_and_sense(instance, fail=True)
    [trigger] = channels["pagerduty"].accepted
    assert trigger["payload"]["class"] == "pipeline-run-failure"
    assert trigger["payload"]["custom_details"]["steps"][0]["step"] == "_step"
    [slack] = channels["slack"].accepted
    assert slack["blocks"][0]["text"]["text"] == "FAILED: pipeline run of radar_like_job"
    assert "RuntimeError: dbt build failed: model marts.lead_aging" in slack["blocks"][3]["text"]["text"]
    [webhook] = channels["webhook"].accepted
    assert webhook["kind"] == "pipeline_run" and webhook["failure"]["run_url"] == webhook["run_url"]
