"""Load landed files into the warehouse: one transaction per file, with its ledger row and rejected rows; a run of
small files whose reader stages many at once (SendGrid's webhook bodies) in one transaction for the run, each
file still all or nothing with its own ledger row, counts and rejected rows."""

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest import encodings, failures, files, mailbox_reader, runs, salesforce_fast, sendgrid_fast
from ingest.landing import LandedFile, discover
from ingest.outcomes import FileOutcome, failed, loaded
from ingest.records import FileRejected, Rejection, Staged, StagedGroup
from ingest.schema import FILE_INDEX, FILES, RAW_TABLES, REJECTED_ROWS, create_statements
from ingest.sql import run_script

log = logging.getLogger(__name__)

MEMORY_LIMIT_VARIABLE = "RADAR_DUCKDB_MEMORY_LIMIT"
# Enough for DuckDB to stage and type a 10M-row export, spilling beside the warehouse beyond it.
DEFAULT_MEMORY_LIMIT = "2GB"


# A reader stages one file (outside the transaction: DuckDB aborts a transaction on the first failed read) and
# hands the loader its batches; leaving the context drops what it staged. It is given the file's load time (naive
# UTC), the one clock reading of the load that the ledger's `loaded_at` records too: a reader never reads the
# clock itself (the mailbox reader rejects a Date implausibly far after it).
Reader = Callable[[duckdb.DuckDBPyConnection, Path, files.FileScan, datetime], AbstractContextManager[Staged]]
READERS: dict[str, Reader] = {
    "salesforce": salesforce_fast.read,
    "mailbox": mailbox_reader.read,
    "sendgrid": sendgrid_fast.read,
}
# A group reader stages a run of files at once (outside the transaction too). Keyed by the file reader it stands
# for, so a reader replaced in READERS (the reference parsers, a test's) reads file by file.
GroupReader = Callable[
    [duckdb.DuckDBPyConnection, list[Path], list[files.FileScan]], AbstractContextManager[StagedGroup]
]
GROUP_READERS: dict[Reader, GroupReader] = {sendgrid_fast.read: sendgrid_fast.read_group}
TEXT_SOURCES = {"salesforce", "sendgrid"}  # text files: scanned for bytes that are not UTF-8
UTF8_SOURCES = {"sendgrid"}  # files that must be UTF-8 (Salesforce exports come in other encodings too)
READER_MACROS = ("salesforce_fast.sql", "sendgrid_fast.sql")  # the readers' SQL macros, made in `connect`
TABLES = {t.name: t for t in RAW_TABLES}


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


def _insert(con: duckdb.DuckDBPyConnection, table_name: str, relation: duckdb.DuckDBPyRelation,
            file_id: int | None) -> None:
    """Insert a batch; with file_id None the relation carries each row's `_file_id` (a group's shared batch)."""
    table = TABLES[table_name]
    file_column = '"_file_id"' if file_id is None else str(file_id)
    select = ", ".join(
        f"cast({file_column} as BIGINT)" if c.name == "_file_id" else f'cast("{c.name}" as {c.type})'
        for c in table.columns
    )
    relation.project(select).insert_into(table.qualified)


def _insert_columns(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert rows with one statement: each column a list parameter, unnested (executemany runs one statement
    per row, some milliseconds each)."""
    if rows:
        columns = [list(column) for column in zip(*rows, strict=True)]
        values = ", ".join(f"unnest(${i})" for i in range(1, len(columns) + 1))
        con.execute(f"insert into {table} select {values}", columns)


def _insert_rejections(con: duckdb.DuckDBPyConnection, rejections: list[Rejection], file_id: int) -> None:
    rows = [(file_id, r.row_number, r.field, r.reason, r.record) for r in rejections]
    _insert_columns(con, REJECTED_ROWS.qualified, rows)


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit, or roll back and raise what went wrong (a commit that failed has already ended the transaction:
    DuckDB then refuses the rollback, and that refusal must not hide the cause)."""
    con.begin()
    try:
        yield
        con.commit()
    except BaseException:
        with suppress(duckdb.TransactionException):
            con.rollback()
        raise


@dataclass(frozen=True)
class _Landed:
    """A file about to be written: where it is, its stat when the run began, its scan, its load time and the as-of
    time of the run loading it."""

    landed: LandedFile
    stat: os.stat_result
    scan: files.FileScan
    load_time: datetime
    as_of: datetime


@contextmanager
def _writing(written: Iterable[_Landed]) -> Iterator[None]:
    """The warehouse's own failures while files are written, as one error naming them."""
    try:
        yield
    except failures.WAREHOUSE_ERRORS as exc:
        raise failures.WarehouseWriteFailed([str(f.landed.path) for f in written], exc) from exc


def _record(con: duckdb.DuckDBPyConnection, entries: list[tuple[_Landed, FileOutcome]]) -> None:
    """The files' ledger rows, each loaded at its load time, as of its run's as-of."""
    rows = [
        (o.file_id, f.landed.source, str(f.landed.path), f.scan.sha256, f.scan.size, o.rows_total, o.rows_loaded,
         o.rows_rejected, o.status, o.error, f.load_time, f.as_of)
        for f, o in entries
    ]  # fmt: skip
    _insert_columns(con, FILES.qualified, rows)


def _index(con: duckdb.DuckDBPyConnection, entries: list[tuple[_Landed, int]]) -> None:
    """Remember each path's stat with the file_id its content was loaded as, so the next run skips it without
    reading it while it stays unchanged."""
    paths = [str(f.landed.path) for f, _ in entries]
    con.execute(f"delete from {FILE_INDEX.qualified} where list_contains($paths, path)", {"paths": paths})
    rows = [(str(f.landed.path), f.stat.st_size, f.stat.st_mtime_ns, f.scan.sha256, file_id) for f, file_id in entries]
    _insert_columns(con, FILE_INDEX.qualified, rows)


def _known_stats(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    rows = con.execute(f"select path, bytes, modified_ns from {FILE_INDEX.qualified}").fetchall()
    return {path: (size, modified) for path, size, modified in rows}


def _next_file_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(f"select coalesce(max(file_id), 0) + 1 from {FILES.qualified}").fetchone()[0]


def _delivered_as(con: duckdb.DuckDBPyConnection, shas: Iterable[str]) -> dict[str, int]:
    """The file_id each content among `shas` was delivered as before, for those that were: one query for all."""
    query = f"select sha256, min(file_id) from {FILES.qualified} where list_contains($shas, sha256) group by sha256"
    return dict(con.execute(query, {"shas": list(shas)}).fetchall())


def _write_rows(con: duckdb.DuckDBPyConnection, file: _Landed, staged: Staged, file_id: int,
                counts: Counter[str], note: str | None = None) -> FileOutcome:
    """A file's batches and rejected rows, inside the caller's transaction; `counts` holds the rows per table
    already inserted for it (by a group's shared batches)."""
    for table_name, relation, count in failures.steps(staged.batches(con)):
        _insert(con, table_name, relation, file_id)
        counts[table_name] += count
    outcome = loaded(file_id, file.landed, staged, counts, note)
    _insert_rejections(con, staged.rejections, file_id)
    return outcome


def _check_unchanged(file: _Landed) -> None:
    if not files.same_stat(file.stat, file.landed.path.stat()):
        raise failures.FileChanged(file.landed.path)


def _encoding_note(file: _Landed) -> str | None:
    """Why a text file was read in an encoding it does not declare (see `encodings`); a file that must be UTF-8
    and is not fails."""
    if file.landed.source == "salesforce":
        note = encodings.choose(file.scan.head, file.scan.utf8_error).note
        if note:
            log.warning("%s: %s", file.landed.path, note)
        return note
    if file.scan.utf8_error and file.landed.source in UTF8_SOURCES:
        raise FileRejected(file.scan.utf8_error)
    return None


def _write(con: duckdb.DuckDBPyConnection, file: _Landed, staged: Staged, file_id: int,
           note: str | None = None) -> FileOutcome:
    """The file's rows, rejected rows, ledger row and index row in one transaction; `note` goes in the ledger
    row's `error` of a file that loaded."""
    with _transaction(con):
        outcome = _write_rows(con, file, staged, file_id, Counter(), note)
        _record(con, [(file, outcome)])
        _index(con, [(file, file_id)])
        _check_unchanged(file)
    return outcome


def _write_failed(con: duckdb.DuckDBPyConnection, file: _Landed, outcome: FileOutcome) -> FileOutcome:
    with _transaction(con):
        _record(con, [(file, outcome)])
        _index(con, [(file, outcome.file_id)])
    return outcome


def _load(con: duckdb.DuckDBPyConnection, file: _Landed, file_id: int) -> FileOutcome:
    """Read and write one file; what goes wrong with this file alone becomes its failed ledger row."""
    landed, name = file.landed, file.landed.path.name
    try:
        note = _encoding_note(file)
        with failures.reading(lambda: READERS[landed.source](con, landed.path, file.scan, file.load_time)) as staged:
            return _write(con, file, staged, file_id, note and f"{name}: {note}")
    except FileRejected as exc:
        error = f"{name}: {exc}"
    except failures.ParserDefect as defect:
        exc = defect.args[0]
        log.error("parser failed on %s", landed.path, exc_info=exc)
        error = f"{name}: parser error {type(exc).__name__}: {exc}"
    except failures.DATA_ERRORS as exc:
        error = f"{name}: the warehouse refused a value: {exc}"
    return _write_failed(con, file, failed(file_id, landed, error))


def _logged(outcome: FileOutcome) -> FileOutcome:
    log.info("%s: %s, %d loaded, %d rejected", outcome.path, outcome.status, outcome.rows_loaded,
             outcome.rows_rejected)
    return outcome


def _load_alone(con: duckdb.DuckDBPyConnection, file: _Landed, earlier: int | None) -> FileOutcome | None:
    """Load one hashed file, `earlier` being the file_id its content was delivered as before, if it was."""
    try:
        with _writing([file]):
            if earlier is not None:
                with _transaction(con):
                    _index(con, [(file, earlier)])
                return None
            return _logged(_load(con, file, _next_file_id(con)))
    except failures.FileChanged:
        log.warning("%s changed while it was being loaded: nothing kept, the next run reads it again", file.landed.path)
        return None


def utc_now() -> datetime:
    """The load time of a load not given one: now, naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def load_file(con: duckdb.DuckDBPyConnection, landed: LandedFile, stat: os.stat_result | None = None,
              load_time: datetime | None = None, as_of: datetime | None = None) -> FileOutcome | None:
    """Load one file whole or not at all, at `load_time` (naive UTC; now when not given) as of `as_of` (the load
    time when not given); None when the same content was delivered before (the path is then indexed so it is not
    hashed again) or when the file changed while it was being read."""
    scan = files.scan(landed.path, utf8=landed.source in TEXT_SOURCES)
    load_time = load_time or utc_now()
    file = _Landed(landed, stat or landed.path.stat(), scan, load_time, as_of or load_time)
    return _load_alone(con, file, _delivered_as(con, [file.scan.sha256]).get(file.scan.sha256))


def _write_group(con: duckdb.DuckDBPyConnection, segment: list[tuple[_Landed, int]], group: StagedGroup,
                 ids: dict[int, int]) -> list[FileOutcome]:
    """Consecutive members (file, index in the group) in one transaction: the group's shared batches, then each
    file's own rows, rejected rows, ledger and index rows. `ids` maps each member to its file_id."""
    with _transaction(con):
        counts: dict[int, Counter[str]] = {member: Counter() for member in ids}
        for table_name, relation, rows in failures.steps(group.shared_batches(con, ids)):
            _insert(con, table_name, relation, None)
            for member, count in rows.items():
                counts[member][table_name] += count
        written = [
            (file, _write_rows(con, file, group.members[member], ids[member], counts[member]))
            for file, member in segment
        ]
        _record(con, written)
        _index(con, [(file, outcome.file_id) for file, outcome in written])
        for file, _ in segment:
            _check_unchanged(file)
    return [outcome for _, outcome in written]


def _load_segment(con: duckdb.DuckDBPyConnection, segment: list[tuple[_Landed, int]], group: StagedGroup | None
                  ) -> list[FileOutcome | None]:
    """Write consecutive members (file, index in the group) together, their file ids in landing order. When one of
    them fails or changed, nothing of the segment is kept and each file loads alone, as it would without groups."""
    if not segment:
        return []
    first = _next_file_id(con)
    ids = {member: first + k for k, (_, member) in enumerate(segment)}
    try:
        with _writing(file for file, _ in segment):
            outcomes = _write_group(con, segment, group, ids)
    except (FileRejected, failures.ParserDefect, failures.FileChanged, *failures.DATA_ERRORS) as exc:
        log.info("%d files written together failed (%s); each loads alone", len(segment), exc)
        return [_load_alone(con, file, None) for file, _ in segment]
    return [_logged(outcome) for outcome in outcomes]


def _open_group(stack: ExitStack, con: duckdb.DuckDBPyConnection, group_reader: GroupReader | None,
                candidates: list[_Landed]) -> StagedGroup | None:
    """The candidates staged together, or None (each then loads alone): without a group reader or candidates, or
    when the group reader fails on them."""
    if group_reader is None or not candidates:
        return None
    try:
        return stack.enter_context(group_reader(con, [f.landed.path for f in candidates], [f.scan for f in candidates]))
    except Exception as exc:  # the files' own readers tell which file failed, and how
        log.info("%d files could not be staged together (%s); each loads alone", len(candidates), exc)
        return None


def _load_run(con: duckdb.DuckDBPyConnection, run: list[tuple[LandedFile, os.stat_result]],
              group_reader: GroupReader | None, load_time: datetime, as_of: datetime) -> list[FileOutcome | None]:
    """A run of files: hashed and looked up in the ledger with one query; with a group reader, staged together
    and written in segments of consecutive members. A file the group leaves out (not UTF-8, delivered before, a
    second copy within the run, one the group reader cannot stage) loads alone in its place, so file ids keep
    landing order; a second copy is looked up again then, once the first is in the ledger."""
    run_files = [
        _Landed(landed, stat, files.scan(landed.path, utf8=landed.source in TEXT_SOURCES), load_time, as_of)
        for landed, stat in run
    ]
    earlier = _delivered_as(con, {f.scan.sha256 for f in run_files})
    candidates = runs.candidates([f.scan for f in run_files], set(earlier))
    outcomes: list[FileOutcome | None] = []
    with ExitStack() as stack:
        group = _open_group(stack, con, group_reader, [run_files[k] for k in candidates])
        members = {k: m for m, k in enumerate(candidates) if group is not None and group.members[m] is not None}
        segment: list[tuple[_Landed, int]] = []
        seen: set[str] = set()
        for k, file in enumerate(run_files):
            sha = file.scan.sha256
            if k in members:
                segment.append((file, members[k]))
            else:
                outcomes += _load_segment(con, segment, group)
                segment = []
                delivered = _delivered_as(con, [sha]) if sha in seen else earlier
                outcomes.append(_load_alone(con, file, delivered.get(sha)))
            seen.add(sha)
        outcomes += _load_segment(con, segment, group)
    return outcomes


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


def quarantine(con: duckdb.DuckDBPyConnection, file_ids: Iterable[int], reason: str) -> list[tuple[int, str]]:
    """Mark loaded files quarantined with the reason: their rows stay in raw (nothing lost) and the models skip
    them, until `forget_file` lets a corrected delivery or a rerun load them again. Returns (file_id, path)."""
    ids = sorted(set(file_ids))
    if not ids:
        return []
    return con.execute(
        f"update {FILES.qualified} set status = 'quarantined', error = ? "
        "where list_contains(?::BIGINT[], file_id) returning file_id, path",
        [reason, ids],
    ).fetchall()


def load_source(con: duckdb.DuckDBPyConnection, landing_dir: Path, source: str, load_time: datetime | None = None,
                as_of: datetime | None = None) -> list[FileOutcome]:
    """Load every new ready file of one source at `load_time` (naive UTC: the run's one clock reading for its
    load, now when not given), as of the run's as-of time `as_of` (the load time when not given: the ledger's
    `loaded_as_of`, which dates the file for the tracked measures); a failing file is recorded and the others go
    on. A file whose
    path, size and modification time match the index is skipped without being opened. The new files are looked
    up in the ledger together; when the source's reader can stage many files at once, runs of small files are
    read and committed together."""
    known = _known_stats(con)
    fresh = []
    for landed in discover(landing_dir, source):
        stat = landed.path.stat()
        if known.get(str(landed.path)) != (stat.st_size, stat.st_mtime_ns):
            fresh.append((landed, stat))
    if not fresh:
        return []
    group_reader, load_time = GROUP_READERS.get(READERS[source]), load_time or utc_now()
    outcomes: list[FileOutcome | None] = []
    for run in runs.split(fresh) if group_reader else [fresh]:
        outcomes += _load_run(con, run, group_reader, load_time, as_of or load_time)
    return [outcome for outcome in outcomes if outcome is not None]
