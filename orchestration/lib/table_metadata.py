"""Metadata the dbt build's events lack: row counts and column types of what it built, and where the rows
that failed a test are kept. Read after dbt has exited, so it never contends with dbt for DuckDB's lock."""

import json
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.lib.dbt_project import DBT_PROJECT
from orchestration.lib.mart_previews import mart_metadata


@cache
def _failure_relations(manifest_path: Path, mtime: float) -> dict[str, str]:
    """Test name -> the table where dbt stores its failing rows (store_failures), as schema.table: the manifest's
    relation_name also names the database, which is whatever the warehouse file was called at parse time."""
    nodes = json.loads(manifest_path.read_text())["nodes"].values()
    return {
        n["name"]: f'"{n["schema"]}"."{n["alias"]}"'
        for n in nodes
        if n["resource_type"] == "test" and n.get("relation_name")
    }


def failure_relations() -> dict[str, str]:
    manifest = Path(DBT_PROJECT.manifest_path)
    return _failure_relations(manifest, manifest.stat().st_mtime)


def _describe(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> dict:
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    if not columns:
        return {}
    rows = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
    schema_value = dg.TableSchema(columns=[dg.TableColumn(c, t) for c, t in columns])
    return {"dagster/row_count": rows, "dagster/column_schema": schema_value}


def with_table_metadata(
    events: Iterable, keys_by_output: dict[str, dg.AssetKey], warehouse: Path, serving_db: Path, serving_dir: Path
) -> Iterator:
    """The build's events, materializations with row counts and column types (the marts also with a preview and
    where they are published), failed checks with a query for their failing rows."""
    failures = failure_relations()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for event in events:
            if isinstance(event, dg.Output) and event.output_name in keys_by_output:
                schema, name = keys_by_output[event.output_name].path
                described = _describe(con, schema, name)
                marts = mart_metadata(con, name, serving_db, serving_dir) if described else {}
                yield event.with_metadata({**event.metadata, **described, **marts})
            elif isinstance(event, dg.AssetCheckResult) and not event.passed and event.check_name in failures:
                query = f"select * from {failures[event.check_name]}"
                yield event.with_metadata({**event.metadata, "failing_rows": dg.MetadataValue.text(query)})
            else:
                yield event
