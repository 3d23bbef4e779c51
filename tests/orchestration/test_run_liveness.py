"""A run queued behind another run on the warehouse says so every few seconds; a holder that died is failed and
its slot freed, so the queued run goes on at once."""

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import dagster as dg
import pytest

from orchestration import settings
from orchestration.definitions import defs
from orchestration.lib.run_liveness import lock_path, release_dead_runs
from orchestration.lib.warehouse import WAREHOUSE_POOL, pool_for
from orchestration.settings import INSTANCE_TEMPLATE

pytestmark = pytest.mark.slow

RADAR = str(Path(sys.executable).parent / "radar")
SENDGRID = [dg.AssetKey(["raw", "sendgrid_events"])]
ONE_WRITER = {"concurrency": {"pools": {"granularity": "op", "default_limit": 1}}}  # as orchestration/dagster.yaml


def _holder(instance: dg.DagsterInstance, alive: bool, pool: str = WAREHOUSE_POOL):
    """Another run, started, holding the warehouse's slot; alive while its liveness lock is held."""
    run = instance.add_run(dg.DagsterRun(job_name="radar_job", run_id="holder-run", status=dg.DagsterRunStatus.STARTED))
    instance.event_log_storage.initialize_concurrency_limit_to_default(pool)
    assert instance.event_log_storage.claim_concurrency_slot(pool, run.run_id, "salesforce_files").is_claimed
    path = lock_path(instance, run.run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = open(path, "a")  # noqa: SIM115 - held by the test as the live run's process would
    if alive:
        fcntl.flock(lock, fcntl.LOCK_SH)
    else:
        lock.close()
    return run, lock


def _messages(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    return [entry.user_message for entry in instance.all_logs(run_id)]


def test_a_run_behind_a_live_holder_says_it_waits_and_goes_on_when_the_slot_is_free(radar_env):
    with dg.instance_for_test(overrides=ONE_WRITER) as instance:
        holder, lock = _holder(instance, alive=True)
        release = threading.Timer(12, instance.event_log_storage.free_concurrency_slots_for_run, [holder.run_id])
        release.start()
        try:
            result = defs().resolve_job_def("radar_job").execute_in_process(instance=instance, asset_selection=SENDGRID)
        finally:
            release.join()
            lock.close()

        waiting = [m for m in _messages(instance, result.run_id) if "waiting for the warehouse" in m]
        assert result.success
        assert len(waiting) >= 2 and all("holder-run" in m for m in waiting), "said so every few seconds"
        assert instance.get_run_by_id(holder.run_id).status == dg.DagsterRunStatus.STARTED


def test_a_holder_that_died_is_failed_and_freed_and_the_run_does_not_wait(radar_env):
    with dg.instance_for_test(overrides=ONE_WRITER) as instance:
        holder, _ = _holder(instance, alive=False)

        result = defs().resolve_job_def("radar_job").execute_in_process(instance=instance, asset_selection=SENDGRID)

        messages = _messages(instance, result.run_id)
        assert result.success
        assert any("run holder-run of radar_job died while it held the warehouse" in m for m in messages)
        assert not any("waiting for the warehouse" in m for m in messages)
        assert instance.get_run_by_id(holder.run_id).status == dg.DagsterRunStatus.FAILURE
        assert release_dead_runs(instance) == [], "nothing left to release"


def test_radar_run_waiting_for_the_writer_stops_on_sigterm(radar_env, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(INSTANCE_TEMPLATE, home / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    with dg.DagsterInstance.from_config(str(home)) as instance:
        _, lock = _holder(instance, alive=True, pool=pool_for(settings.warehouse_path()))  # radar run's warehouse
        waiting = subprocess.Popen(
            [RADAR, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        try:
            said = next(line for line in waiting.stdout if "radar run:" in line)  # after dbt's parse output
            waiting.send_signal(signal.SIGTERM)
            code = waiting.wait(timeout=10)
        finally:
            waiting.kill()
            lock.close()

    assert "radar run: waiting for the warehouse: held by run(s) holder-run" in said
    assert code == -signal.SIGTERM
