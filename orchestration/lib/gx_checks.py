"""Great Expectations results as Dagster asset check results (dagster-ge supports only GX < 1).

A failed suite's check carries the suite's worst severity (ERROR when any error expectation failed, else
WARN) and lists every failed expectation with sample unexpected values, as a Markdown table and as JSON.
"""

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

import dagster as dg
import duckdb
import pandas as pd

from expectations.results import ERROR, SuiteResult
from ingest.schema import RAW_SCHEMA, RawTable

GX_CHECK = "gx_expectations"
QUARANTINED = "quarantined_files"
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


@dataclass(frozen=True)
class RawValidation:
    """One raw table's suite on a run's new files, and the files an error expectation failed on."""

    table: RawTable
    result: SuiteResult
    file_ids: list[int]
    at_fault: list[int]
    new_rows: int
    sampled: bool
    seconds: float

    @property
    def reason(self) -> str:
        """The failed error expectations in one line, for the ledger and the page."""
        return "; ".join(
            f"{f.expectation}" + (f" on {f.column}" if f.column else "") + (
                f": {f.unexpected_count} unexpected" if f.unexpected_count is not None else f": observed {f.observed}"
            ) + (f" (e.g. {', '.join(repr(s) for s in f.samples[:3])})" if f.samples else "")
            for f in self.result.failures if f.severity == ERROR
        )


def validate_new_rows(
    con: duckdb.DuckDBPyConnection, table: RawTable, parameters: dict[str, Any], file_ids: list[int]
) -> RawValidation:
    """Validate the new rows of the files `file_ids`: all of them up to SAMPLE_ROWS, else every file's first
    HEAD_ROWS rows and an even spread of the rest, about SAMPLE_ROWS in all. The blocking (error) expectations
    are for faults of the exporting system that spoil a file (a shifted column, the wrong object, a clock fault),
    which every file's head shows; dbt's tests check every row of the models in SQL. Rows are read a chunk at a
    time and only the columns the suite looks at. No files pass without running GX, which is then not even
    imported. When an error expectation fails, each file is validated alone to find the ones at fault (all of
    them, when only their union fails)."""
    started = time.perf_counter()
    new_rows = _count(con, table, file_ids) if file_ids else 0
    stride = _stride(new_rows)
    result = _validate(con, table, parameters, file_ids, stride) if new_rows else SuiteResult(table.name, 0, ())
    at_fault = []
    if not result.passed and result.severity == ERROR:
        at_fault = [i for i in file_ids if _fails(con, table, parameters, i)] if len(file_ids) > 1 else file_ids
        at_fault = at_fault or file_ids
    return RawValidation(
        table, result, file_ids, at_fault, new_rows, stride > 1, round(time.perf_counter() - started, 3)
    )


def raw_check_result(validation: RawValidation, quarantined: list[tuple[int, str]]) -> dg.AssetCheckResult:
    """The check result of a raw table's validation, naming the files it quarantined."""
    metadata = {
        "file_ids": dg.MetadataValue.json(validation.file_ids),
        QUARANTINED: dg.MetadataValue.json([{"file_id": i, "path": p} for i, p in sorted(quarantined)]),
        "new_rows": validation.new_rows,
        "sampled": validation.sampled,
        "validation_seconds": validation.seconds,
    }
    if validation.result.rows == 0:
        metadata["failed_expectations"] = dg.MetadataValue.md("no new rows")
    return check_result(validation.result, dg.AssetKey([RAW_SCHEMA, validation.table.name]), metadata=metadata)


def _stride(rows: int) -> int:
    return max(1, -(-rows // SAMPLE_ROWS))


def _fails(con: duckdb.DuckDBPyConnection, table: RawTable, parameters: dict[str, Any], file_id: int) -> bool:
    result = _validate(con, table, parameters, [file_id], _stride(_count(con, table, [file_id])))
    return not result.passed and result.severity == ERROR


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
