"""SendGrid bodies read by DuckDB, many files per statement: `.json` arrays are decoded by DuckDB's strict JSON
parser, `.jsonl` files are split into lines by `read_csv`; canonical events are typed in SQL (`sendgrid_fast.sql`)
and every other event or line goes through `ingest.sendgrid`'s own functions.

Webhook bodies are small (a POST holds at most 1,000 events), so statements per file cost more than their events:
`read_group` reads the texts of a run of files a few megabytes per statement, checks all their events by one
statement, and gives the loader one insert for the canonical events of all of them. `read` is the same for a
single file, so the two cannot drift apart.

DuckDB's array reader (`read_json_objects`) is not used: it accepts what Python's json module rejects (vertical
tabs as blanks, text after the array). A `.json` file DuckDB cannot decode, or holding what Python reads its own
way (a NaN or infinity literal, of which DuckDB accepts spellings Python rejects; nesting past Python's
recursion limit), and a `.jsonl` file whose lines DuckDB does not split exactly on "\\n", are not members of the
group: `read` hands them to the reference parser, so their errors stay today's.
"""

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import duckdb

from ingest import sendgrid
from ingest.files import FileScan
from ingest.records import Batch, Item, Rejection, SharedBatch, Staged, frame
from ingest.schema import SENDGRID_EVENTS
from ingest.sql import temp_name

log = logging.getLogger(__name__)

PYTHON_BATCH = 10_000
# DuckDB decodes the files of one statement together (read_text hands them over in one chunk), holding some ten
# times their size: a group is staged this many bytes of files per statement.
STATEMENT_BYTES = 8 << 20
MAX_LINE_BYTES = 16 << 20
# Python's str.strip() whitespace: a line of only these is blank and gets no event number.
_BLANK = "[" + "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()) + "]*"
_READ_FAILURES = (duckdb.ConversionException, duckdb.InvalidInputException, UnicodeDecodeError)
_FILES = "(select unnest($paths) as filename, generate_subscripts($paths, 1) as f)"  # f: 1-based, as in $paths
# The elements of each array, numbered; a file that is not one JSON array has none (try_cast: NULL, not an error).
_ARRAYS = f"""
select f, generate_subscripts(events, 1) as n, unnest(events)::varchar as t
from (
    select f, try_cast(try_cast(if(starts_with(content, chr(65279)), content[2:], content) as json) as json[])
        as events
    from read_text($read) join {_FILES} using (filename)
)
"""
_LINES = """
create temp table {lines} as select filename, line from read_csv($read, columns = {{'line': 'VARCHAR'}},
    header = false, delim = chr(31), quote = '', escape = '', new_line = '\\n', auto_detect = false,
    strict_mode = true, max_line_size = $max_line, buffer_size = $buffer, filename = true)
"""
# The non-blank lines of the files in $good, numbered within each file.
_LINE_EVENTS = """
select f, row_number() over (partition by f order by l.rowid) as n, line as t
from {lines} as l join {files} using (filename)
where list_contains($good, f) and line is not null and not regexp_full_match(line, $blank)
"""
_EVENTS_TABLE = "create temp table {events} (f BIGINT, n BIGINT, t VARCHAR)"  # the file, event number, its text
# One staged row per event, `events` being a query of (f, n, t).
_STAGE_TABLE = """create temp table {stage} (f BIGINT, n BIGINT, event_text VARCHAR, types VARCHAR[], texts VARCHAR[],
    fast BOOLEAN, odd BOOLEAN)"""
_STAGE = """
select f, n, t as event_text, types, texts, coalesce(sg_is_canonical(kind, types, texts, keys, t), false) as fast,
    coalesce(sg_is_odd(t), false) as odd
from (
    select f, n, t, json_type(j) as kind, json_type(j, sg_paths()) as types,
        json_extract_string(j, sg_paths()) as texts, json_keys(j) as keys
    from (select f, n, t, try_cast(t as json) as j from ({events}))
)
"""
_TYPED = """
select texts[1] as sg_event_id, nullif(texts[5], '') as sg_message_id,
    if(texts[6] <> '', trim(texts[6], '<>'), null) as smtp_id, texts[2] as email, texts[3] as event,
    make_timestamp(texts[4]::bigint * 1000000) as event_at, if(types[7] = 'VARCHAR', texts[7], null) as reason,
    event_text as payload, n as _row_number{file_id}
from {stage} where fast and {files}
"""


@dataclass
class _FastStaged:
    """One file's staged events: the canonical ones inserted by one SQL statement (the group's shared one, when
    `grouped`), the others read by `ingest.sendgrid`."""

    stage: str
    f: int
    lines: bool
    rows_total: int
    fast_rows: int
    grouped: bool = True
    extra_columns: tuple[str, ...] = ()
    rejections: list[Rejection] = field(default_factory=list)

    def batches(self, con: duckdb.DuckDBPyConnection) -> Iterator[Batch]:
        table = SENDGRID_EVENTS.name
        if not self.grouped:
            yield table, con.sql(_TYPED.format(stage=self.stage, file_id="", files=f"f = {self.f}")), self.fast_rows
        if self.fast_rows == self.rows_total:
            return
        query = f"select n, event_text from {self.stage} where f = ? and not fast and n > ? order by n limit ?"
        after = 0
        while chunk := con.execute(query, [self.f, after, PYTHON_BATCH]).fetchall():
            rows = []
            for number, text in chunk:
                item = self._python_item(number, text)
                if isinstance(item, Rejection):
                    self.rejections.append(item)
                else:
                    rows.extend(row for _, row in item)
            after = chunk[-1][0]
            if rows:
                yield table, con.from_df(frame(table, rows)), len(rows)

    def _python_item(self, number: int, text: str | None) -> Item:
        if self.lines:
            return sendgrid.line_item(text, number)
        return sendgrid.array_event_item(None if text is None else json.loads(text), number)


@dataclass
class _Group:
    """Files staged together; `members[i]` is file i's staged events, or None when `read` must read it alone."""

    stage: str
    members: list[_FastStaged | None]

    def shared_batches(self, con: duckdb.DuckDBPyConnection, file_ids: dict[int, int]) -> Iterator[SharedBatch]:
        """The canonical events of the members in `file_ids` (member index -> file_id) as one relation."""
        ids = ", ".join(str(file_ids.get(i, "null")) for i in range(len(self.members)))
        files = "f in (" + ", ".join(str(i + 1) for i in file_ids) + ")"
        relation = con.sql(_TYPED.format(stage=self.stage, file_id=f", [{ids}][f] as _file_id", files=files))
        yield SENDGRID_EVENTS.name, relation, {i: self.members[i].fast_rows for i in file_ids}


def _stage_arrays(con: duckdb.DuckDBPyConnection, events: str, paths: list[str], read: list[str]) -> None:
    """The elements of the `.json` bodies `read`, numbered, into `events`."""
    try:
        con.execute(f"insert into {events} " + _ARRAYS, {"paths": paths, "read": read})
    except _READ_FAILURES as exc:
        log.info("DuckDB cannot decode %d bodies (%s); the reference parser reads them", len(read), _first(exc))


def _stage_lines(con: duckdb.DuckDBPyConnection, events: str, paths: list[str], read: dict[int, FileScan]
                 ) -> set[int]:
    """The non-blank lines of the `.jsonl` files `read` (by f) that DuckDB split on "\\n" and nowhere else (their
    line bytes and newlines add up to the file's size), numbered, into `events`; returns those files' f."""
    lines = temp_name("sendgrid_lines")
    try:
        con.execute(_LINES.format(lines=lines), {"read": [paths[f - 1] for f in read], "max_line": MAX_LINE_BYTES,
                                                  "buffer": 2 * MAX_LINE_BYTES})  # fmt: skip
        sizes = f"select f, coalesce(sum(strlen(line)), 0) from {_FILES} left join {lines} using (filename) group by f"
        line_bytes = dict(con.execute(sizes, {"paths": paths}).fetchall())
        good = {f for f, scan in read.items() if line_bytes[f] + scan.newlines + 3 * scan.bom == scan.size}
        con.execute(f"insert into {events} " + _LINE_EVENTS.format(lines=lines, files=_FILES),
                    {"paths": paths, "good": sorted(good), "blank": _BLANK})
    except _READ_FAILURES as exc:
        log.info("DuckDB cannot split %d files (%s); the reference parser reads them", len(read), _first(exc))
        return set()
    finally:
        con.execute(f"drop table if exists {lines}")
    return good


def _first(exc: Exception) -> str:
    return str(exc).splitlines()[0]


def _members(con: duckdb.DuckDBPyConnection, stage: str, paths: list[Path], lines: set[int]
             ) -> list[_FastStaged | None]:
    """A body is a member when DuckDB decoded it as one non-empty array with nothing Python reads its own way; a
    `.jsonl` file when DuckDB split its lines exactly."""
    query = f"select f, count(*), count(*) filter (where fast), bool_or(odd) from {stage} group by f"
    counts = {f: (total, fast, odd) for f, total, fast, odd in con.execute(query).fetchall()}
    members: list[_FastStaged | None] = []
    for f, path in enumerate(paths, start=1):
        total, fast, odd = counts.get(f, (0, 0, False))
        member = f in lines if path.suffix == ".jsonl" else bool(total) and not odd
        if not member:
            log.info("%s: DuckDB does not read it as Python would; the reference parser reads it", path)
        members.append(_FastStaged(stage, f, f in lines, total, fast) if member else None)
    return members


def _statements(paths: list[Path], scans: list[FileScan], lines: bool) -> Iterator[dict[int, FileScan]]:
    """The `.jsonl` files (or the others) by f, up to STATEMENT_BYTES of them at a time."""
    chunk: dict[int, FileScan] = {}
    for f, (path, scan) in enumerate(zip(paths, scans, strict=True), start=1):
        if (path.suffix == ".jsonl") == lines:
            if chunk and sum(s.size for s in chunk.values()) + scan.size > STATEMENT_BYTES:
                yield chunk
                chunk = {}
            chunk[f] = scan
    if chunk:
        yield chunk


def _stage_events(con: duckdb.DuckDBPyConnection, stage: str, paths: list[Path], scans: list[FileScan]) -> set[int]:
    """Every event of the files into `stage`: their texts first, a statement per few megabytes of one format, then
    the checks of all of them by one statement, which DuckDB spreads over its threads (it runs a statement that
    reads files on one). Returns the f of the `.jsonl` files DuckDB split exactly."""
    events, names = temp_name("sendgrid_events"), [str(p) for p in paths]
    con.execute(_EVENTS_TABLE.format(events=events))
    try:
        for chunk in _statements(paths, scans, lines=False):
            _stage_arrays(con, events, names, [names[f - 1] for f in chunk])
        lines = set().union(*(_stage_lines(con, events, names, chunk) for chunk in _statements(paths, scans, True)))
        con.execute(f"insert into {stage} " + _STAGE.format(events=f"select f, n, t from {events}"))
    except _READ_FAILURES as exc:
        log.info("DuckDB cannot check the events of %d files (%s); the reference parser reads them", len(paths),
                 _first(exc))
        return set()
    finally:
        con.execute(f"drop table if exists {events}")
    return lines


@contextmanager
def read_group(con: duckdb.DuckDBPyConnection, paths: list[Path], scans: list[FileScan]) -> Iterator[_Group]:
    """Stage the files together (a few statements per group, not several per file); dropped on leaving."""
    stage = temp_name("sendgrid")
    con.execute(_STAGE_TABLE.format(stage=stage))
    try:
        lines = _stage_events(con, stage, paths, scans)
        yield _Group(stage, _members(con, stage, paths, lines))
    finally:
        con.execute(f"drop table if exists {stage}")


@contextmanager
def read(con: duckdb.DuckDBPyConnection, path: Path, scan: FileScan, load_time: datetime) -> Iterator[Staged]:
    with read_group(con, [path], [scan]) as group:
        if (member := group.members[0]) is not None:
            yield replace(member, grouped=False)
            return
    with sendgrid.stream(path) as reference:
        yield reference
