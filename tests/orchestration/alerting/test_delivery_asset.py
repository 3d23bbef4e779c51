"""The Dagster step that sends the queued notifications: outside the writer's pool while a channel answers, and
a channel with a broken URL an error in the run's log that never shows the URL."""

import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from expectations.measures import load_measures
from orchestration.alerting.channels import configured_channels
from orchestration.alerting.evaluate import AlertSettings, evaluate
from orchestration.defs.alerts.delivery import alert_deliveries
from orchestration.lib.alert_channels import AlertChannels
from orchestration.lib.warehouse import WAREHOUSE_POOL, Warehouse
from tests.orchestration.alerting.receiver import receiver
from tests.orchestration.alerting.steps import INCIDENT, rows
from tests.orchestration.alerting.test_delivery import OTHER_WRITER, SECRET
from tests.orchestration.alerting.world import Story, build

pytestmark = pytest.mark.slow
ONE_WRITER = {"concurrency": {"pools": {"granularity": "op", "default_limit": 1}}}


def _queued_incident(tmp_path: Path) -> Path:
    """A warehouse whose evaluations queued three notifications for the webhook: the firing of the incident (the
    company, team East and U1 out of range together: one cause), its resolve, and the next incident's firing."""
    story = Story(covered=lambda rep, i: 2 if rep == "U1" and i in (INCIDENT[0], INCIDENT[0] + 2) else 15 + (i % 2))
    warehouse = build(tmp_path / "w.duckdb", story)
    with duckdb.connect(str(warehouse)) as con:
        for i in range(INCIDENT[0], INCIDENT[0] + 3):
            as_of = story.as_of_after(i)
            evaluate(con, load_measures(), as_of, configured_channels(usable_only=False), as_of, AlertSettings())
    return warehouse


def _deliver(instance: dg.DagsterInstance, warehouse: Path) -> dg.ExecuteInProcessResult:
    resources = {"warehouse": Warehouse(path=str(warehouse)), "alert_channels": AlertChannels()}
    return dg.materialize([alert_deliveries], resources=resources, instance=instance)


def test_the_step_holds_neither_the_writers_slot_nor_the_warehouse_while_a_channel_answers(tmp_path, monkeypatch):
    with receiver() as hook, dg.instance_for_test(overrides=ONE_WRITER) as instance:
        monkeypatch.setenv("RADAR_ALERT_WEBHOOK_URL", hook.url)
        warehouse = _queued_incident(tmp_path)
        in_flight = []
        hook.answer_late(2, 2, 2)
        hook.on_request = lambda body: in_flight.append((
            instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL).active_slot_count,
            subprocess.run([sys.executable, "-c", OTHER_WRITER, str(warehouse)], capture_output=True, text=True,
                           timeout=120).returncode,
        ))
        result = _deliver(instance, warehouse)
        assert result.success
        assert instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL).slot_count == 1  # the pool is real
    assert in_flight == [(0, 0), (0, 0), (0, 0)]
    assert rows(warehouse, "select distinct status from monitoring.alert_deliveries") == [("delivered",)]
    assert len(hook.accepted) == 3


def test_a_broken_url_is_an_error_in_the_runs_log_and_its_queued_deliveries_wait(tmp_path, monkeypatch):
    monkeypatch.setenv("RADAR_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/down")
    warehouse = _queued_incident(tmp_path)  # queued while the URL was fine
    monkeypatch.setenv("RADAR_ALERT_WEBHOOK_URL", f"hooks.example.com/services/T0?token={SECRET}")
    with dg.instance_for_test() as instance:
        results = [_deliver(instance, warehouse) for _ in range(2)]  # the later run is not failed by the queue
        logged = [str(entry) for result in results for entry in instance.all_logs(result.run_id)]
    assert all(result.success for result in results)
    assert any("alert channel webhook is off: RADAR_ALERT_WEBHOOK_URL is not a usable URL" in text for text in logged)
    assert not any(SECRET in text or "hooks.example.com" in text for text in logged)
    waiting = rows(warehouse, "select status, attempts, last_error from monitoring.alert_deliveries")
    assert {(status, attempts) for status, attempts, _ in waiting} == {("pending", 0)}
    assert all(error.startswith("alert channel webhook is off") for _, _, error in waiting)
