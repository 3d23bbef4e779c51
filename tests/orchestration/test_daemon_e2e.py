"""The deployed path under the real Dagster daemon: its landing sensor, run-status sensors and run launcher.

Files land -> exactly one run -> the marts' checks have results -> published -> the webhook gets each firing
alert once. Then a bad file -> exactly one failed run and one page naming the file, and nothing published."""

import json
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration.serving.publish import PUBLISHED_RECORD
from tests.benchmarks.landing_to_alert import demo_files, deployment, firing

pytestmark = pytest.mark.slow

BAD_LEADS = (
    "Id,Status,OwnerId,CreatedDate,LastModifiedDate\n"
    "00Q000000000099AAA,Open - Not Contacted,Ana Diligent,2024-05-31T09:00:00.000Z,2024-05-31T09:00:00.000Z\n"
)
QUIET_SECONDS = 45  # long enough for a retry, an automation run or a second page to have shown up


def _checks_of(instance: dg.DagsterInstance, run_id: str) -> set[str]:
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    evaluations = [r.event_log_entry.dagster_event.event_specific_data for r in records]
    return {f"{e.asset_key.to_user_string()}:{e.check_name}" for e in evaluations}


def _published(serving: Path) -> dict:
    return json.loads((serving / PUBLISHED_RECORD).read_text())


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    root = tmp_path_factory.mktemp("daemon")
    files = demo_files(root / "incoming")
    with deployment(root) as running:
        running.deliver(files)
        running.wait(lambda: firing(running.webhook), 300, "a firing alert")
        running.wait_for_runs(1, 300)
        yield running


def test_a_batch_is_one_run_that_checks_publishes_and_alerts_once(deployed):
    (run,) = deployed.runs()
    assert (run.job_name, run.status) == ("radar_job", dg.DagsterRunStatus.SUCCESS)
    assert run.tags.get("dagster/sensor_name") == "landing_sensor"
    checks = _checks_of(deployed.instance, run.run_id)
    assert {"marts/lead_aging:lead_aging_one_row_per_existing_lead", "marts/follow_up_coverage_daily:"
            "coverage_counts_are_consistent", "marts/lead_aging:unique_lead_aging_lead_id",
            "raw/salesforce_leads:gx_expectations", "raw/salesforce_leads:dbt_source_freshness"} <= checks
    assert _published(deployed.root / "serving")["build_number"] == 1
    keys = [body["dedup_key"] for body in firing(deployed.webhook)]
    assert keys and len(keys) == len(set(keys)), "each incident fires once"
    assert any("follow_up_coverage" in key for key in keys)


def test_a_bad_file_is_one_failed_run_and_one_page_naming_it(deployed):
    published_before = _published(deployed.root / "serving")
    serving_mtime = (deployed.root / "serving.duckdb").stat().st_mtime_ns
    pages_before = len(deployed.webhook.accepted)
    incoming = deployed.root / "incoming_bad"
    incoming.mkdir()
    (incoming / "Lead_shifted.csv").write_text(BAD_LEADS)

    deployed.deliver({"salesforce/Lead_shifted.csv": incoming / "Lead_shifted.csv"})
    deployed.wait(lambda: len(deployed.webhook.accepted) > pages_before, 300, "a page for the bad file")
    time.sleep(QUIET_SECONDS)

    runs = deployed.runs()
    assert [r.status for r in runs] == [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE]
    pages = deployed.webhook.accepted[pages_before:]
    assert len(pages) == 1, [p["summary"] for p in pages]
    (page,) = pages
    assert page["status"] == "firing" and "pipeline_run" in page["dedup_key"]
    text = json.dumps(page)
    assert "Lead_shifted.csv" in text and "gx_expectations" in text and "radar reprocess" in text
    assert runs[1].run_id in page["run_url"]
    assert _published(deployed.root / "serving") == published_before
    assert (deployed.root / "serving.duckdb").stat().st_mtime_ns == serving_mtime, "nothing published"
