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
from tests.orchestration.expected_marts import LEAD_AGING

pytestmark = pytest.mark.slow

# Held back from the first batch: a whole source (no mailbox export yet) and a late SendGrid file.
LATE_FILES = ["sendgrid/events_2024-03-06.jsonl", "mailbox/ana.mbox", "mailbox/ben.mbox", "mailbox/cara.mbox",
              "mailbox/mia.mbox"]  # fmt: skip
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


def test_files_flow_into_the_marts_and_later_files_rebuild_only_what_they_affect(tmp_path, monkeypatch, instance):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("RADAR_LANDING_DIR", str(landing))
    monkeypatch.setenv("RADAR_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("RADAR_AS_OF", HANDMADE_AS_OF)
    definitions = defs()
    everything = [str(p.relative_to(HANDMADE_LANDING)) for p in HANDMADE_LANDING.rglob("*") if p.is_file()]

    # Before any file: only the mapping seeds build; the tick after that builds nothing (nothing to read).
    cursor, seeds = _automate(definitions, instance, None)
    assert seeds == {"staging/lead_status_mapping", "staging/call_disposition_mapping"}
    cursor, idle = _automate(definitions, instance, cursor.cursor)
    assert idle == set()

    _deliver(landing, [f for f in everything if f not in LATE_FILES])
    first_tick = _ingest(definitions, instance, None)
    cursor, first_built = _automate(definitions, instance, cursor.cursor)
    cursor, settled = _automate(definitions, instance, cursor.cursor)

    raw_tables = {k.to_user_string() for k in first_tick.run_requests[0].asset_selection}
    assert "raw/mailbox_messages" in raw_tables, "a source without files yet still gets its (empty) raw tables"
    assert {"marts/lead_aging", "marts/follow_up_coverage_daily", "staging/stg_mailbox__messages"} <= first_built
    assert settled == set(), "nothing changed upstream, so nothing rebuilds"
    assert len(query(warehouse, "select * from marts.lead_aging")) == 9

    _deliver(landing, LATE_FILES)
    second_tick = _ingest(definitions, instance, first_tick.cursor)
    _, second_built = _automate(definitions, instance, cursor.cursor)

    assert {k.to_user_string() for k in second_tick.run_requests[0].asset_selection} == {
        "raw/sendgrid_events", "raw/mailbox_messages", "raw/mailbox_recipients"
    }
    assert {"staging/stg_sendgrid__events", "staging/stg_mailbox__messages", "marts/lead_aging"} <= second_built
    assert not any(key.startswith("staging/stg_salesforce") for key in second_built), second_built
    assert len(query(warehouse, "select * from raw._files")) == len(everything)
    aging = query(warehouse, "select * from marts.lead_aging order by lead_id")
    assert {r["lead_id"]: r for r in aging} == {r["lead_id"]: r for r in LEAD_AGING}


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
