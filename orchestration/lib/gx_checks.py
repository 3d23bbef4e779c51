"""Great Expectations results as Dagster asset check results (dagster-ge supports only GX < 1).

A failed suite's check carries the suite's worst severity (ERROR when any error expectation failed, else
WARN) and lists every failed expectation with sample unexpected values, as a Markdown table and as JSON.
"""

import time
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import dagster as dg
import duckdb
import pandas as pd
from dagster._core.storage.asset_check_execution_record import COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES

from expectations.results import ERROR, SuiteResult
from ingest.schema import RAW_SCHEMA, RAW_TABLES, RawTable

GX_CHECK = "gx_expectations"
BLOCKED_FILES = "blocked_file_ids"
# Rows validated at once: DuckDB hands rows over in vectors of 2,048; 256 vectors are about half a million rows.
VALIDATION_CHUNK_VECTORS = 256
# GX validates about 100,000 rows a second per suite here: a load of more new rows than this is sampled.
SAMPLE_ROWS = 100_000
HEAD_ROWS = 100  # the rows of every file that a sample always holds
_SEVERITIES = {ERROR: dg.AssetCheckSeverity.ERROR}


def _markdown(result: SuiteResult) -> str:
    if result.passed:
        return f"all expectations of `{result.suite}` passed on {result.rows} rows"
    lines = ["| expectation | column | severity | unexpected | samples |", "|---|---|---|---|---|"]
    for f in result.failures:
        found = f.unexpected_count if f.unexpected_count is not None else f"observed {f.observed}"
        samples = ", ".join(f"`{s}`" for s in f.samples)
        lines.append(f"| {f.expectation} | {f.column or ''} | {f.severity} | {found} | {samples} |")
    return "\n".join(lines)


def check_result(
    result: SuiteResult, asset_key: dg.AssetKey, check_name: str = GX_CHECK, metadata: dict[str, Any] | None = None
) -> dg.AssetCheckResult:
    """One asset check result for a whole suite's validation."""
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=check_name,
        passed=result.passed,
        severity=_SEVERITIES.get(result.severity, dg.AssetCheckSeverity.WARN),
        metadata={
            "suite": result.suite,
            "rows_validated": result.rows,
            "failed_expectations": dg.MetadataValue.md(_markdown(result)),
            "failures": dg.MetadataValue.json([asdict(f) for f in result.failures]),
            **(metadata or {}),
        },
    )


def validate_new_rows(
    con: duckdb.DuckDBPyConnection, table: RawTable, parameters: dict[str, Any], file_ids: list[int]
) -> dg.AssetCheckResult:
    """Validate the new rows of the files `file_ids`: all of them up to SAMPLE_ROWS, else every file's first
    HEAD_ROWS rows and an even spread of the rest, about SAMPLE_ROWS in all. The blocking (error) expectations
    are for faults of the exporting system that spoil a file (a shifted column, the wrong object, a clock fault),
    which every file's head shows; dbt's tests check every row of the models in SQL. Rows are read a chunk at a
    time and only the columns the suite looks at. No files pass without running GX, which is then not even
    imported. When an error expectation fails, the files are blocked."""
    started = time.perf_counter()
    new_rows = _count(con, table, file_ids) if file_ids else 0
    stride = max(1, -(-new_rows // SAMPLE_ROWS))
    result = _validate(con, table, parameters, file_ids, stride) if new_rows else SuiteResult(table.name, 0, ())
    blocked = file_ids if not result.passed and result.severity == ERROR else []
    metadata = {
        "file_ids": dg.MetadataValue.json(file_ids),
        BLOCKED_FILES: dg.MetadataValue.json(blocked),
        "new_rows": new_rows,
        "sampled": stride > 1,
        "validation_seconds": round(time.perf_counter() - started, 3),
    }
    if result.rows == 0:
        metadata["failed_expectations"] = dg.MetadataValue.md("no new rows")
    return check_result(result, dg.AssetKey([RAW_SCHEMA, table.name]), metadata=metadata)


def _count(con: duckdb.DuckDBPyConnection, table: RawTable, file_ids: list[int]) -> int:
    return con.execute(
        f"select count(*) from {table.qualified} where list_contains(?::BIGINT[], _file_id)", [file_ids]
    ).fetchone()[0]


def _validate(
    con: duckdb.DuckDBPyConnection, table: RawTable, parameters: dict[str, Any], file_ids: list[int], stride: int
) -> SuiteResult:
    from expectations.suites import RAW_SUITES
    from expectations.validate import columns_read, validate_chunks

    suite = RAW_SUITES[table.name]()
    columns = ", ".join(f'"{c}"' for c in columns_read(suite))
    relation = con.execute(
        f"select {columns} from {table.qualified} where list_contains(?::BIGINT[], _file_id) "
        "and (? = 1 or _row_number <= ? or hash(_file_id, _row_number) % ? = 0)",
        [file_ids, stride, HEAD_ROWS, stride],
    )
    return validate_chunks(_chunks(relation), suite, parameters)


def _chunks(relation: duckdb.DuckDBPyConnection) -> Iterator[pd.DataFrame]:
    """The result's rows as DataFrames of VALIDATION_CHUNK_VECTORS vectors each."""
    while not (chunk := relation.fetch_df_chunk(VALIDATION_CHUNK_VECTORS)).empty:
        yield chunk


def blocked_file_ids(instance: dg.DagsterInstance, check_key: dg.AssetCheckKey) -> list[int]:
    """The files the check's latest completed evaluation blocked. They are validated again with the new
    files, so neither a retry of the failed run nor a later run passes them by while their rows are in raw."""
    completed = instance.event_log_storage.get_asset_check_execution_history(
        check_key, limit=1, status=COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES
    )  # only completed ones: however many planned executions (failed or retried steps) came since
    evaluation = completed[0].event.asset_check_evaluation if completed and completed[0].event else None
    blocked = evaluation.metadata.get(BLOCKED_FILES) if evaluation is not None else None
    return list(blocked.value) if blocked is not None else []


def blocked_raw_files(instance: dg.DagsterInstance) -> dict[str, list[int]]:
    """Raw table -> the files its check blocks, for every raw table that has any."""
    keys = [dg.AssetCheckKey(dg.AssetKey([RAW_SCHEMA, t.name]), GX_CHECK) for t in RAW_TABLES]
    return {k.asset_key.to_user_string(): ids for k in keys if (ids := blocked_file_ids(instance, k))}
