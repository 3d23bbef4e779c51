"""One writer at a time: runs contending for the DuckDB file wait for each other instead of failing."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration.definitions import defs
from tests.conftest import HANDMADE_AS_OF, HANDMADE_LANDING, query

pytestmark = pytest.mark.slow

RADAR = str(Path(sys.executable).parent / "radar")
HOLD_LOCK = "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(6)"


def test_two_runs_started_together_both_succeed(tmp_path: Path):
    shutil.copytree(HANDMADE_LANDING, tmp_path / "landing")
    env = {
        **os.environ, "DAGSTER_HOME": str(tmp_path / "home"), "RADAR_LANDING_DIR": str(tmp_path / "landing"),
        "RADAR_WAREHOUSE": str(tmp_path / "warehouse.duckdb"), "RADAR_AS_OF": HANDMADE_AS_OF,
    }
    runs = [subprocess.Popen([RADAR, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)]
    time.sleep(2)
    runs.append(subprocess.Popen([RADAR, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))

    outputs = [run.communicate(timeout=600)[0] for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs[1][-3000:]
    assert query(tmp_path / "warehouse.duckdb", "select count(*) as n from marts.lead_aging") == [{"n": 9}]
    assert query(tmp_path / "warehouse.duckdb", "select count(*) as n from raw._files") == [{"n": 11}]


def test_a_lock_held_outside_dagster_makes_the_step_wait_and_retry(radar_env, instance):
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(radar_env.warehouse)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout.readline().strip() == "locked"
    try:
        job = defs().resolve_job_def("radar_job")
        raw = [key for key in job.asset_layer.asset_graph.get_all_asset_keys() if key.path[0] == "raw"]
        result = job.execute_in_process(instance=instance, asset_selection=raw)
    finally:
        holder.wait(timeout=30)

    assert result.success
    retried = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    assert retried, "the step should have met the lock and been retried"
    assert query(radar_env.warehouse, "select count(*) as n from raw._files") == [{"n": 11}]
