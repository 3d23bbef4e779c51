"""The marts published for BI tools: readers never block a run, a failed or killed publish leaves the previous
files, and the published tables keep the dbt contracts, the descriptions and the marts' rows."""

import hashlib
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.alerting import store
from orchestration.definitions import defs
from orchestration.lib.dbt_project import ensure_manifest
from orchestration.runner import run_pipeline
from orchestration.serving import publish, serving_tables
from tests.conftest import query
from tests.orchestration.serving.old_duckdb import OLD_DUCKDB, old_duckdb_python, read_published

pytestmark = pytest.mark.slow

PUBLISHED = dg.AssetKey(["serving", "published_marts"])
MARTS = ("lead_aging", "follow_up_coverage_daily", "follow_up_coverage_rollup_daily", "lead_state_counts",
         "metric_parameters", "call_list", "shiny_object_curve", "attention_by_age_weekly")
MONITORING = ("measure_history", "alerts")
LATER_AS_OF = "2024-03-13 12:00:00"

# Holds the serving file open read-only until the stop file appears, reading all along; then reopens it.
READER = """
import json, os, sys, time
import duckdb

path, stop = sys.argv[1], sys.argv[2]
MARTS = ("lead_aging", "follow_up_coverage_daily", "follow_up_coverage_rollup_daily", "lead_state_counts",
         "metric_parameters", "call_list", "shiny_object_curve", "attention_by_age_weekly")

def version(con):
    as_of, last_day = con.execute(
        "select (select as_of from marts.metric_parameters), (select max(day) from marts.follow_up_coverage_daily)"
    ).fetchone()
    assert (as_of.date() - last_day).days == 1, (as_of, last_day)  # the marts of one build, not a mix
    return {m: con.execute(f"select count(*) from marts.{m}").fetchone()[0] for m in MARTS}

held = duckdb.connect(path, read_only=True)
first = version(held)
print(json.dumps(first), flush=True)
reads = 0
while not os.path.exists(stop):
    assert version(held) == first
    reads += 1
    time.sleep(0.05)
held.close()
with duckdb.connect(path, read_only=True) as reopened:
    print(json.dumps({"reads": reads, "reopened": version(reopened)}), flush=True)
"""

# A publish SIGKILLed after it wrote the first two marts into its temporary serving file.
KILLED_PUBLISH = """
import os, signal, sys
from pathlib import Path
from orchestration.serving import publish

warehouse, serving_db, serving_dir, manifest = map(Path, sys.argv[1:])
copy_table = publish._copy_table

def copy_then_die(con, doc):
    copy_table(con, doc)
    if doc.name == publish.MARTS[1]:
        os.kill(os.getpid(), signal.SIGKILL)

publish._copy_table = copy_then_die
publish.publish(warehouse, serving_db, serving_dir, publish.mart_docs(manifest))
"""


@pytest.fixture(scope="module")
def first_run(module_radar_env, instance):
    return run_pipeline(instance)


def _paths(folder: Path) -> tuple[Path, Path]:
    """The default serving file and Parquet folder: beside the warehouse."""
    return folder / "serving.duckdb", folder / "serving"


def _counts(db: Path) -> dict[str, int]:
    return {m: query(db, f"select count(*) as n from marts.{m}")[0]["n"] for m in MARTS}


def _digests(serving_db: Path, serving_dir: Path) -> dict[str, str]:
    """What a reader opening the published paths gets."""
    files = [serving_db, *sorted(serving_dir.glob("*.parquet")), serving_dir / publish.PUBLISHED_RECORD]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _versions(serving_dir: Path) -> list[str]:
    return sorted(p.name for p in (serving_dir / ".versions").iterdir())


def _serving_type(con: duckdb.DuckDBPyConnection, declared: str) -> str:
    """DuckDB's name for a type as dbt declares it (`integer` -> INTEGER, `text` -> VARCHAR), with the warehouse's
    naive UTC timestamps published UTC-aware."""
    canonical = con.execute(f"select typeof(cast(null as {declared}))").fetchone()[0]
    return "TIMESTAMP WITH TIME ZONE" if canonical == "TIMESTAMP" else canonical


def _contract_constraints(node: dict) -> list[tuple[str, list[str]]]:
    """The NOT NULL, primary and unique keys a dbt contract declares (per column and for the model)."""
    kinds = {"not_null": "NOT NULL", "primary_key": "PRIMARY KEY", "unique": "UNIQUE"}
    declared = [(c["type"], [name]) for name, column in node["columns"].items() for c in column.get("constraints", [])]
    declared += [(c["type"], c["columns"]) for c in node.get("constraints", [])]
    return sorted((kinds[kind], columns) for kind, columns in declared)


def _utc(row: dict) -> dict:
    """A warehouse row as published: its naive UTC times made UTC-aware."""
    return {k: v.replace(tzinfo=UTC) if isinstance(v, datetime) else v for k, v in row.items()}


def _previous_version(warehouse: Path, folder: Path) -> tuple[Path, Path, dict[str, str]]:
    serving_db, serving_dir = _paths(folder)
    publish.publish(warehouse, serving_db, serving_dir, publish.mart_docs(ensure_manifest()))
    return serving_db, serving_dir, _digests(serving_db, serving_dir)


def test_each_run_publishes_the_marts_with_row_counts_paths_and_a_preview(first_run, module_radar_env):
    assert first_run.success
    [event] = [e for e in first_run.get_asset_materialization_events() if e.asset_key == PUBLISHED]
    metadata = {k: v.value for k, v in event.event_specific_data.materialization.metadata.items()}
    serving_db, serving_dir = _paths(module_radar_env.warehouse.parent)

    assert {m: metadata[f"{m}_rows"] for m in MARTS} == {
        "lead_aging": 9, "follow_up_coverage_daily": 32, "follow_up_coverage_rollup_daily": 65,
        "lead_state_counts": 6, "metric_parameters": 1,
        "call_list": 5, "shiny_object_curve": 31, "attention_by_age_weekly": 36,
    }
    assert metadata["serving_db"] == str(serving_db)
    tables = (*publish.MARTS, *MONITORING)
    assert metadata["parquet_files"] == {m: str(serving_dir / f"{m}.parquet") for m in tables}
    assert "| 2024-03-12 12:00:00 UTC | 2024-03-11 | 60% (3/5 due leads covered) | 3 | 7 |" in metadata["preview"]
    visible = sorted(p.name for p in serving_dir.iterdir() if not p.name.startswith("."))
    assert visible == sorted([*(f"{m}.parquet" for m in tables), "_published.json", "current"])


def test_every_published_path_reads_through_the_one_pointer(first_run, module_radar_env):
    """Switching `current` switches every file at once: a reader sees one version of the whole set."""
    serving_db, serving_dir = _paths(module_radar_env.warehouse.parent)
    current = (serving_dir / "current").resolve()
    assert current.parent.name == ".versions" and current.name.startswith("build-")
    for path in [serving_db, *serving_dir.glob("*.parquet"), serving_dir / "_published.json"]:
        assert path.is_symlink() and path.resolve().parent == current, path
    assert json.loads((serving_dir / "_published.json").read_text()) == {"build_number": 1}


def test_the_measure_history_and_alerts_are_published_with_descriptions(first_run, module_radar_env):
    serving_db, _ = _paths(module_radar_env.warehouse.parent)
    with duckdb.connect(str(serving_db), read_only=True) as con:
        for table in MONITORING:
            comments = con.execute(
                "select column_name, comment from duckdb_columns() where schema_name = 'monitoring' "
                "and table_name = ?", [table]
            ).fetchall()
            assert comments and all(comment for _, comment in comments), table
        coverage = con.execute(
            "select state from monitoring.measure_history where measure = 'follow_up_coverage' "
            "and scope_type = 'company' and day = '2024-03-11'"
        ).fetchall()
    assert coverage == [("ok",)]


def test_published_tables_keep_the_dbt_contracts_and_their_descriptions(first_run, module_radar_env):
    nodes = json.loads(ensure_manifest().read_text())["nodes"]
    serving_db, _ = _paths(module_radar_env.warehouse.parent)
    with duckdb.connect(str(serving_db), read_only=True) as con:
        for mart in publish.MARTS:
            node = nodes[f"model.follow_up_radar.{mart}"]
            declared = [
                (name, _serving_type(con, column["data_type"]), column["description"].strip())
                for name, column in node["columns"].items()
            ]
            published = con.execute(
                "select column_name, data_type, comment from duckdb_columns() "
                "where schema_name = 'marts' and table_name = ? order by column_index",
                [mart],
            ).fetchall()
            [(table_comment,)] = con.execute(
                "select comment from duckdb_tables() where schema_name = 'marts' and table_name = ?", [mart]
            ).fetchall()
            constraints = con.execute(
                "select constraint_type, constraint_column_names from duckdb_constraints() "
                "where schema_name = 'marts' and table_name = ? order by all",
                [mart],
            ).fetchall()
            assert published == declared, mart
            assert table_comment == node["description"].strip() and table_comment, mart
            assert all(comment for _, _, comment in published), mart
            assert constraints == _contract_constraints(node), mart
        [(tags,)] = con.execute(
            "select tags from duckdb_databases() where database_name = current_database()"
        ).fetchall()
        assert tags["storage_version"] == "v1.0.0+", "BI tools' DuckDB 1.x drivers can open it"


def test_parquet_files_hold_the_marts_rows(first_run, module_radar_env):
    _, serving_dir = _paths(module_radar_env.warehouse.parent)
    for mart in publish.MARTS:
        rows = query(module_radar_env.warehouse, f"select * from marts.{mart} order by all")
        in_warehouse = [_utc(row) for row in rows]
        parquet = serving_dir / f"{mart}.parquet"
        in_parquet = query(module_radar_env.warehouse, f"select * from read_parquet('{parquet}') order by all")
        assert in_parquet == in_warehouse, mart


def test_a_reader_holding_the_serving_file_blocks_no_run_and_then_sees_the_new_version(
    first_run, module_radar_env, instance, monkeypatch, tmp_path
):
    serving_db, _ = _paths(module_radar_env.warehouse.parent)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(serving_db), str(stop)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )
    try:
        before = json.loads(reader.stdout.readline() or "null")
        monkeypatch.setenv("RADAR_AS_OF", LATER_AS_OF)
        full_run = run_pipeline(instance)
        publish_only = defs().resolve_job_def("radar_job").execute_in_process(
            instance=instance, asset_selection=[PUBLISHED], raise_on_error=False
        )
        stop.touch()
        out, err = reader.communicate(timeout=60)
    finally:
        reader.kill()

    assert full_run.success and publish_only.success
    assert reader.returncode == 0, err
    after = json.loads(out.splitlines()[-1])
    assert before == {
        "lead_aging": 9, "follow_up_coverage_daily": 32, "follow_up_coverage_rollup_daily": 65,
        "lead_state_counts": 6, "metric_parameters": 1,
        "call_list": 5, "shiny_object_curve": 31, "attention_by_age_weekly": 36,
    }
    assert after["reads"] > 0
    # A day later: one more lead created, one more complete day for each of the three reps (in the rollup also
    # for their two teams and the company), one more age for each cohort and owner (three owners in the first
    # cohort, two in the second) and no new complete week.
    assert after["reopened"] == _counts(module_radar_env.warehouse) == {
        "lead_aging": 10, "follow_up_coverage_daily": 35, "follow_up_coverage_rollup_daily": 71,
        "lead_state_counts": 6, "metric_parameters": 1,
        "call_list": 5, "shiny_object_curve": 36, "attention_by_age_weekly": 36,
    }


def test_a_publish_failing_midway_leaves_the_previous_set(first_run, module_radar_env, tmp_path, monkeypatch):
    serving_db, serving_dir, previous = _previous_version(module_radar_env.warehouse, tmp_path)
    versions_before = _versions(serving_dir)
    copy_parquet = publish._copy_parquet

    def copy_then_fail(con, name, path):
        copy_parquet(con, name, path)
        raise OSError("disk full")

    monkeypatch.setattr(publish, "_copy_parquet", copy_then_fail)
    with pytest.raises(OSError, match="disk full"):
        publish.publish(module_radar_env.warehouse, serving_db, serving_dir, publish.mart_docs(ensure_manifest()))

    assert _digests(serving_db, serving_dir) == previous
    assert _versions(serving_dir) == versions_before, "the failed publish removes its version folder"


def test_a_publish_killed_midway_leaves_the_previous_set_and_the_next_publish_removes_its_folder(
    first_run, module_radar_env, tmp_path
):
    serving_db, serving_dir, previous = _previous_version(module_radar_env.warehouse, tmp_path)
    published = (serving_dir / "current").resolve().name
    args = [module_radar_env.warehouse, serving_db, serving_dir, ensure_manifest()]
    killed = subprocess.run([sys.executable, "-c", KILLED_PUBLISH, *map(str, args)], capture_output=True, timeout=60)

    assert killed.returncode == -9, killed.stderr
    assert len(_versions(serving_dir)) == 2, "the killed publish had begun its version folder"
    assert _digests(serving_db, serving_dir) == previous
    assert _counts(serving_db) == _counts(module_radar_env.warehouse)

    publish.publish(module_radar_env.warehouse, serving_db, serving_dir, publish.mart_docs(ensure_manifest()))
    newest = (serving_dir / "current").resolve().name
    assert _versions(serving_dir) == sorted([published, newest]), "the killed one's folder is gone, the replaced kept"


def _published_docs() -> dict[str, publish.MartDoc]:
    monitoring = [publish.MartDoc(n, d, c, schema=store.SCHEMA) for n, (d, c) in store.PUBLISHED.items()]
    return {doc.name: doc for doc in [*publish.mart_docs(ensure_manifest()), *monitoring]}


def _warehouse_columns(warehouse: Path, doc: publish.MartDoc) -> list[dict]:
    return query(
        warehouse,
        "select column_name, data_type, is_nullable from duckdb_columns() "
        f"where schema_name = '{doc.schema}' and table_name = '{doc.name}' order by column_index",
    )


def _descriptions(doc: publish.MartDoc) -> dict[str, str]:
    """The key-value metadata a published Parquet file holds: the table's and every column's description."""
    columns = {serving_tables.column_description_key(c): d for c, d in doc.columns.items()}
    return {serving_tables.TABLE_DESCRIPTION_KEY: doc.description, **columns}


@pytest.mark.parametrize("client", ["current", OLD_DUCKDB])
def test_each_duckdb_client_reads_utc_aware_times_the_constraints_and_the_descriptions(
    first_run, module_radar_env, tmp_path, client
):
    serving_db, serving_dir = _paths(module_radar_env.warehouse.parent)
    docs = _published_docs()
    python = sys.executable if client == "current" else old_duckdb_python()
    read = read_published(python, serving_db, [serving_dir / f"{name}.parquet" for name in docs], tmp_path)
    not_null = set()
    for name, doc in docs.items():
        warehouse = _warehouse_columns(module_radar_env.warehouse, doc)
        published = read["tables"][f"{doc.schema}.{name}"]
        parquet = read["parquet"][str(serving_dir / f"{name}.parquet")]
        expected = [[c["column_name"], _aware(c["data_type"]), c["is_nullable"]] for c in warehouse]
        assert published["columns"] == expected, name
        assert parquet["kv"] == _descriptions(doc), name
        assert parquet["types"] == {c: t.replace("JSON", "VARCHAR") for c, t, _ in expected}, name
        for column, (epoch, _) in ((c, v) for c, v in published["times"].items() if v):
            [first] = query(module_radar_env.warehouse, f'select min("{column}") as t from {doc.qualified}')
            assert epoch == first["t"].replace(tzinfo=UTC).timestamp(), (name, column)
        if _counts_rows(module_radar_env.warehouse, doc):
            not_null |= {f"{doc.schema}.{name}.{c['column_name']}" for c in warehouse if not c["is_nullable"]}
    assert read["version"] == (duckdb.__version__ if client == "current" else OLD_DUCKDB)
    assert "marts.lead_aging.lead_id" in not_null and "monitoring.measure_history.day" in not_null
    assert set(read["refused_nulls"]) == not_null
    assert all("NOT NULL constraint failed" in error for error in read["refused_nulls"].values())


def test_pyarrow_and_polars_read_every_parquet_file_with_utc_times_descriptions_and_json_as_text(
    first_run, module_radar_env
):
    _, serving_dir = _paths(module_radar_env.warehouse.parent)
    for name, doc in _published_docs().items():
        path = serving_dir / f"{name}.parquet"
        types = {c["column_name"]: c["data_type"] for c in _warehouse_columns(module_radar_env.warehouse, doc)}
        arrow, frame = pq.read_table(path), pl.read_parquet(path)
        for column in (c for c, t in types.items() if t == "TIMESTAMP"):
            assert arrow.schema.field(column).type == pa.timestamp("us", tz="UTC"), (name, column)
            assert frame.schema[column] == pl.Datetime("us", time_zone="UTC"), (name, column)
        for column in (c for c, t in types.items() if t == "JSON"):
            assert arrow.schema.field(column).type == pa.string() and frame.schema[column] == pl.String, name
        metadata = {k.decode(): v.decode() for k, v in arrow.schema.metadata.items()}
        assert metadata == pl.read_parquet_metadata(path) == _descriptions(doc), name
    alerts = _warehouse_columns(module_radar_env.warehouse, _published_docs()["alerts"])
    assert "JSON" in {c["data_type"] for c in alerts}, "a JSON column is published"


def _aware(data_type: str) -> str:
    return "TIMESTAMP WITH TIME ZONE" if data_type == "TIMESTAMP" else data_type


def _counts_rows(warehouse: Path, doc: publish.MartDoc) -> int:
    return query(warehouse, f"select count(*) as n from {doc.qualified}")[0]["n"]
