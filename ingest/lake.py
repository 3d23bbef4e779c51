"""The raw layer as Parquet files in a lake folder (RADAR_LAKE_DIR), for a distributed engine to read.

    <lake>/raw/<table>/_file_id=<id>/data_0.parquet   the rows of one loaded file (Hive-style partition)
    <lake>/raw/<table>/_file_id=<id>/_source.json     which content they are: the ledger's sha256 and row count
    <lake>/raw/_files/part-0.parquet                  the file ledger (raw._files), replaced whole

The warehouse's raw schema stays the record: an export makes the lake match it. The partitions to write are
written into a temporary folder (one COPY per table) and each is renamed into place, so a reader sees a file's
rows whole or not at all; a
partition whose content no longer matches the ledger (a file reprocessed, forgotten or failed) is removed; the
ledger is written last, so the quarantine status the models read is the warehouse's. An export killed half way
leaves nothing partial in place, and the next export finishes it. Timestamps are written as UTC instants (raw
keeps naive UTC), JSON as its text.
"""

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.schema import FILES, RAW_TABLES, RawTable
from ingest.sql import quoted

RAW = "raw"
PARTITION = "_file_id"
SOURCE_FILE = "_source.json"
LEDGER_DIR = FILES.name
# Ledger states whose rows are in raw (a failed file has none).
WITH_ROWS = ("loaded", "partial", "quarantined")


@dataclass(frozen=True)
class LakeExport:
    written: int  # partitions written
    removed: int  # partitions removed
    kept: int  # partitions already current


def _column_sql(name: str, type_: str) -> str:
    column = f'"{name}"'
    if type_ == "TIMESTAMP":
        return f"timezone('UTC', {column}) as {column}"
    if type_ == "JSON":
        return f"cast({column} as varchar) as {column}"
    return column


def _select(table: RawTable, where: str) -> str:
    columns = ", ".join(_column_sql(c.name, c.type) for c in table.columns)
    return f"select {columns} from {table.qualified} where {where}"


def _expected(con: duckdb.DuckDBPyConnection, table: RawTable) -> dict[int, dict]:
    """file_id -> {sha256, rows} of every file with rows in this raw table."""
    rows = con.execute(
        f"select t._file_id, f.sha256, count(*) from {table.qualified} as t "
        f"inner join {FILES.qualified} as f on f.file_id = t._file_id "
        f"where f.status in ({', '.join(quoted(s) for s in WITH_ROWS)}) group by 1, 2"
    ).fetchall()
    return {file_id: {"sha256": sha256, "rows": count} for file_id, sha256, count in rows}


def _present(folder: Path) -> dict[int, dict]:
    found = {}
    for partition in folder.glob(f"{PARTITION}=*"):
        marker = partition / SOURCE_FILE
        found[int(partition.name.split("=", 1)[1])] = json.loads(marker.read_text()) if marker.is_file() else {}
    return found


def _write_partitions(con: duckdb.DuckDBPyConnection, table: RawTable, folder: Path, sources: dict[int, dict],
                      staging: Path) -> None:
    """Write the given files' partitions beside the lake in one COPY, then rename each into place."""
    temp = Path(tempfile.mkdtemp(prefix=f"{table.name}-", dir=staging))
    ids = ", ".join(str(int(file_id)) for file_id in sources)
    con.execute(f"copy ({_select(table, f'{PARTITION} in ({ids})')}) to {quoted(str(temp))} "
                f"(format parquet, partition_by ({PARTITION}))")
    for file_id, source in sources.items():
        partition = temp / f"{PARTITION}={file_id}"
        (partition / SOURCE_FILE).write_text(json.dumps(source))
        target = folder / partition.name
        if target.exists():
            shutil.rmtree(target)
        partition.rename(target)


def _sync_table(con: duckdb.DuckDBPyConnection, table: RawTable, lake: Path, staging: Path) -> LakeExport:
    folder = lake / RAW / table.name
    folder.mkdir(parents=True, exist_ok=True)
    expected, present = _expected(con, table), _present(folder)
    removed = [i for i in present if i not in expected]
    for file_id in removed:
        shutil.rmtree(folder / f"{PARTITION}={file_id}")
    stale = {i: source for i, source in expected.items() if present.get(i) != source}
    if stale:
        _write_partitions(con, table, folder, stale, staging)
    return LakeExport(written=len(stale), removed=len(removed), kept=len(expected) - len(stale))


def _write_ledger(con: duckdb.DuckDBPyConnection, lake: Path, staging: Path) -> None:
    temp = Path(tempfile.mkdtemp(prefix="ledger-", dir=staging))
    columns = ", ".join(_column_sql(c.name, c.type) for c in FILES.columns)
    con.execute(f"copy (select {columns} from {FILES.qualified} order by file_id) to "
                f"{quoted(str(temp / 'part-0.parquet'))} (format parquet)")
    target = lake / RAW / LEDGER_DIR
    old = staging / f"replaced-{LEDGER_DIR}"
    if target.exists():
        target.rename(old)
    temp.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def export_raw(con: duckdb.DuckDBPyConnection, lake: Path) -> LakeExport:
    """Make the lake's raw layer match the warehouse's raw schema and ledger (see the module's docstring)."""
    lake = Path(lake)
    staging = lake / ".staging"
    shutil.rmtree(staging, ignore_errors=True)  # what a killed export left
    staging.mkdir(parents=True)
    results = [_sync_table(con, table, lake, staging) for table in RAW_TABLES]
    _write_ledger(con, lake, staging)
    shutil.rmtree(staging)
    return LakeExport(*(sum(getattr(r, field) for r in results) for field in ("written", "removed", "kept")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.lake", description="Export a warehouse's raw layer "
                                     "and ledger to a lake folder as Parquet, one partition per loaded file.")
    parser.add_argument("warehouse", help="the DuckDB warehouse (read only)")
    parser.add_argument("lake", help="the lake folder (RADAR_LAKE_DIR)")
    args = parser.parse_args(argv)
    con = duckdb.connect(args.warehouse, read_only=True)
    try:
        result = export_raw(con, Path(args.lake))
    finally:
        con.close()
    print(f"lake {args.lake}: {result.written} partition(s) written, {result.removed} removed, {result.kept} current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
