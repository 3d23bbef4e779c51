"""Runs that died holding the warehouse pool: found by their liveness lock (see lib/warehouse.py), marked
failed and their slots freed, so that a killed run never blocks the runs after it."""

import fcntl
import time
from pathlib import Path

import dagster as dg
from dagster._core.storage.dagster_run import FINISHED_STATUSES

LIVENESS_FOLDER = "radar-runs"


def lock_path(instance: dg.DagsterInstance, run_id: str) -> Path:
    return Path(instance.root_directory) / LIVENESS_FOLDER / f"{run_id}.lock"


def _is_dead(instance: dg.DagsterInstance, run_id: str) -> bool:
    """A run whose lock file exists and that no process holds. A run without the file has not started its
    warehouse steps (or is not ours): it is left alone."""
    path = lock_path(instance, run_id)
    try:
        with open(path) as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (FileNotFoundError, BlockingIOError):
        return False
    return True


def is_running(instance: dg.DagsterInstance, run_id: str) -> bool:
    """A run that has not ended and whose process has not died."""
    run = instance.get_run_by_id(run_id)
    return run is not None and run.status not in FINISHED_STATUSES and not _is_dead(instance, run_id)


def release_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Free the pool slots of runs that ended, or whose process is gone (marking those failed); say what was
    done, one line per run."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    said = []
    for run_id in sorted(storage.get_concurrency_run_ids()):
        run = instance.get_run_by_id(run_id)
        if run is not None and run.status not in FINISHED_STATUSES:
            if not _is_dead(instance, run_id):
                continue
            instance.report_run_failed(
                run, message="the run's process is gone (killed?) while it held or awaited the warehouse"
            )
            said.append(f"run {run_id} of {run.job_name} died while it held the warehouse: marked failed")
        storage.free_concurrency_slots_for_run(run_id)
        lock_path(instance, run_id).unlink(missing_ok=True)
        said.append(f"freed the warehouse slots of run {run_id}")
    return said


def wait_for_writer(
    instance: dg.DagsterInstance, pool: str, say, every_seconds: float = 5.0, run_id: str | None = None
) -> None:
    """Wait, saying so every few seconds, while live runs other than `run_id` hold the pool (those that died are
    released first). Interruptible: a plain sleep, so SIGINT and SIGTERM stop the waiting process at once."""
    for line in release_dead_runs(instance):
        say(line)
    while holders := instance.event_log_storage.get_concurrency_info(pool).active_run_ids - {run_id}:
        say(f"waiting for the warehouse: held by run(s) {', '.join(sorted(holders))}")
        time.sleep(every_seconds)
        for line in release_dead_runs(instance):
            say(line)
