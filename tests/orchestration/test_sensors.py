"""The landing sensor, ticked with Dagster's sensor test utilities on a real landing folder."""

import json
import os
import shutil
import time
from datetime import datetime
from pathlib import Path

import dagster as dg
import pytest

from ingest.schema import RAW_SCHEMA, RAW_TABLES
from orchestration import settings
from orchestration.definitions import defs
from orchestration.defs.ingest.sensors import landing_sensor
from tests.conftest import HANDMADE_LANDING

SETTLED = time.time() - 3600


@pytest.fixture
def landing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RADAR_LANDING_DIR", str(tmp_path))
    return tmp_path


def _deliver(landing: Path, relative: str, as_name: str | None = None, settled: bool = True) -> Path:
    target = landing / (as_name or relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(HANDMADE_LANDING / relative, target)
    if settled:
        os.utime(target, (SETTLED, SETTLED))
    return target


@pytest.fixture
def loaded_before():
    """An instance where every raw table was materialized before (the usual state after the first run)."""
    with dg.instance_for_test() as instance:
        for table in RAW_TABLES:
            instance.report_runless_asset_event(dg.AssetMaterialization([RAW_SCHEMA, table.name]))
        yield instance


REPOSITORY = defs().get_repository_def()


def _tick(instance: dg.DagsterInstance, cursor: str | None = None) -> dg.SensorResult:
    return landing_sensor(dg.build_sensor_context(cursor=cursor, instance=instance, repository_def=REPOSITORY))


def _keys(result: dg.SensorResult) -> set[str]:
    """The raw tables a tick's run loads (the run also carries everything below them)."""
    return {key.to_user_string() for request in result.run_requests for key in request.asset_selection
            if key.path[0] == RAW_SCHEMA}


def test_a_new_file_gives_one_run_of_the_whole_path_for_its_source(landing, loaded_before, monkeypatch):
    monkeypatch.setattr(settings, "utc_now", lambda: datetime(2024, 3, 14, 23, 59, 58))
    _deliver(landing, "sendgrid/events_2024-03-05.json")

    result = _tick(loaded_before)

    assert len(result.run_requests) == 1
    request = result.run_requests[0]
    assert _keys(result) == {"raw/sendgrid_events"}
    selected = {key.to_user_string() for key in request.asset_selection}
    assert {"marts/lead_aging", "monitoring/alerts", "serving/published_marts"} <= selected
    assert request.run_key and request.job_name in (None, "radar_job")
    assert request.tags["radar/as_of"] == "2024-03-14 23:59:58", "the run's as-of is fixed when it is requested"


def test_the_first_run_also_materializes_the_sources_that_sent_nothing(landing, instance):
    _deliver(landing, "sendgrid/events_2024-03-05.json")

    result = _tick(instance)

    assert len(result.run_requests) == 1
    assert _keys(result) == {f"raw/{t.name}" for t in RAW_TABLES}


def test_the_same_file_again_gives_nothing(landing, loaded_before):
    _deliver(landing, "sendgrid/events_2024-03-05.json")
    first = _tick(loaded_before)

    again = _tick(loaded_before, first.cursor)
    _deliver(landing, "sendgrid/events_2024-03-05.json", as_name="sendgrid/resent/copy.json")
    copy = _tick(loaded_before, again.cursor)

    assert again.run_requests == [] and "0 new, 1 unchanged" in again.skip_reason.skip_message
    assert copy.run_requests == [] and "0 new, 2 unchanged" in copy.skip_reason.skip_message


def test_a_file_touched_again_gives_a_new_run_for_the_ledger_to_judge(landing, loaded_before):
    """What `radar reprocess` does to a file still in the landing folder: the run loads it again only if the
    ledger forgot it; the sensor cannot know, so it asks."""
    path = _deliver(landing, "sendgrid/events_2024-03-05.json")
    first = _tick(loaded_before)
    os.utime(path, (SETTLED + 60, SETTLED + 60))

    touched = _tick(loaded_before, first.cursor)

    assert _keys(touched) == {"raw/sendgrid_events"}
    assert touched.run_requests[0].run_key != first.run_requests[0].run_key


def test_the_cursor_holds_only_the_files_there_now_by_relative_path(landing, loaded_before):
    kept = _deliver(landing, "sendgrid/events_2024-03-05.json")
    gone = _deliver(landing, "salesforce/User.csv")
    first = _tick(loaded_before)
    gone.unlink()

    later = _tick(loaded_before, first.cursor)

    assert set(json.loads(first.cursor)["fingerprints"]) == {"sendgrid/events_2024-03-05.json", "salesforce/User.csv"}
    assert set(json.loads(later.cursor)) == {"fingerprints"}
    assert set(json.loads(later.cursor)["fingerprints"]) == {str(kept.relative_to(landing))}


def test_a_file_still_being_written_waits_until_it_is_complete(landing, loaded_before):
    partial = _deliver(landing, "salesforce/User.csv", settled=False)
    in_flight = _deliver(landing, "salesforce/Task_2024-03-14.csv", as_name="salesforce/Task.csv.part")
    hidden = _deliver(landing, "salesforce/Lead_2024-03-06.csv", as_name="salesforce/.upload/Lead.csv")

    waiting = _tick(loaded_before)
    os.utime(partial, (SETTLED, SETTLED))
    in_flight.rename(landing / "salesforce" / "Task.csv")
    ready = _tick(loaded_before, waiting.cursor)

    assert waiting.run_requests == [] and "1 still settling" in waiting.skip_reason.skip_message
    assert _keys(ready) == {"raw/salesforce_users", "raw/salesforce_tasks", "raw/salesforce_leads",
                            "raw/salesforce_lead_history"}
    assert hidden.exists()
    assert json.loads(ready.cursor)["fingerprints"].keys() == {"salesforce/User.csv", "salesforce/Task.csv"}


def test_files_arriving_together_are_batched_into_one_run(landing, loaded_before):
    for path in HANDMADE_LANDING.rglob("*"):
        if path.is_file():
            _deliver(landing, str(path.relative_to(HANDMADE_LANDING)))

    result = _tick(loaded_before)

    assert len(result.run_requests) == 1
    assert result.run_requests[0].tags["radar/new_files"] == "11"
    assert {k.split("/")[1].split("_")[0] for k in _keys(result)} == {"salesforce", "mailbox", "sendgrid"}


def test_the_run_key_depends_on_content_not_on_names(tmp_path, monkeypatch, loaded_before):
    keys = []
    for name in ("a", "b"):
        monkeypatch.setenv("RADAR_LANDING_DIR", str(tmp_path / name))
        _deliver(tmp_path / name, "mailbox/ana.mbox", as_name=f"mailbox/{name}.mbox")
        keys.append(_tick(loaded_before).run_requests[0].run_key)
    assert keys[0] == keys[1]
