"""An older DuckDB 1.x Python client, as BI tools' drivers lag the release that writes the warehouse.

Installed once from the package registry into a venv of its own under the test venv (`.venv/clients/`, kept
across runs). READ reports what a client reads from the published files; it runs in the current DuckDB's
Python as well.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

OLD_DUCKDB = "1.1.3"
# DuckDB 1.x's Python client needs pytz to return TIMESTAMPTZ values.
PACKAGES = (f"duckdb=={OLD_DUCKDB}", "pytz")
CLIENTS = Path(sys.prefix) / "clients"

# Reports, for the serving file and Parquet files given, what the old client reads: the tables' column types,
# nullability and keys, each timestamp column's first value as epoch seconds and its offset, the Parquet files'
# key-value metadata and column types, and, per NOT NULL column of a table with rows, the error inserting one of
# its rows with that column null into the emptied table (on a copy of the file; `accepted` if none).
READ = r"""
import json, shutil, sys
import duckdb

serving_db, copy, *parquet = sys.argv[1:]
out = {"version": duckdb.__version__, "tables": {}, "parquet": {}, "refused_nulls": {}}
with duckdb.connect(serving_db, read_only=True) as con:
    con.execute("set TimeZone = 'America/New_York'")
    for schema, table in con.execute("select schema_name, table_name from duckdb_tables() order by all").fetchall():
        columns = con.execute(
            "select column_name, data_type, is_nullable from duckdb_columns() "
            "where schema_name = ? and table_name = ? order by column_index", [schema, table]).fetchall()
        keys = con.execute(
            "select constraint_type, constraint_column_names from duckdb_constraints() where schema_name = ? "
            "and table_name = ? and constraint_type in ('PRIMARY KEY', 'UNIQUE')", [schema, table]).fetchall()
        times = {}
        for name, data_type, _ in columns:
            if data_type.startswith("TIMESTAMP"):
                value = con.execute(f'select min("{name}") from {schema}.{table}').fetchone()[0]
                times[name] = None if value is None else [value.timestamp(), value.utcoffset().total_seconds()]
        out["tables"][f"{schema}.{table}"] = {"columns": columns, "keys": keys, "times": times}
    for path in parquet:
        kv = con.execute("select key, value from parquet_kv_metadata(?)", [path]).fetchall()
        types = con.execute(f"describe select * from read_parquet('{path}')").fetchall()
        out["parquet"][path] = {"kv": {k.decode(): v.decode() for k, v in kv}, "types": {t[0]: t[1] for t in types}}
shutil.copy(serving_db, copy)
with duckdb.connect(copy) as con:
    for name, table in out["tables"].items():
        con.execute(f"create or replace temp table probe as select * from {name} limit 1")
        if not con.execute("select count(*) from probe").fetchone()[0]:
            continue  # no row to insert with a null
        con.execute(f"delete from {name}")  # so that the probe's keys are free: only its null can be refused
        for column, _, nullable in table["columns"]:
            if not nullable:
                try:
                    con.execute(f'insert into {name} select * replace (null as "{column}") from probe')
                    refused = "accepted"
                except duckdb.ConstraintException as error:
                    refused = str(error)
                out["refused_nulls"][f"{name}.{column}"] = refused
print(json.dumps(out))
"""


def old_duckdb_python() -> Path:
    """The Python of a venv holding DuckDB 1.1.3 (installed on first use); skips the test if it cannot install."""
    venv = CLIENTS / f"duckdb-{OLD_DUCKDB}"
    python = venv / "bin" / "python"
    if python.exists():
        return python
    CLIENTS.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{venv.name}-", dir=CLIENTS))
    try:
        subprocess.run([sys.executable, "-m", "venv", str(building)], check=True, capture_output=True, timeout=120)
        install = [str(building / "bin" / "python"), "-m", "pip", "install", "--quiet", *PACKAGES]
        subprocess.run(install, check=True, capture_output=True, text=True, timeout=300)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        shutil.rmtree(building, ignore_errors=True)
        pytest.skip(f"could not install {' '.join(PACKAGES)} into a venv: {getattr(error, 'stderr', '') or error}")
    try:
        os.rename(building, venv)  # whole or not at all; a parallel worker may have got there first
    except OSError:
        shutil.rmtree(building, ignore_errors=True)
    return python


def read_published(python: Path | str, serving_db: Path, parquet: list[Path], scratch: Path) -> dict:
    """What the DuckDB client of this Python reads from the serving file and the Parquet files (see READ)."""
    args = [str(serving_db), str(scratch / "serving-copy.duckdb"), *map(str, parquet)]
    done = subprocess.run([str(python), "-c", READ, *args], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
