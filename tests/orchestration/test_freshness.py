"""dbt's source freshness as Dagster checks on the raw tables, judged at the run's as-of time: the hand-made
exports are from March 2024, so by the wall clock every source would be long stale; at a fixed as-of the
verdicts are the same whenever the test runs. (The sensor's and the schedule's runs: test_event_driven_e2e.)"""

import contextlib
from pathlib import Path

import dagster as dg
import pytest

from orchestration.definitions import defs
from orchestration.defs.quality.freshness import FRESHNESS_CHECK, fresh_sources
from orchestration.lib.dbt_project import ensure_manifest
from orchestration.lib.radar_settings import AS_OF_TAG
from tests.conftest import HANDMADE_LANDING

pytestmark = pytest.mark.slow

SOURCE_TABLES = {"raw/salesforce_leads", "raw/salesforce_tasks", "raw/salesforce_lead_history",
                 "raw/mailbox_messages", "raw/sendgrid_events"}  # fmt: skip


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    """A warehouse holding every hand-made file (through the loader, as the ingest assets load them)."""
    from ingest.landing import SOURCES
    from ingest.loader import connect, load_source

    warehouse = tmp_path_factory.mktemp("freshness") / "warehouse.duckdb"
    con = connect(warehouse)
    for source in SOURCES:
        load_source(con, HANDMADE_LANDING, source)
    con.close()
    return warehouse


def _freshness(
    warehouse: Path, monkeypatch, as_of: str, tables=SOURCE_TABLES, instance: dg.DagsterInstance | None = None
) -> dict[str, dg.AssetCheckEvaluation]:
    """The freshness checks of the given raw tables, run alone in a run of the daily job as of `as_of`."""
    monkeypatch.setenv("RADAR_WAREHOUSE", str(warehouse))
    job = defs().resolve_job_def("daily_marts_job")
    keys = {dg.AssetCheckKey(dg.AssetKey.from_user_string(t), FRESHNESS_CHECK) for t in tables}
    with contextlib.ExitStack() as stack:
        instance = instance or stack.enter_context(dg.instance_for_test())
        result = job.get_subset(asset_selection=set(), asset_check_selection=keys).execute_in_process(
            instance=instance, tags={AS_OF_TAG: as_of}
        )
    assert result.success
    return {e.asset_key.to_user_string(): e for e in result.get_asset_check_evaluations()}


def _verdicts(evaluations: dict[str, dg.AssetCheckEvaluation]) -> dict[str, tuple]:
    return {key: (e.passed, e.severity.value, e.metadata["status"].value) for key, e in evaluations.items()}


def test_fresh_sources_pass_and_quiet_ones_warn_at_the_as_of(loaded, monkeypatch):
    checks = _freshness(loaded, monkeypatch, "2024-03-12 12:00:00")

    assert _verdicts(checks) == {
        "raw/salesforce_leads": (True, "WARN", "pass"),
        "raw/salesforce_tasks": (True, "WARN", "pass"),
        "raw/salesforce_lead_history": (False, "WARN", "warn"),  # last status change 2024-03-06 15:00
        "raw/mailbox_messages": (False, "WARN", "warn"),
        "raw/sendgrid_events": (False, "WARN", "warn"),
    }
    leads = checks["raw/salesforce_leads"].metadata
    # The export of 2024-03-14 holds later changes: records after the as-of do not count.
    assert leads["newest_record_at"].value == "2024-03-12T01:00:00+00:00"
    assert leads["judged_at"].value == "2024-03-12T12:00:00+00:00"
    assert leads["age_hours"].value == 11.0
    assert leads["rule"].value == "warn after 2 days, error after 7 days"


def test_a_source_quiet_past_error_after_fails_with_error(loaded, monkeypatch):
    checks = _freshness(loaded, monkeypatch, "2024-03-20 00:00:00")

    assert _verdicts(checks)["raw/mailbox_messages"] == (False, "ERROR", "error")  # 12.6 days
    assert _verdicts(checks)["raw/salesforce_leads"] == (False, "WARN", "warn")  # 5.6 days
    assert checks["raw/mailbox_messages"].metadata["age_hours"].value == 303.0


def test_a_run_selecting_some_source_tables_checks_only_those(loaded, monkeypatch):
    checks = _freshness(loaded, monkeypatch, "2024-03-12 12:00:00", {"raw/sendgrid_events"})

    assert set(checks) == {"raw/sendgrid_events"}


def test_a_run_with_nothing_new_repeats_the_verdicts_without_asking_dbt(loaded, monkeypatch):
    """The same as-of and the same ledger: the same records, so the last verdicts stand (and cost nothing)."""
    with dg.instance_for_test() as instance:
        first = _freshness(loaded, monkeypatch, "2024-03-12 12:00:00", instance=instance)
        again = _freshness(loaded, monkeypatch, "2024-03-12 12:00:00", instance=instance)
        later = _freshness(loaded, monkeypatch, "2024-03-20 00:00:00", instance=instance)

    assert _verdicts(again) == _verdicts(first)
    assert all(e.metadata["rechecked"].value is False for e in again.values())
    assert {e.metadata["ledger"].value for e in again.values()} == {"11 files, up to file_id 11"}
    assert not any("rechecked" in e.metadata for e in later.values())
    assert _verdicts(later)["raw/mailbox_messages"] == (False, "ERROR", "error")


def test_every_source_table_with_a_rule_gets_the_check():
    tables = {source.key.to_user_string() for source in fresh_sources(ensure_manifest())}
    assert tables == SOURCE_TABLES  # users and recipients carry no timestamp of their own
