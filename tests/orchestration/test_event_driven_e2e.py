"""Data arrives, the marts follow, one run per batch: the landing sensor's request carries ingest, dbt build
and tests, the marts' checks, the measures and the publish; a later batch loads only its sources."""

import os
import shutil
import time
from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest

from orchestration import settings
from orchestration.definitions import defs
from orchestration.defs.ingest.sensors import landing_sensor
from orchestration.defs.schedules import daily_marts_schedule
from tests.conftest import HANDMADE_LANDING, query

pytestmark = pytest.mark.slow

# Held back from the first batch: a whole source (no mailbox export yet) and a late SendGrid file.
LATE_FILES = ["sendgrid/events_2024-03-06.jsonl", "mailbox/ana.mbox", "mailbox/ben.mbox", "mailbox/cara.mbox",
              "mailbox/mia.mbox"]  # fmt: skip
SETTLED = time.time() - 3600
BEFORE_MIDNIGHT = datetime(2024, 3, 15, 23, 59, 58)  # after the last hand-made record


def _deliver(landing, files):
    for relative in files:
        target = landing / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(HANDMADE_LANDING / relative, target)
        os.utime(target, (SETTLED, SETTLED))


def _batch(definitions, instance, cursor):
    """One sensor tick and the run it asks for, as the daemon would launch it."""
    tick = landing_sensor(
        dg.build_sensor_context(instance=instance, cursor=cursor, repository_def=definitions.get_repository_def())
    )
    (request,) = tick.run_requests
    job = definitions.resolve_job_def("radar_job")
    result = job.execute_in_process(instance=instance, asset_selection=request.asset_selection, tags=request.tags)
    return tick, result


def _materialized(result):
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def _checked(result):
    return {(e.asset_key.to_user_string(), e.check_name) for e in result.get_asset_check_evaluations()}


FRESHNESS_CHECKED = {"raw/salesforce_leads", "raw/salesforce_tasks", "raw/salesforce_lead_history",
                     "raw/mailbox_messages", "raw/sendgrid_events"}  # fmt: skip


def _freshness(result):
    """The raw tables whose dbt source freshness the run checked."""
    return {key for key, name in _checked(result) if name == "dbt_source_freshness"}


class _Clock:
    """A clock that moves on an hour each time it is read: a run that straddles midnight, and then some."""

    def __init__(self, start: datetime):
        self.now = start - timedelta(hours=1)

    def __call__(self) -> datetime:
        self.now += timedelta(hours=1)
        return self.now


def test_each_batch_is_one_run_of_the_whole_path_at_one_as_of(tmp_path, monkeypatch, instance):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("RADAR_LANDING_DIR", str(landing))
    monkeypatch.setenv("RADAR_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("RADAR_SERVING_DB", str(tmp_path / "serving.duckdb"))
    monkeypatch.delenv("RADAR_AS_OF", raising=False)
    monkeypatch.setattr(settings, "utc_now", _Clock(BEFORE_MIDNIGHT))
    definitions = defs()
    everything = [str(p.relative_to(HANDMADE_LANDING)) for p in HANDMADE_LANDING.rglob("*") if p.is_file()]

    _deliver(landing, [f for f in everything if f not in LATE_FILES])
    first_tick, first = _batch(definitions, instance, None)

    assert first.success
    assert "raw/mailbox_messages" in _materialized(first), "a source without files yet still gets its raw tables"
    assert {"marts/lead_aging", "monitoring/alerts", "serving/published_marts"} <= _materialized(first)
    assert {("marts/lead_aging", "lead_aging_one_row_per_existing_lead"),
            ("marts/follow_up_coverage_daily", "coverage_counts_are_consistent"),
            ("marts/lead_aging", "unique_lead_aging_lead_id")} <= _checked(first), "the marts' checks ran"
    assert _freshness(first) == FRESHNESS_CHECKED
    # The as-of was fixed when the sensor asked for the run; every step read it, however late the clock ran.
    assert query(warehouse, "select as_of from marts.metric_parameters") == [{"as_of": BEFORE_MIDNIGHT}]
    assert query(warehouse, "select distinct as_of from monitoring.measure_history") == [{"as_of": BEFORE_MIDNIGHT}]
    assert query(tmp_path / "serving.duckdb", "select as_of from marts.metric_parameters") == [
        {"as_of": BEFORE_MIDNIGHT.replace(tzinfo=UTC)}  # published UTC-aware
    ]

    _deliver(landing, LATE_FILES)
    _, second = _batch(definitions, instance, first_tick.cursor)

    assert second.success
    raw = {k for k in _materialized(second) if k.startswith("raw/")}
    assert raw == {"raw/sendgrid_events", "raw/mailbox_messages", "raw/mailbox_recipients"}
    assert {"marts/lead_aging", "serving/published_marts"} <= _materialized(second)
    # Dagster adds the checks of the raw tables the run selects: the freshness of this batch's sources only.
    assert _freshness(second) == {"raw/sendgrid_events", "raw/mailbox_messages"}
    assert len(query(warehouse, "select * from raw._files")) == len(everything)
    staged = query(warehouse, "select count(*) as n from staging.stg_mailbox__messages")
    assert staged[0]["n"] > 0, "the late mailbox exports reached the models in the same run"


def test_the_daily_schedule_rebuilds_and_checks_the_marts_as_of_midnight(radar_env, instance):
    from ingest.landing import SOURCES
    from ingest.loader import connect, load_source

    con = connect(radar_env.warehouse)
    for source in SOURCES:
        load_source(con, radar_env.landing, source)
    con.close()
    scheduled = datetime(2024, 3, 13, 0, 15, tzinfo=UTC)
    request = daily_marts_schedule(dg.build_schedule_context(instance=instance, scheduled_execution_time=scheduled))
    job = defs().resolve_job_def("daily_marts_job")

    result = job.execute_in_process(instance=instance, tags=request.tags)

    assert result.success
    assert query(radar_env.warehouse, "select as_of from marts.metric_parameters") == [
        {"as_of": datetime(2024, 3, 13)}
    ]
    assert ("marts/lead_aging", "lead_aging_one_row_per_existing_lead") in _checked(result)
    assert "serving/published_marts" in _materialized(result)
    # No file starts the daily rebuild, so it asks whether the exports stopped: every source, as of midnight.
    assert _freshness(result) == FRESHNESS_CHECKED
    leads = next(e for e in result.get_asset_check_evaluations()
                 if e.check_name == "dbt_source_freshness" and e.asset_key.path[-1] == "salesforce_leads")
    assert (leads.passed, leads.metadata["judged_at"].value) == (True, "2024-03-13T00:00:00+00:00")
