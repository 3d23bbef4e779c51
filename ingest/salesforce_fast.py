"""Salesforce CSV exports read by DuckDB: the file is parsed by `read_csv` into a temporary table, values in
Salesforce's canonical forms are typed in SQL (`salesforce_fast.sql`), and only the rows holding another value
go through the Python converters, which stay the one definition of what is accepted.

The reference parser (`salesforce.stream`) takes over for the whole file when DuckDB cannot read it (wrong
field counts, an unterminated quote, ...) or reads it otherwise than the csv module would (`csv_shape`), so a
broken file keeps its row-by-row reasons; it also reads every export that is not UTF-8 (DuckDB reads UTF-8 alone,
and its encodings extension is downloaded at run time), so such files load at the reference parser's speed.
"""

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from ingest import csv_shape, encodings
from ingest.files import FileScan, open_text
from ingest.records import Batch, FieldError, Rejection, Staged, frame
from ingest.salesforce import (
    DERIVED,
    EMPTY_LOOKUP,
    OBJECTS,
    REQUIRED,
    extra_columns,
    header,
    object_name,
    present,
    stream,
    typed_row,
)
from ingest.schema import Column, RawTable
from ingest.sql import quoted, temp_name

log = logging.getLogger(__name__)

MAX_LINE_BYTES = 16 << 20  # a record with large multi-line fields still fits; a longer one falls back
PYTHON_BATCH = 10_000
CANONICAL = {  # column type -> (SQL test for a canonical value, its SQL typing); {v} is the staged text
    "VARCHAR": ("true", "{v}"),
    "BOOLEAN": ("sf_is_boolean({v})", "sf_boolean({v})"),
    "BIGINT": ("sf_is_count({v})", "cast({v} as BIGINT)"),
    "DOUBLE": ("sf_is_amount({v})", "cast({v} as DOUBLE)"),
    "DATE": ("sf_is_date({v})", "sf_date({v})"),
    "TIMESTAMP": ("sf_is_timestamp({v})", "sf_timestamp({v})"),
}


@dataclass(frozen=True)
class _Layout:
    """Where the export's columns landed in the staged table (c0, c1, ... in file order)."""

    obj: str
    table: RawTable
    names: list[str]
    extras: tuple[str, ...]

    def staged(self, name: str) -> str:
        """The SQL of a column's staged text (null when empty); a derived column absent from the export joins
        its sources as `salesforce._text` does."""
        if name in self.names or (self.obj, name) not in DERIVED:
            return f"c{self.names.index(name)}"
        sources = ", ".join(self.staged(s) for s in DERIVED[self.obj, name] if s in self.names)
        return f"nullif(concat_ws(' ', {sources}), '')"

    def present(self, name: str) -> bool:
        return present(self.obj, name, self.names)

    def declared(self) -> list[Column]:
        return [c for c in self.table.columns if not c.name.startswith("_")]

    def fast_test(self) -> str:
        """True for a row whose every value is empty or canonical, and whose required values are present."""
        tests = []
        for column in self.declared():
            if not self.present(column.name):
                continue
            v = self.staged(column.name)
            if column.name in REQUIRED[self.obj]:  # present, and not the empty lookup (rejected in Python)
                tests.append(f"{v} is not null and not ({v}[1:15] = '{EMPTY_LOOKUP}' and length({v}) in (15, 18))")
            tests.append(f"({v} is null or {CANONICAL[column.type][0].format(v=v)})")
        return " and ".join(tests) or "true"

    def typed_select(self) -> str:
        values = [
            f'{CANONICAL[c.type][1].format(v=self.staged(c.name)) if self.present(c.name) else "null"} as "{c.name}"'
            for c in self.declared()
        ]
        pairs = ", ".join(f"{quoted(k)}, coalesce({self.staged(k)}, '')" for k in sorted(self.extras))
        values.append(f'json_object({pairs}) as "_extras"' if self.extras else 'null as "_extras"')
        values.append('rowid + 1 as "_row_number"')
        return ", ".join(values)


@dataclass
class _FastStaged:
    """The staged export: canonical rows inserted by one SQL statement, the others typed in Python."""

    path: Path
    layout: _Layout
    stage: str
    shape: csv_shape.Shape
    fast_rows: int
    rows_total: int
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def extra_columns(self) -> tuple[str, ...]:
        return self.layout.extras

    def batches(self, con: duckdb.DuckDBPyConnection) -> Iterator[Batch]:
        table = self.layout.table.name
        select = f"select {self.layout.typed_select()} from {self.stage} where _fast"
        yield table, con.sql(select), self.fast_rows
        pending: list[Rejection] = []
        for rows in self._python_rows(con, pending):
            yield table, con.from_df(frame(table, rows)), len(rows)
        records = csv_shape.records_of(self.path, self.shape, [r.row_number for r in pending])
        self.rejections = [Rejection(r.row_number, r.field, r.reason, records[r.row_number]) for r in pending]

    def _python_rows(self, con: duckdb.DuckDBPyConnection, rejected: list[Rejection]) -> Iterator[list[dict]]:
        """The rows that are not canonical, typed by the converters, in file order and in batches."""
        columns = ", ".join(f"coalesce(c{i}, '')" for i in range(len(self.layout.names)))
        query = f"select rowid + 1, {columns} from {self.stage} where not _fast and rowid >= ? order by rowid limit ?"
        after = 0
        while chunk := con.execute(query, [after, PYTHON_BATCH]).fetchall():
            rows = []
            for number, *values in chunk:
                try:
                    row = typed_row(self.layout.obj, self.layout.table, self.layout.names, values, self.extra_columns)
                except FieldError as exc:
                    rejected.append(Rejection(number, exc.field or None, exc.reason, ""))
                    continue
                row["_row_number"] = number
                rows.append(row)
            after = chunk[-1][0]
            if rows:
                yield rows


def _stage(con: duckdb.DuckDBPyConnection, path: Path, layout: _Layout, stage: str) -> bool:
    """Parse the export into `stage` with every value as text, marking the rows SQL can type; False when DuckDB
    cannot read the file."""
    columns = {f"c{i}": "VARCHAR" for i in range(len(layout.names))}
    try:
        con.execute(
            f"""create temp table {stage} as select *, {layout.fast_test()} as _fast from read_csv(
                $path, columns = $columns, header = true, delim = ',', quote = '"', escape = '"',
                auto_detect = false, strict_mode = true, max_line_size = $max_line, buffer_size = $buffer)""",
            {"path": str(path), "columns": columns, "max_line": MAX_LINE_BYTES, "buffer": 2 * MAX_LINE_BYTES},
        )
    except (duckdb.InvalidInputException, duckdb.ConversionException, UnicodeDecodeError) as exc:
        log.info("%s: DuckDB cannot read it (%s); the reference parser reads it", path, str(exc).splitlines()[0])
        return False
    return True


def _agrees(con: duckdb.DuckDBPyConnection, stage: str, layout: _Layout, shape: csv_shape.Shape) -> int | None:
    """The number of canonical rows when DuckDB read the same records with the same values as the csv module
    (same count, same characters: its silent trimming or re-quoting would change them); None otherwise."""
    chars = " + ".join(f"coalesce(sum(length(c{i})), 0)" for i in range(len(layout.names)))
    rows, total, fast = con.execute(f"select count(*), {chars}, count(*) filter (where _fast) from {stage}").fetchone()
    return fast if shape.regular and (rows, total) == (shape.rows, shape.chars) else None


def _quote_balanced(first_line: str | None) -> bool:
    """DuckDB skips the header as one record; the reference parser reads it from the first line alone."""
    return first_line is not None and first_line.count('"') % 2 == 0


def _staged_shape(con: duckdb.DuckDBPyConnection, path: Path, layout: _Layout, stage: str
                  ) -> tuple[csv_shape.Shape, int] | None:
    """Stage the export with DuckDB while the csv module measures it in another thread (DuckDB works outside
    the GIL); (the shape, the canonical rows) when the two agree, None otherwise."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        measuring = pool.submit(csv_shape.measure, path, len(layout.names))
        staged = _stage(con, path, layout, stage)
        shape = measuring.result()
    fast = _agrees(con, stage, layout, shape) if staged else None
    return None if fast is None else (shape, fast)


@contextmanager
def read(con: duckdb.DuckDBPyConnection, path: Path, scan: FileScan, load_time: datetime) -> Iterator[Staged]:
    """A UTF-8 export staged by DuckDB when it reads it as the reference parser would; any other, and an export in
    another encoding (see `encodings`), read by the reference parser."""
    obj = object_name(path)
    decoding = encodings.choose(scan.head, scan.utf8_error)
    if not decoding.is_utf8:
        with stream(path, decoding) as reference:
            yield reference
        return
    with open_text(path) as lines:
        first = next(lines, None)
    names = header(first, obj)
    layout = _Layout(obj, OBJECTS[obj], names, extra_columns(OBJECTS[obj], names))
    stage = temp_name("salesforce")
    try:
        measured = _staged_shape(con, path, layout, stage) if _quote_balanced(first) else None
        if measured is not None:
            shape, fast = measured
            yield _FastStaged(path, layout, stage, shape, fast, shape.rows)
            return
    finally:
        con.execute(f"drop table if exists {stage}")
    with stream(path, decoding) as reference:
        yield reference
