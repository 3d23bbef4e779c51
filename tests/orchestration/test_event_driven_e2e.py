"""Data arrives, the marts follow: landing sensor -> ingest run -> declarative automation -> dbt, twice."""

import os
import shutil
import time
from datetime import UTC, datetime

import dagster as dg
import pytest

from ingest.landing import SOURCES
from ingest.loader import connect, load_source
from orchestration.definitions import defs
from orchestration.defs.ingest.sensors import landing_sensor
from orchestration.defs.schedules import daily_marts_schedule
from tests.conftest import HANDMADE_AS_OF, HANDMADE_LANDING, query

pytestmark = pytest.mark.slow

LATE_FILE = "sendgrid/events_2024-03-06.jsonl"
SETTLED = time.time() - 3600


def _deliver(landing, files):
    for relative in files:
        target = landing / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(HANDMADE_LANDING / relative, target)
        os.utime(target, (SETTLED, SETTLED))


def _ingest(definitions, instance, cursor):
    tick = landing_sensor(dg.build_sensor_context(instance=instance, cursor=cursor))
    for request in tick.run_requests:
        job = definitions.resolve_job_def("ingest_job")
        assert job.execute_in_process(instance=instance, asset_selection=request.asset_selection).success
    return tick


def _automate(definitions, instance, cursor):
    evaluation = dg.evaluate_automation_conditions(defs=definitions, instance=instance, cursor=cursor)
    requested = {r.key for r in evaluation.results if r.true_subset.size}
    if requested:
        job = definitions.resolve_job_def("daily_marts_job")
        assert job.execute_in_process(instance=instance, asset_selection=list(requested)).success
    return evaluation, {key.to_user_string() for key in requested}


def test_files_flow_into_the_marts_and_a_later_file_rebuilds_only_what_it_affects(tmp_path, monkeypatch, instance):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("RADAR_LANDING_DIR", str(landing))
    monkeypatch.setenv("RADAR_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("RADAR_AS_OF", HANDMADE_AS_OF)
    definitions = defs()
    first_files = [str(p.relative_to(HANDMADE_LANDING)) for p in HANDMADE_LANDING.rglob("*") if p.is_file()]
    first_files.remove(LATE_FILE)

    before_any_file, seeds_only = _automate(definitions, instance, None)
    assert seeds_only == {"staging/lead_status_mapping", "staging/call_disposition_mapping"}

    _deliver(landing, first_files)
    first_tick = _ingest(definitions, instance, None)
    first_auto, first_built = _automate(definitions, instance, before_any_file.cursor)

    assert len(first_tick.run_requests) == 1
    assert {"marts/lead_aging", "marts/follow_up_coverage_daily", "staging/stg_salesforce__leads"} <= first_built
    assert len(query(warehouse, "select * from marts.lead_aging")) == 9
    events_before = query(warehouse, "select count(*) as n from raw.sendgrid_events")[0]["n"]
    settled_auto, rebuilt = _automate(definitions, instance, first_auto.cursor)
    assert rebuilt == set(), "nothing changed upstream, so nothing rebuilds"

    _deliver(landing, [LATE_FILE])
    second_tick = _ingest(definitions, instance, first_tick.cursor)
    _, second_built = _automate(definitions, instance, settled_auto.cursor)

    assert [k.to_user_string() for k in second_tick.run_requests[0].asset_selection] == ["raw/sendgrid_events"]
    assert "staging/stg_sendgrid__events" in second_built and "marts/lead_aging" in second_built
    assert not any(key.startswith("staging/stg_salesforce") for key in second_built), second_built
    assert query(warehouse, "select count(*) as n from raw.sendgrid_events")[0]["n"] == events_before + 3
    assert len(query(warehouse, "select * from raw._files")) == len(first_files) + 1


def test_the_daily_schedule_rebuilds_the_marts_as_of_midnight(radar_env, instance):
    con = connect(radar_env.warehouse)
    for source in SOURCES:
        load_source(con, radar_env.landing, source)
    con.close()
    scheduled = datetime(2024, 3, 13, 0, 15, tzinfo=UTC)
    request = daily_marts_schedule(dg.build_schedule_context(scheduled_execution_time=scheduled))
    job = defs().resolve_job_def("daily_marts_job")

    assert job.execute_in_process(run_config=request.run_config, instance=instance).success
    assert query(radar_env.warehouse, "select as_of from marts.metric_parameters") == [
        {"as_of": datetime(2024, 3, 13)}
    ]
