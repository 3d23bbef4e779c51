"""The published types as each client reads them back: on a small warehouse table with naive UTC times, a JSON
column, NOT NULL columns, a primary key and a unique key, published as the marts are.

The current DuckDB, DuckDB 1.1.3 (BI drivers lag), pyarrow and Polars all get UTC-aware times with the right
instant whatever their session's time zone, the descriptions in the Parquet metadata, JSON as text or JSON, and
(in the serving file) the constraints enforced."""

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.serving import publish
from orchestration.serving.serving_tables import TABLE_DESCRIPTION_KEY, column_description_key
from tests.orchestration.serving.old_duckdb import OLD_DUCKDB, old_duckdb_python, read_published

TOUCHED_AT = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
DOC = publish.MartDoc(
    "touches",
    "One row per touch of a lead.",
    {
        "touch_id": "The touch.",
        "lead_id": "The lead touched.",
        "touched_at": "When (UTC).",
        "replied_at": "When the lead replied (UTC); null without a reply.",
        "detail": "The touch as the CRM sent it (JSON).",
        "attempt": "The how-manieth touch of the lead.",
    },
)
NOT_NULL = ["touch_id", "lead_id", "touched_at"]
KEYS = [("PRIMARY KEY", ["touch_id"]), ("UNIQUE", ["lead_id", "attempt"])]
WAREHOUSE = [
    "create schema marts",
    "create table marts.touches (touch_id varchar not null, lead_id varchar not null, touched_at timestamp not null, "
    "replied_at timestamp, detail json, attempt integer, primary key (touch_id), unique (lead_id, attempt))",
    "insert into marts.touches values ('t1', 'L1', '2024-03-12 12:00:00', '2024-03-12 13:30:00', "
    """'{"channel": "email"}', 1), ('t2', 'L1', '2024-03-13 09:00:00', null, null, 2)""",
]


@dataclass(frozen=True)
class Files:
    serving_db: Path
    parquet: Path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    folder = tmp_path_factory.mktemp("serving-types")
    with duckdb.connect(str(folder / "warehouse.duckdb")) as con:
        for statement in WAREHOUSE:
            con.execute(statement)
    published = publish.publish(folder / "warehouse.duckdb", folder / "serving.duckdb", folder / "serving", [DOC])
    return Files(published.serving_db, published.parquet["touches"])


def _writable_copy(files: Files, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(files.serving_db, copy)
    return duckdb.connect(str(copy))


def test_the_current_duckdb_reads_utc_aware_times_in_any_session_time_zone(files):
    with duckdb.connect(str(files.serving_db), read_only=True) as con:
        con.execute("set TimeZone = 'America/New_York'")
        types = con.execute(
            "select column_name, data_type from duckdb_columns() where table_name = 'touches' order by column_index"
        ).fetchall()
        touched_at, detail = con.execute(
            "select touched_at, detail from marts.touches where touch_id = 't1'"
        ).fetchone()
    assert types == [
        ("touch_id", "VARCHAR"), ("lead_id", "VARCHAR"), ("touched_at", "TIMESTAMP WITH TIME ZONE"),
        ("replied_at", "TIMESTAMP WITH TIME ZONE"), ("detail", "JSON"), ("attempt", "INTEGER"),
    ]
    assert touched_at == TOUCHED_AT and touched_at.utcoffset().total_seconds() == -4 * 3600
    assert json.loads(detail) == {"channel": "email"}


def test_the_serving_file_keeps_and_enforces_the_tables_constraints(files, tmp_path):
    with _writable_copy(files, tmp_path) as con:
        constraints = con.execute(
            "select constraint_type, constraint_column_names from duckdb_constraints() "
            "where table_name = 'touches' order by constraint_type, constraint_column_names"
        ).fetchall()
        for column in NOT_NULL:
            with pytest.raises(duckdb.ConstraintException, match="NOT NULL"):
                con.execute(f"update marts.touches set {column} = null where touch_id = 't2'")
        with pytest.raises(duckdb.ConstraintException, match="violates primary key constraint"):
            con.execute("insert into marts.touches values ('t1', 'L2', now(), null, null, 1)")
        with pytest.raises(duckdb.ConstraintException, match="violates unique constraint"):
            con.execute("insert into marts.touches values ('t3', 'L1', now(), null, null, 2)")
    assert constraints == sorted([*(("NOT NULL", [c]) for c in NOT_NULL), *KEYS])


def test_pyarrow_reads_utc_adjusted_times_the_descriptions_and_json_as_text(files):
    parquet = pq.ParquetFile(files.parquet)
    schema = parquet.schema_arrow
    table = parquet.read()
    logical = {parquet.schema.column(i).name: parquet.schema.column(i).logical_type.to_json() for i in range(6)}

    assert schema.field("touched_at").type == pa.timestamp("us", tz="UTC")
    assert json.loads(logical["touched_at"])["isAdjustedToUTC"] is True
    assert table.column("touched_at")[0].as_py() == TOUCHED_AT
    assert schema.field("detail").type == pa.string()
    assert json.loads(table.column("detail")[0].as_py()) == {"channel": "email"}
    assert schema.metadata == {
        TABLE_DESCRIPTION_KEY.encode(): DOC.description.encode(),
        **{column_description_key(c).encode(): d.encode() for c, d in DOC.columns.items()},
    }


def test_polars_reads_utc_aware_times_the_descriptions_and_json_as_text(files):
    frame = pl.read_parquet(files.parquet)
    assert frame.schema["touched_at"] == pl.Datetime("us", time_zone="UTC")
    assert frame["touched_at"][0] == TOUCHED_AT
    assert frame.schema["detail"] == pl.String
    assert json.loads(frame["detail"][0]) == {"channel": "email"}
    metadata = pl.read_parquet_metadata(files.parquet)
    assert {c: metadata[column_description_key(c)] for c in DOC.columns} == DOC.columns


def test_duckdb_1_1_reads_the_serving_file_and_parquet_alike(files, tmp_path):
    read = read_published(old_duckdb_python(), files.serving_db, [files.parquet], tmp_path)
    table = read["tables"]["marts.touches"]
    parquet = read["parquet"][str(files.parquet)]

    assert read["version"] == OLD_DUCKDB
    assert [name for name, _, nullable in table["columns"] if not nullable] == NOT_NULL
    assert dict((n, t) for n, t, _ in table["columns"])["touched_at"] == "TIMESTAMP WITH TIME ZONE"
    assert table["times"]["touched_at"] == [TOUCHED_AT.timestamp(), -4 * 3600]  # the instant, shown in New York
    assert sorted(map(tuple, table["keys"])) == KEYS
    assert all("NOT NULL" in error for error in read["refused_nulls"].values()), read["refused_nulls"]
    assert sorted(read["refused_nulls"]) == sorted(f"marts.touches.{c}" for c in NOT_NULL)
    assert parquet["types"]["touched_at"] == "TIMESTAMP WITH TIME ZONE" and parquet["types"]["detail"] == "VARCHAR"
    assert {c: parquet["kv"][column_description_key(c)] for c in DOC.columns} == DOC.columns


def test_the_projects_readers_see_utc_on_a_machine_in_another_zone(files):
    """The dashboard, `radar measures` and the asset's preview read through connect_serving."""
    script = (
        "import sys; from pathlib import Path; from orchestration.serving.publish import connect_serving, utc_text\n"
        "with connect_serving(Path(sys.argv[1])) as con:\n"
        "    print(utc_text(con.execute('select min(touched_at) from marts.touches').fetchone()[0]))\n"
        "    print(con.execute('select min(touched_at)::varchar from marts.touches').fetchone()[0])\n"
    )
    env = {"TZ": "America/New_York", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(files.serving_db)], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["2024-03-12 12:00:00 UTC", "2024-03-12 12:00:00+00"]
