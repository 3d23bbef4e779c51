"""With RADAR_LAKE_DIR set, the ingest steps keep the lake (ingest/lake.py) matching the raw layer they load."""

import duckdb

from ingest.schema import RAW_TABLES
from orchestration.definitions import defs
from tests.conftest import query


def test_the_ingest_steps_write_each_loaded_file_into_the_lake(radar_env, instance, monkeypatch, tmp_path):
    lake = tmp_path / "lake"
    monkeypatch.setenv("RADAR_LAKE_DIR", str(lake))
    job = defs().resolve_job_def("radar_job")
    raw = [key for key in job.asset_layer.asset_graph.get_all_asset_keys() if key.path[0] == "raw"]

    assert job.execute_in_process(instance=instance, asset_selection=raw).success

    for table in RAW_TABLES:
        counts = f"select _file_id, count(*) as n from raw.{table.name} group by 1 order by 1"
        in_raw = query(radar_env.warehouse, counts)
        in_lake = duckdb.sql(
            f"select _file_id, count(*) as n from read_parquet('{lake}/raw/{table.name}/*/*.parquet', "
            "hive_partitioning = true) group by 1 order by 1"
        ).fetchall()
        assert in_lake == [(r["_file_id"], r["n"]) for r in in_raw], table.name
    ledger = duckdb.sql(f"select file_id, status from read_parquet('{lake}/raw/_files/*.parquet') order by 1")
    assert ledger.fetchall() == [
        (r["file_id"], r["status"]) for r in query(radar_env.warehouse, "select * from raw._files order by file_id")
    ]
