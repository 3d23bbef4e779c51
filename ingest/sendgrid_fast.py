"""SendGrid bodies read by DuckDB: a `.json` array is decoded whole by DuckDB's strict JSON parser, a `.jsonl`
file is split into lines by `read_csv`; canonical events are typed in SQL (`sendgrid_fast.sql`) and every other
event or line goes through `ingest.sendgrid`'s own functions.

DuckDB's array reader (`read_json_objects`) is not used: it accepts what Python's json module rejects (vertical
tabs as blanks, text after the array). A `.json` file DuckDB cannot decode, or holding what Python reads its own
way (a NaN or infinity literal, of which DuckDB accepts spellings Python rejects; nesting past Python's
recursion limit), and a `.jsonl` file whose lines DuckDB does not split exactly on "\\n", are read by the
reference parser, so their errors stay today's.
"""

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest import sendgrid
from ingest.files import FileScan
from ingest.records import Batch, Item, Rejection, Staged, frame
from ingest.schema import SENDGRID_EVENTS
from ingest.sql import temp_name

log = logging.getLogger(__name__)

PYTHON_BATCH = 10_000
MAX_LINE_BYTES = 16 << 20
# Python's str.strip() whitespace: a line of only these is blank and gets no event number.
_BLANK = "[" + "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()) + "]*"
_READ_FAILURES = (duckdb.ConversionException, duckdb.InvalidInputException, UnicodeDecodeError)
# One staged row per event, `events` being a query of (n, t): the event number and its text.
_STAGE = """
create temp table {stage} as
select n, t as event_text, types, texts, coalesce(sg_is_canonical(kind, types, texts, keys, t), false) as fast,
    coalesce(sg_is_odd(t), false) as odd
from (
    select n, t, json_type(j) as kind, json_type(j, sg_paths()) as types,
        json_extract_string(j, sg_paths()) as texts, json_keys(j) as keys
    from (select n, t, try_cast(t as json) as j from ({events}))
)
"""
_TYPED = """
select texts[1] as sg_event_id, nullif(texts[5], '') as sg_message_id,
    if(texts[6] <> '', trim(texts[6], '<>'), null) as smtp_id, texts[2] as email, texts[3] as event,
    make_timestamp(texts[4]::bigint * 1000000) as event_at, if(types[7] = 'VARCHAR', texts[7], null) as reason,
    event_text as payload, n as _row_number
from {stage} where fast
"""


def _stage_array(con: duckdb.DuckDBPyConnection, path: Path, stage: str) -> bool:
    """The array's elements, numbered, in `stage`; False when DuckDB cannot decode the file as Python would."""
    text = "if(starts_with(content, chr(65279)), content[2:], content)"
    try:
        events = (
            "select generate_subscripts(events, 1) as n, unnest(events)::varchar as t "
            f"from (select cast(({text})::json as json[]) as events from read_text($p))"
        )
        con.execute(_STAGE.format(stage=stage, events=events), {"p": str(path)})
    except _READ_FAILURES as exc:
        log.info("%s: DuckDB cannot decode it (%s); the reference parser reads it", path, str(exc).splitlines()[0])
        return False
    return not con.execute(f"select bool_or(odd) from {stage}").fetchone()[0]


def _stage_lines(con: duckdb.DuckDBPyConnection, path: Path, scan: FileScan, stage: str) -> bool:
    """The non-blank lines, numbered, in `stage`; False unless DuckDB split the file on "\\n" and nowhere else
    (its line bytes and the file's newlines add up to the file's size)."""
    lines = temp_name("sendgrid_lines")
    try:
        con.execute(
            f"""create temp table {lines} as select line from read_csv($p, columns = {{'line': 'VARCHAR'}},
                header = false, delim = chr(31), quote = '', escape = '', new_line = '\\n', auto_detect = false,
                strict_mode = true, max_line_size = $max_line, buffer_size = $buffer)""",
            {"p": str(path), "max_line": MAX_LINE_BYTES, "buffer": 2 * MAX_LINE_BYTES},
        )
        line_bytes = con.execute(f"select coalesce(sum(strlen(line)), 0) from {lines}").fetchone()[0]
        if line_bytes + scan.newlines + 3 * scan.bom != scan.size:
            return False
        events = (
            f"select row_number() over (order by rowid) as n, line as t from {lines} "
            "where line is not null and not regexp_full_match(line, $blank)"
        )
        con.execute(_STAGE.format(stage=stage, events=events), {"blank": _BLANK})
    except _READ_FAILURES as exc:
        log.info("%s: DuckDB cannot split it (%s); the reference parser reads it", path, str(exc).splitlines()[0])
        return False
    finally:
        con.execute(f"drop table if exists {lines}")
    return True


@dataclass
class _FastStaged:
    """The staged events: the canonical ones inserted by one SQL statement, the others read by `ingest.sendgrid`."""

    stage: str
    lines: bool
    rows_total: int
    fast_rows: int
    extra_columns: tuple[str, ...] = ()
    rejections: list[Rejection] = field(default_factory=list)

    def batches(self, con: duckdb.DuckDBPyConnection) -> Iterator[Batch]:
        table = SENDGRID_EVENTS.name
        yield table, con.sql(_TYPED.format(stage=self.stage)), self.fast_rows
        query = f"select n, event_text from {self.stage} where not fast and n > ? order by n limit ?"
        after = 0
        while chunk := con.execute(query, [after, PYTHON_BATCH]).fetchall():
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


@contextmanager
def read(con: duckdb.DuckDBPyConnection, path: Path, scan: FileScan) -> Iterator[Staged]:
    stage, lines = temp_name("sendgrid"), path.suffix == ".jsonl"
    try:
        if _stage_lines(con, path, scan, stage) if lines else _stage_array(con, path, stage):
            total, fast = con.execute(f"select count(*), count(*) filter (where fast) from {stage}").fetchone()
            if total or lines:
                yield _FastStaged(stage, lines, total, fast)
                return
    finally:
        con.execute(f"drop table if exists {stage}")
    with sendgrid.stream(path) as reference:
        yield reference
