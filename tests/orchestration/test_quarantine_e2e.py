"""A landed file the loader accepts but a blocking raw expectation rejects, through Dagster: that run fails
once, naming the file, the check, the expectation and the fix; the file is quarantined in the ledger (its rows
stay in raw), and every later run builds the marts from the other files, also on a fresh Dagster home, until a
reprocess or a corrected delivery loads it again, once."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from orchestration.definitions import defs
from orchestration.defs.alerts.sensors import failed_steps
from orchestration.defs.ingest.sensors import landing_sensor
from orchestration.runner import run_pipeline
from tests.conftest import query
from tests.orchestration.expected_marts import LEAD_AGING

pytestmark = pytest.mark.slow

RADAR = str(Path(sys.executable).parent / "radar")
HEADER = "Id,Status,OwnerId,CreatedDate,LastModifiedDate\n"
# A Lead export whose OwnerId holds the owner's name: every value is a string, so the loader keeps the row.
BAD_LEADS = HEADER + (
    "00Q000000000012AAA,Open - Not Contacted,Ana Diligent,2024-03-11T09:00:00.000Z,2024-03-11T09:00:00.000Z\n"
)
FIXED_LEADS = HEADER + (
    "00Q000000000012AAA,Open - Not Contacted,005A00000000001AAA,2024-03-11T09:00:00.000Z,2024-03-11T09:00:00.000Z\n"
)
BAD_FILE = "Lead_2024-03-11_shifted.csv"
NEW_LEAD = "00Q000000000012AAA"
DOWNSTREAM = ("staging/", "intermediate/", "marts/", "serving/")


@dataclass(frozen=True)
class Runs:
    quarantining: dg.ExecuteInProcessResult
    after: dg.ExecuteInProcessResult
    fresh_home: dg.ExecuteInProcessResult
    ledger_after: list[dict]


@pytest.fixture(scope="module")
def runs(module_radar_env, instance, tmp_path_factory) -> Runs:
    (module_radar_env.landing / "salesforce" / BAD_FILE).write_text(BAD_LEADS)
    quarantining, after = run_pipeline(instance), run_pipeline(instance)
    with dg.instance_for_test(temp_dir=str(tmp_path_factory.mktemp("fresh_home"))) as fresh:
        fresh_home = run_pipeline(fresh)
    ledger = query(module_radar_env.warehouse, "select * from raw._files order by file_id")
    return Runs(quarantining, after, fresh_home, ledger)


def _gx_leads(result: dg.ExecuteInProcessResult):
    return next(
        e for e in result.get_asset_check_evaluations()
        if e.asset_key.to_user_string() == "raw/salesforce_leads" and e.check_name == "gx_expectations"
    )


def _downstream_materialized(result: dg.ExecuteInProcessResult) -> set[str]:
    keys = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    return {k for k in keys if k.startswith(DOWNSTREAM)}


def _bad(ledger: list[dict]) -> dict:
    return next(row for row in ledger if row["path"].endswith(BAD_FILE))


def test_the_check_fails_and_quarantines_only_the_file_at_fault(runs):
    evaluation = _gx_leads(runs.quarantining)
    assert (evaluation.passed, evaluation.severity, evaluation.blocking) == (False, dg.AssetCheckSeverity.ERROR, True)
    table = evaluation.metadata["failed_expectations"].value
    assert "| expect_column_values_to_match_regex | OwnerId | ERROR | 1 | `Ana Diligent` |" in table
    assert len(evaluation.metadata["file_ids"].value) == 3, "the two hand-made Lead files and the bad one"
    quarantined = evaluation.metadata["quarantined_files"].value
    assert [q["path"].rsplit("/", 1)[-1] for q in quarantined] == [BAD_FILE]
    bad = _bad(runs.ledger_after)
    assert bad["status"] == "quarantined" and "OwnerId" in bad["error"] and "gx_expectations" in bad["error"]
    assert sum(row["status"] == "quarantined" for row in runs.ledger_after) == 1


def test_that_run_fails_once_naming_the_file_the_check_and_the_fix(runs):
    assert not runs.quarantining.success
    assert runs.quarantining.get_failed_step_keys() == {"salesforce_files"}
    [step] = failed_steps(runs.quarantining.get_step_failure_events())
    bad_id = _bad(runs.ledger_after)["file_id"]
    assert step.step == "salesforce_files"
    assert BAD_FILE in step.error and "raw/salesforce_leads gx_expectations" in step.error
    assert "expect_column_values_to_match_regex on OwnerId: 1 unexpected" in step.error
    check = "raw/salesforce_leads gx_expectations"
    assert [(f.path.rsplit("/", 1)[-1], f.file_id, f.check) for f in step.files] == [(BAD_FILE, bad_id, check)]
    assert f"radar reprocess {bad_id}" in step.fix
    assert runs.quarantining.is_node_untouched("follow_up_radar_dbt")
    assert _downstream_materialized(runs.quarantining) == set(), "nothing published by the failed run"
    assert runs.quarantining.is_node_success("mailbox_files") and runs.quarantining.is_node_success("sendgrid_files")


def test_later_runs_build_the_marts_from_the_other_files(module_radar_env, runs):
    assert runs.after.success
    assert {"marts/lead_aging", "serving/published_marts"} <= _downstream_materialized(runs.after)
    assert _gx_leads(runs.after).metadata["file_ids"].value == [], "a quarantined file is not validated again"
    leads = query(module_radar_env.warehouse, "select lead_id from staging.stg_salesforce__leads")
    assert NEW_LEAD not in {row["lead_id"] for row in leads}
    aging = query(module_radar_env.warehouse, "select lead_id from marts.lead_aging order by lead_id")
    assert [row["lead_id"] for row in aging] == sorted(row["lead_id"] for row in LEAD_AGING)
    raw = query(module_radar_env.warehouse, f"select count(*) as n from raw.salesforce_leads where Id = '{NEW_LEAD}'")
    assert raw == [{"n": 1}], "nothing lost: the quarantined rows stay in raw"


def test_the_quarantine_survives_a_fresh_dagster_home(module_radar_env, runs):
    assert runs.fresh_home.success
    assert _bad(query(module_radar_env.warehouse, "select * from raw._files"))["status"] == "quarantined"
    leads = query(module_radar_env.warehouse, "select lead_id from marts.lead_aging")
    assert NEW_LEAD not in {row["lead_id"] for row in leads}


def test_a_corrected_file_under_the_sensor_is_loaded_once(module_radar_env, runs, instance):
    """`radar reprocess` forgets the quarantined file and touches it; the user had corrected it in place. The
    sensor's next tick asks for one run, which loads the corrected content; a tick after that asks for none."""
    bad = _bad(runs.ledger_after)
    path = Path(bad["path"])
    repository = defs().get_repository_def()
    first = landing_sensor(dg.build_sensor_context(instance=instance, repository_def=repository))
    path.write_text(FIXED_LEADS)
    settled = path.stat().st_mtime - 3600
    os.utime(path, (settled, settled))

    env = {**os.environ, "RADAR_WAREHOUSE": str(module_radar_env.warehouse)}
    done = subprocess.run([RADAR, "reprocess", str(bad["file_id"])], env=env, capture_output=True, text=True)
    os.utime(path, (settled + 1, settled + 1))  # reprocess touched it now: put it back out of the settle window
    tick = landing_sensor(dg.build_sensor_context(instance=instance, cursor=first.cursor, repository_def=repository))
    (request,) = tick.run_requests
    job = defs().resolve_job_def("radar_job")
    result = job.execute_in_process(instance=instance, asset_selection=request.asset_selection, tags=request.tags)
    idle = landing_sensor(dg.build_sensor_context(instance=instance, cursor=tick.cursor, repository_def=repository))

    assert done.returncode == 0 and "loads it again" in done.stdout
    assert result.success
    ledger = query(module_radar_env.warehouse, f"select * from raw._files where path = '{path}'")
    assert [(row["status"], row["rows_loaded"]) for row in ledger] == [("loaded", 1)]
    leads = query(module_radar_env.warehouse, f"select owner_id from marts.lead_aging where lead_id = '{NEW_LEAD}'")
    assert leads == [{"owner_id": "005A00000000001AAA"}]
    assert idle.run_requests == []
