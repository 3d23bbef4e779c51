"""Load landed files into the warehouse: one transaction per file, with its ledger row and rejected rows."""

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest import failures, files, mailbox_reader, salesforce, salesforce_fast, sendgrid_fast
from ingest.landing import LandedFile, discover
from ingest.records import FileRejected, Rejection, Staged
from ingest.schema import FILE_INDEX, FILES, RAW_TABLES, REJECTED_ROWS, create_statements
from ingest.sql import run_script

log = logging.getLogger(__name__)

MEMORY_LIMIT_VARIABLE = "RADAR_DUCKDB_MEMORY_LIMIT"
# Enough for DuckDB to stage and type a 10M-row export, spilling beside the warehouse beyond it.
DEFAULT_MEMORY_LIMIT = "2GB"


def _tables_for(landed: LandedFile) -> tuple[str, ...]:
    """The raw tables a file feeds: what its name says for Salesforce, every table of its source otherwise."""
    if landed.source == "salesforce":
        return salesforce.tables_for(landed.path)
    return tuple(t.name for t in RAW_TABLES if t.source == landed.source)


# A reader stages one file (outside the transaction: DuckDB aborts a transaction on the first failed read) and
# hands the loader its batches; leaving the context drops what it staged.
Reader = Callable[[duckdb.DuckDBPyConnection, Path, files.FileScan], AbstractContextManager[Staged]]
READERS: dict[str, Reader] = {
    "salesforce": salesforce_fast.read,
    "mailbox": mailbox_reader.read,
    "sendgrid": sendgrid_fast.read,
}
TEXT_SOURCES = {"salesforce", "sendgrid"}  # files that must be UTF-8
READER_MACROS = ("salesforce_fast.sql", "sendgrid_fast.sql")  # the readers' SQL macros, made in `connect`
TABLES = {t.name: t for t in RAW_TABLES}


@dataclass(frozen=True)
class FileOutcome:
    file_id: int
    source: str
    path: str
    status: str
    rows_total: int
    rows_loaded: int
    rows_rejected: int
    error: str | None = None
    rows_by_table: dict[str, int] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    extra_columns: tuple[str, ...] = ()


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for writing and make sure the raw schema exists. DuckDB may use
    RADAR_DUCKDB_MEMORY_LIMIT (default 2GB) and spills beyond it into `<warehouse>.tmp/`; insertion order is
    kept, which the readers rely on to number rows in file order; the readers' macros are defined (the loader
    needs a connection opened here)."""
    warehouse = Path(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse))
    con.execute("set memory_limit = ?", [os.environ.get(MEMORY_LIMIT_VARIABLE, DEFAULT_MEMORY_LIMIT)])
    con.execute("set temp_directory = ?", [str(warehouse.with_name(warehouse.name + ".tmp"))])
    con.execute("set preserve_insertion_order = true")
    for statement in create_statements():
        con.execute(statement)
    for script in READER_MACROS:
        run_script(con, script)
    return con


def _insert(con: duckdb.DuckDBPyConnection, table_name: str, relation: duckdb.DuckDBPyRelation, file_id: int) -> None:
    table = TABLES[table_name]
    select = ", ".join(
        f"cast({file_id} as BIGINT)" if c.name == "_file_id" else f'cast("{c.name}" as {c.type})'
        for c in table.columns
    )
    relation.project(select).insert_into(table.qualified)


def _insert_rejections(con: duckdb.DuckDBPyConnection, rejections: list[Rejection], file_id: int) -> None:
    if rejections:
        con.executemany(
            f"insert into {REJECTED_ROWS.qualified} values (?, ?, ?, ?, ?)",
            [(file_id, r.row_number, r.field, r.reason, r.record) for r in rejections],
        )


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.begin()
    try:
        yield
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _record(con: duckdb.DuckDBPyConnection, landed: LandedFile, scan: files.FileScan, outcome: FileOutcome) -> None:
    con.execute(
        f"insert into {FILES.qualified} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            outcome.file_id, landed.source, str(landed.path), scan.sha256, scan.size,
            outcome.rows_total, outcome.rows_loaded, outcome.rows_rejected, outcome.status, outcome.error,
            datetime.now(UTC).replace(tzinfo=None),
        ],
    )


def _index(con: duckdb.DuckDBPyConnection, path: Path, stat: os.stat_result, sha: str, file_id: int) -> None:
    """Remember the path's stat, so the next run skips it without reading it while it stays unchanged."""
    con.execute(f"delete from {FILE_INDEX.qualified} where path = ?", [str(path)])
    con.execute(
        f"insert into {FILE_INDEX.qualified} values (?, ?, ?, ?, ?)",
        [str(path), stat.st_size, stat.st_mtime_ns, sha, file_id],
    )


def _known_stats(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    rows = con.execute(f"select path, bytes, modified_ns from {FILE_INDEX.qualified}").fetchall()
    return {path: (size, modified) for path, size, modified in rows}


def _next_file_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(f"select coalesce(max(file_id), 0) + 1 from {FILES.qualified}").fetchone()[0]


def _delivered_as(con: duckdb.DuckDBPyConnection, sha: str) -> int | None:
    """The file_id the same content was delivered as before, if it was."""
    return con.execute(f"select min(file_id) from {FILES.qualified} where sha256 = ?", [sha]).fetchone()[0]


def _loaded(file_id: int, landed: LandedFile, staged: Staged, counts: dict[str, int]) -> FileOutcome:
    rejected = len({r.row_number for r in staged.rejections})
    return FileOutcome(
        file_id=file_id,
        source=landed.source,
        path=str(landed.path),
        status="partial" if rejected else "loaded",
        rows_total=staged.rows_total,
        rows_loaded=staged.rows_total - rejected,
        rows_rejected=rejected,
        rows_by_table=dict(counts),
        reasons=tuple(f"row {r.row_number}: {r.reason}" for r in staged.rejections[:5]),
        tables=_tables_for(landed),
        extra_columns=staged.extra_columns,
    )


def _failed(file_id: int, landed: LandedFile, error: str) -> FileOutcome:
    return FileOutcome(
        file_id, landed.source, str(landed.path), "failed", 0, 0, 0, error, reasons=(error,), tables=_tables_for(landed)
    )


def _write(con: duckdb.DuckDBPyConnection, landed: LandedFile, stat: os.stat_result, scan: files.FileScan,
           staged: Staged, file_id: int) -> FileOutcome:
    """The file's rows, rejected rows, ledger row and index row in one transaction."""
    with _transaction(con):
        counts: Counter[str] = Counter()
        for table_name, relation, count in failures.steps(staged.batches(con)):
            _insert(con, table_name, relation, file_id)
            counts[table_name] += count
        outcome = _loaded(file_id, landed, staged, counts)
        _insert_rejections(con, staged.rejections, file_id)
        _record(con, landed, scan, outcome)
        _index(con, landed.path, stat, scan.sha256, file_id)
        if not files.same_stat(stat, landed.path.stat()):
            raise failures.FileChanged(landed.path)
    return outcome


def _write_failed(con: duckdb.DuckDBPyConnection, landed: LandedFile, stat: os.stat_result, scan: files.FileScan,
                  outcome: FileOutcome) -> FileOutcome:
    with _transaction(con):
        _record(con, landed, scan, outcome)
        _index(con, landed.path, stat, scan.sha256, outcome.file_id)
    return outcome


def _load(con: duckdb.DuckDBPyConnection, landed: LandedFile, stat: os.stat_result, scan: files.FileScan,
          file_id: int) -> FileOutcome:
    """Read and write one file; what goes wrong with this file alone becomes its failed ledger row."""
    name = landed.path.name
    try:
        if scan.utf8_error:
            raise FileRejected(scan.utf8_error)
        with failures.reading(lambda: READERS[landed.source](con, landed.path, scan)) as staged:
            return _write(con, landed, stat, scan, staged, file_id)
    except FileRejected as exc:
        error = f"{name}: {exc}"
    except failures.ParserDefect as defect:
        exc = defect.args[0]
        log.error("parser failed on %s", landed.path, exc_info=exc)
        error = f"{name}: parser error {type(exc).__name__}: {exc}"
    except failures.DATA_ERRORS as exc:
        error = f"{name}: the warehouse refused a value: {exc}"
    return _write_failed(con, landed, stat, scan, _failed(file_id, landed, error))


def load_file(con: duckdb.DuckDBPyConnection, landed: LandedFile, stat: os.stat_result | None = None
              ) -> FileOutcome | None:
    """Load one file whole or not at all; None when the same content was delivered before (the path is then
    indexed so it is not hashed again) or when the file changed while it was being read."""
    stat = stat or landed.path.stat()
    scan = files.scan(landed.path, utf8=landed.source in TEXT_SOURCES)
    earlier = _delivered_as(con, scan.sha256)
    if earlier is not None:
        with _transaction(con):
            _index(con, landed.path, stat, scan.sha256, earlier)
        return None
    try:
        outcome = _load(con, landed, stat, scan, _next_file_id(con))
    except failures.FileChanged:
        log.warning("%s changed while it was being loaded: nothing kept, the next run reads it again", landed.path)
        return None
    log.info("%s: %s, %d loaded, %d rejected", landed.path, outcome.status, outcome.rows_loaded,
             outcome.rows_rejected)
    return outcome


def forget_file(con: duckdb.DuckDBPyConnection, file_id: int) -> str | None:
    """Remove a file's rows, rejected rows, ledger row and index rows in one transaction, so the next run loads
    it again (after fixing a mapping or a parser, say). Returns the file's path, or None for an unknown file_id."""
    row = con.execute(f"select path from {FILES.qualified} where file_id = ?", [file_id]).fetchone()
    if row is None:
        return None
    with _transaction(con):
        for table in RAW_TABLES:
            con.execute(f"delete from {table.qualified} where _file_id = ?", [file_id])
        con.execute(f"delete from {REJECTED_ROWS.qualified} where file_id = ?", [file_id])
        con.execute(f"delete from {FILES.qualified} where file_id = ?", [file_id])
        con.execute(f"delete from {FILE_INDEX.qualified} where file_id = ?", [file_id])
    return row[0]


def load_source(con: duckdb.DuckDBPyConnection, landing_dir: Path, source: str) -> list[FileOutcome]:
    """Load every new ready file of one source; a failing file is recorded and the others go on. A file whose
    path, size and modification time match the index is skipped without being opened."""
    known = _known_stats(con)
    outcomes = []
    for landed in discover(landing_dir, source):
        stat = landed.path.stat()
        if known.get(str(landed.path)) == (stat.st_size, stat.st_mtime_ns):
            continue
        outcome = load_file(con, landed, stat)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes
