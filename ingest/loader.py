"""Load landed files into the warehouse: one transaction per file, with its ledger row and rejected rows."""

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from ingest import mailbox, salesforce, sendgrid
from ingest.landing import LandedFile, discover
from ingest.records import FileRejected, ParsedFile
from ingest.schema import FILES, RAW_TABLES, REJECTED_ROWS, create_statements

log = logging.getLogger(__name__)

def _tables_for(landed: LandedFile) -> tuple[str, ...]:
    """The raw tables a file feeds: what its name says for Salesforce, every table of its source otherwise."""
    if landed.source == "salesforce":
        return salesforce.tables_for(landed.path)
    return tuple(t.name for t in RAW_TABLES if t.source == landed.source)


PARSERS: dict[str, Callable[[Path, bytes], ParsedFile]] = {
    "salesforce": salesforce.parse,
    "mailbox": mailbox.parse,
    "sendgrid": sendgrid.parse,
}
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
    """Open the warehouse for writing and make sure the raw schema exists."""
    Path(warehouse).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(warehouse))
    for statement in create_statements():
        con.execute(statement)
    return con


def _insert(con: duckdb.DuckDBPyConnection, table_name: str, rows: list[dict], file_id: int) -> None:
    table = TABLES[table_name]
    names = [c.name for c in table.columns]
    frame = pd.DataFrame([{**row, "_file_id": file_id} for row in rows], columns=names)
    select = ", ".join(f'cast("{c.name}" as {c.type})' for c in table.columns)
    con.from_df(frame).project(select).insert_into(table.qualified)


def _insert_rejections(con: duckdb.DuckDBPyConnection, parsed: ParsedFile, file_id: int) -> None:
    if parsed.rejections:
        con.executemany(
            f"insert into {REJECTED_ROWS.qualified} values (?, ?, ?, ?, ?)",
            [(file_id, r.row_number, r.field, r.reason, r.record) for r in parsed.rejections],
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


def _record(con: duckdb.DuckDBPyConnection, landed: LandedFile, sha: str, size: int, outcome: FileOutcome) -> None:
    con.execute(
        f"insert into {FILES.qualified} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            outcome.file_id, landed.source, str(landed.path), sha, size,
            outcome.rows_total, outcome.rows_loaded, outcome.rows_rejected, outcome.status, outcome.error,
            datetime.now(UTC).replace(tzinfo=None),
        ],
    )


def _next_file_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(f"select coalesce(max(file_id), 0) + 1 from {FILES.qualified}").fetchone()[0]


def _already_delivered(con: duckdb.DuckDBPyConnection, sha: str) -> bool:
    return con.execute(f"select count(*) from {FILES.qualified} where sha256 = ?", [sha]).fetchone()[0] > 0


def _loaded(file_id: int, landed: LandedFile, parsed: ParsedFile) -> FileOutcome:
    rejected = parsed.rows_rejected
    return FileOutcome(
        file_id=file_id,
        source=landed.source,
        path=str(landed.path),
        status="partial" if rejected else "loaded",
        rows_total=parsed.rows_total,
        rows_loaded=parsed.rows_total - rejected,
        rows_rejected=rejected,
        rows_by_table={table: len(rows) for table, rows in parsed.rows.items()},
        reasons=tuple(f"row {r.row_number}: {r.reason}" for r in parsed.rejections[:5]),
        tables=_tables_for(landed),
        extra_columns=parsed.extra_columns,
    )


def _failed(file_id: int, landed: LandedFile, error: str) -> FileOutcome:
    return FileOutcome(
        file_id, landed.source, str(landed.path), "failed", 0, 0, 0, error, reasons=(error,), tables=_tables_for(landed)
    )


# DuckDB errors caused by a file's values rather than by the database: the file fails, the others go on.
DATA_ERRORS = (duckdb.ConversionException, duckdb.OutOfRangeException, duckdb.InvalidInputException)


def _parse(landed: LandedFile, data: bytes, file_id: int) -> tuple[ParsedFile | None, FileOutcome]:
    try:
        parsed = PARSERS[landed.source](landed.path, data)
    except FileRejected as exc:
        return None, _failed(file_id, landed, f"{landed.path.name}: {exc}")
    except Exception as exc:  # a parser defect must not stop the other files: record it, keep the file
        log.exception("parser failed on %s", landed.path)
        return None, _failed(file_id, landed, f"{landed.path.name}: parser error {type(exc).__name__}: {exc}")
    return parsed, _loaded(file_id, landed, parsed)


def _write(con: duckdb.DuckDBPyConnection, landed: LandedFile, data: bytes, sha: str, parsed: ParsedFile | None,
           outcome: FileOutcome) -> None:
    """The file's rows, rejected rows and ledger row in one transaction."""
    with _transaction(con):
        if parsed is not None:
            for table_name, rows in parsed.rows.items():
                _insert(con, table_name, rows, outcome.file_id)
            _insert_rejections(con, parsed, outcome.file_id)
        _record(con, landed, sha, len(data), outcome)


def load_file(con: duckdb.DuckDBPyConnection, landed: LandedFile) -> FileOutcome | None:
    """Load one file whole or not at all; None when the same content was delivered before."""
    data = landed.path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if _already_delivered(con, sha):
        return None
    parsed, outcome = _parse(landed, data, _next_file_id(con))
    try:
        _write(con, landed, data, sha, parsed, outcome)
    except DATA_ERRORS as exc:
        outcome = _failed(outcome.file_id, landed, f"{landed.path.name}: the warehouse refused a value: {exc}")
        _write(con, landed, data, sha, None, outcome)
    log.info("%s: %s, %d loaded, %d rejected", landed.path, outcome.status, outcome.rows_loaded,
             outcome.rows_rejected)
    return outcome


def forget_file(con: duckdb.DuckDBPyConnection, file_id: int) -> str | None:
    """Remove a file's rows, rejected rows and ledger row in one transaction, so the next run loads it again
    (after fixing a mapping or a parser, say). Returns the file's path, or None for an unknown file_id."""
    row = con.execute(f"select path from {FILES.qualified} where file_id = ?", [file_id]).fetchone()
    if row is None:
        return None
    with _transaction(con):
        for table in RAW_TABLES:
            con.execute(f"delete from {table.qualified} where _file_id = ?", [file_id])
        con.execute(f"delete from {REJECTED_ROWS.qualified} where file_id = ?", [file_id])
        con.execute(f"delete from {FILES.qualified} where file_id = ?", [file_id])
    return row[0]


def load_source(con: duckdb.DuckDBPyConnection, landing_dir: Path, source: str) -> list[FileOutcome]:
    """Load every new ready file of one source; a failing file is recorded and the others go on."""
    outcomes = []
    for landed in discover(landing_dir, source):
        outcome = load_file(con, landed)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes
