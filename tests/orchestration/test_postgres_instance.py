"""Dagster on PostgreSQL (orchestration/dagster_postgres.yaml): the deployed path and the warehouse pool.

A PostgreSQL cluster of its own (tests/orchestration/postgres_cluster.py) holds the instance's runs, event logs
and schedule state. The daemon's landing sensor runs a landed batch, recorded in PostgreSQL; then two `radar
run` processes on that instance and one warehouse take the warehouse pool (limit 1) in turn: the second waits
for the first, and no step of the pool runs in both at once."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import psycopg2
import pytest

from orchestration.lib.warehouse import pool_for
from orchestration.settings import INSTANCE_TEMPLATE
from tests.benchmarks.landing_to_alert import deployment
from tests.conftest import HANDMADE_AS_OF, HANDMADE_LANDING, query
from tests.orchestration.postgres_cluster import binaries, postgres_cluster

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(binaries() is None, reason="PostgreSQL's initdb and pg_ctl are not installed "
                       "(Debian: apt-get install postgresql)"),
]

POSTGRES_INSTANCE = INSTANCE_TEMPLATE.with_name("dagster_postgres.yaml")
RADAR = str(Path(sys.executable).parent / "radar")
POOL_STEP_ENDS = (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE)


@pytest.fixture(scope="module")
def pg_env():
    """The cluster's DAGSTER_PG_* variables, set here too: this process reads the instance as well."""
    with postgres_cluster() as env, pytest.MonkeyPatch.context() as monkeypatch:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield env


def _pg_rows(env: dict[str, str], sql: str) -> list[tuple]:
    con = psycopg2.connect(host=env["DAGSTER_PG_HOST"], port=env["DAGSTER_PG_PORT"], dbname=env["DAGSTER_PG_DB"],
                           user=env["DAGSTER_PG_USERNAME"], password=env["DAGSTER_PG_PASSWORD"])
    try:
        with con.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        con.close()


def _handmade_files(out: Path) -> dict[str, Path]:
    shutil.copytree(HANDMADE_LANDING, out)
    return {str(p.relative_to(out)): p for p in sorted(out.rglob("*")) if p.is_file()}


def test_the_instance_file_is_the_template_with_postgres_storage():
    import yaml

    postgres, template = (yaml.safe_load(p.read_text()) for p in (POSTGRES_INSTANCE, INSTANCE_TEMPLATE))
    storage = postgres.pop("storage")
    assert postgres == template
    settings = storage["postgres"]["postgres_db"]
    assert settings.pop("scheme") == "postgresql+psycopg2"
    assert all(set(value) == {"env"} for value in settings.values()), "every connection setting from the environment"


def test_the_daemon_runs_a_landed_batch_recorded_in_postgres(tmp_path, pg_env):
    files = _handmade_files(tmp_path / "incoming")
    with deployment(tmp_path, POSTGRES_INSTANCE, {**pg_env, "RADAR_AS_OF": HANDMADE_AS_OF}) as deployed:
        deployed.deliver(files)
        (run,) = deployed.wait_for_runs(1, 300)
        assert type(deployed.instance.run_storage).__name__ == "PostgresRunStorage"

    assert (run.job_name, run.status) == ("radar_job", dg.DagsterRunStatus.SUCCESS)
    assert _pg_rows(pg_env, f"select status from runs where run_id = '{run.run_id}'") == [("SUCCESS",)]
    (events,) = _pg_rows(pg_env, f"select count(*) from event_logs where run_id = '{run.run_id}'")
    assert events[0] > 100
    assert query(deployed.warehouse, "select count(*) as n from marts.lead_aging") == [{"n": 9}]


def _pool_intervals(instance: dg.DagsterInstance, run_id: str, pool_steps: set[str]) -> list[tuple[float, float]]:
    starts, intervals = {}, []
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or event.step_key not in pool_steps:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            starts[event.step_key] = entry.timestamp
        elif event.event_type in POOL_STEP_ENDS:
            intervals.append((starts.pop(event.step_key), entry.timestamp))
    return intervals


def test_two_processes_take_the_warehouse_pool_in_turn_through_postgres(tmp_path, pg_env):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(POSTGRES_INSTANCE, home / "dagster.yaml")
    shutil.copytree(HANDMADE_LANDING, tmp_path / "landing")
    warehouse = tmp_path / "warehouse.duckdb"
    env = {**os.environ, **pg_env, "DAGSTER_HOME": str(home), "RADAR_LANDING_DIR": str(tmp_path / "landing"),
           "RADAR_WAREHOUSE": str(warehouse), "RADAR_AS_OF": HANDMADE_AS_OF}
    with dg.DagsterInstance.from_config(str(home)) as instance:
        before = {r.run_id for r in instance.get_runs()}  # the daemon test's run shares the database
    runs = [subprocess.Popen([RADAR, "run"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=600)[0] for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    with dg.DagsterInstance.from_config(str(home)) as instance:
        pool = pool_for(warehouse)
        assert instance.event_log_storage.get_concurrency_info(pool).slot_count == 1
        records = [r for r in instance.get_run_records(filters=dg.RunsFilter(job_name="radar_job"), ascending=True)
                   if r.dagster_run.run_id not in before]
        assert [r.dagster_run.status for r in records] == [dg.DagsterRunStatus.SUCCESS] * 2
        job = instance.get_job_snapshot(records[0].dagster_run.job_snapshot_id)
        pool_steps = {node.node_name for node in job.dep_structure_snapshot.node_invocation_snaps
                      if getattr(job.get_node_def_snap(node.node_def_name), "pool", None) == pool}
        first, second = (_pool_intervals(instance, r.dagster_run.run_id, pool_steps) for r in records)
    assert pool_steps and first and second
    # The two processes contended: their runs were live at the same time, or the later one waited for the other.
    waited = f"waiting for the warehouse: held by run(s) {records[0].dagster_run.run_id}"
    assert records[1].start_time < records[0].end_time or any(waited in output for output in outputs), outputs
    # ... and no step of the pool ran in both at once.
    assert all(a_end <= b_start or b_end <= a_start for a_start, a_end in first for b_start, b_end in second)
