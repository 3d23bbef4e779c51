"""A landed row the loader accepts but a raw error expectation rejects, through Dagster: the check fails
naming the expectation, and it blocks every build of the models, in that run and later ones, until the file's
rows leave raw."""

from dataclasses import dataclass

import dagster as dg
import pytest

from ingest.loader import connect, forget_file
from orchestration.definitions import defs
from orchestration.runner import run_pipeline

pytestmark = pytest.mark.slow

# A Lead export whose OwnerId holds the owner's name: every value is a string, so the loader keeps the row.
BAD_LEADS = (
    "Id,Status,OwnerId,CreatedDate,LastModifiedDate\n"
    "00Q000000000012AAA,Open - Not Contacted,Ana Diligent,2024-03-11T09:00:00.000Z,2024-03-11T09:00:00.000Z\n"
)
BAD_FILE = "Lead_2024-03-11_shifted.csv"
DOWNSTREAM = ("staging/", "intermediate/", "marts/", "serving/")


@dataclass(frozen=True)
class Runs:
    blocked: dg.ExecuteInProcessResult
    again: dg.ExecuteInProcessResult
    daily_while_blocked: dg.ExecuteInProcessResult
    after_forgetting: dg.ExecuteInProcessResult
    bad_file_id: int


def _forget(warehouse) -> int:
    """What `radar reprocess` does, once the file is gone from the landing folder: its rows leave raw."""
    con = connect(warehouse)
    try:
        file_id = con.execute(f"select file_id from raw._files where path like '%{BAD_FILE}'").fetchone()[0]
        forget_file(con, file_id)
        return file_id
    finally:
        con.close()


@pytest.fixture(scope="module")
def runs(module_radar_env, instance) -> Runs:
    bad = module_radar_env.landing / "salesforce" / BAD_FILE
    bad.write_text(BAD_LEADS)
    blocked, again = run_pipeline(instance), run_pipeline(instance)
    daily = defs().resolve_job_def("daily_marts_job").execute_in_process(instance=instance, raise_on_error=False)
    bad.unlink()
    bad_file_id = _forget(module_radar_env.warehouse)
    return Runs(blocked, again, daily, run_pipeline(instance), bad_file_id)


def _gx_leads(result: dg.ExecuteInProcessResult):
    return next(
        e for e in result.get_asset_check_evaluations()
        if e.asset_key.to_user_string() == "raw/salesforce_leads" and e.check_name == "gx_expectations"
    )


def _downstream_materialized(result: dg.ExecuteInProcessResult) -> set[str]:
    keys = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    return {k for k in keys if k.startswith(DOWNSTREAM)}


def test_the_check_fails_with_error_naming_the_expectation_and_the_value(runs):
    evaluation = _gx_leads(runs.blocked)
    assert (evaluation.passed, evaluation.severity, evaluation.blocking) == (False, dg.AssetCheckSeverity.ERROR, True)
    table = evaluation.metadata["failed_expectations"].value
    assert "| expect_column_values_to_match_regex | OwnerId | ERROR | 1 | `Ana Diligent` |" in table
    # Every Lead file the failing validation read stays blocked: the two hand-made ones and the bad one.
    assert evaluation.metadata["blocked_file_ids"].value == evaluation.metadata["file_ids"].value
    assert runs.bad_file_id in evaluation.metadata["file_ids"].value
    assert len(evaluation.metadata["file_ids"].value) == 3


def test_the_ingest_step_fails_and_nothing_downstream_builds(runs):
    assert not runs.blocked.success
    assert runs.blocked.get_failed_step_keys() == {"salesforce_files"}
    assert "blocking asset check failed" in str(runs.blocked.get_step_failure_events()[0].step_failure_data.error)
    assert runs.blocked.is_node_untouched("follow_up_radar_dbt")
    assert _downstream_materialized(runs.blocked) == set()


def test_the_raw_rows_stay_loaded_and_the_other_sources_complete(runs):
    materialized = {e.asset_key.to_user_string() for e in runs.blocked.get_asset_materialization_events()}
    assert {"raw/salesforce_leads", "raw/mailbox_messages", "raw/sendgrid_events"} <= materialized
    assert runs.blocked.is_node_success("mailbox_files") and runs.blocked.is_node_success("sendgrid_files")


def test_a_run_with_nothing_new_is_blocked_by_the_same_file(runs):
    evaluation = _gx_leads(runs.again)
    assert not evaluation.passed and runs.bad_file_id in evaluation.metadata["file_ids"].value
    assert not runs.again.success and _downstream_materialized(runs.again) == set()


def test_a_rebuild_without_ingest_refuses_to_build_while_files_are_blocked(runs):
    """What the daily schedule and automation launch: the dbt step fails before dbt starts."""
    assert not runs.daily_while_blocked.success
    assert runs.daily_while_blocked.get_failed_step_keys() == {"follow_up_radar_dbt"}
    failure = runs.daily_while_blocked.get_step_failure_events()[0].step_failure_data
    assert "raw/salesforce_leads: file_id" in failure.user_failure_data.description
    assert runs.bad_file_id in failure.user_failure_data.metadata["blocked_file_ids"].value["raw/salesforce_leads"]
    assert _downstream_materialized(runs.daily_while_blocked) == set()


def test_once_the_rows_left_raw_the_check_passes_and_the_marts_build(runs):
    evaluation = _gx_leads(runs.after_forgetting)
    assert evaluation.passed and evaluation.metadata["blocked_file_ids"].value == []
    # The blocked files were read again: the hand-made Lead files' 17 rows, the bad file's row gone.
    assert evaluation.metadata["rows_validated"].value == 17
    assert runs.after_forgetting.success
    assert {"marts/lead_aging", "serving/published_marts"} <= _downstream_materialized(runs.after_forgetting)
