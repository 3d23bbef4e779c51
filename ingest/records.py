"""What a parser hands the loader: typed rows per raw table, rejected rows, and file-level failures."""

import codecs
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

import duckdb
import pandas as pd

from ingest.schema import RAW_TABLES

TABLES = {t.name: t for t in RAW_TABLES}


class FileRejected(Exception):
    """The file as a whole cannot be read (wrong format, missing required column, ...)."""


@dataclass(frozen=True)
class Rejection:
    row_number: int
    field: str | None
    reason: str
    record: str


# What a reader makes of one input record: the (raw table, row) pairs it became, or its rejection.
Rows = tuple[tuple[str, dict], ...]
Item = Rows | Rejection
# Rows for one raw table: a relation with the table's columns except `_file_id`, and how many rows it holds.
Batch = tuple[str, duckdb.DuckDBPyRelation, int]
# Rows of several files of a group for one raw table: a relation with the table's columns, `_file_id` included,
# and how many rows it holds of each member (by index in the group).
SharedBatch = tuple[str, duckdb.DuckDBPyRelation, dict[int, int]]


class Staged(Protocol):
    """A file made ready for the loader, which inserts its batches, then its rejections, in one transaction.
    The counts and rejections are complete once the batches are exhausted."""

    rows_total: int
    rejections: list[Rejection]
    extra_columns: tuple[str, ...]

    def batches(self, con: duckdb.DuckDBPyConnection) -> Iterator[Batch]: ...


class StagedGroup(Protocol):
    """Small files of one source staged together, so that a run of them costs one statement, not one per file.
    `members[i]` is file i staged, or None when the file must be read alone. The loader writes consecutive members
    in one transaction: the shared batches of all of them, then each member's own batches (the rows the shared
    ones do not hold), its rejections, ledger and index rows."""

    members: list[Staged | None]

    def shared_batches(self, con: duckdb.DuckDBPyConnection, file_ids: dict[int, int]) -> Iterator[SharedBatch]: ...


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Row dicts as a frame with the table's columns (missing keys are null); the loader adds `_file_id`. Whole
    numbers stay Python ints (an object column): pandas would make a column with a null float64, which rounds
    those above 2**53."""
    columns = [c for c in TABLES[table].columns if c.name != "_file_id"]
    found = pd.DataFrame(rows, columns=[c.name for c in columns])
    for column in columns:
        if column.type == "BIGINT":
            found[column.name] = pd.Series([row.get(column.name) for row in rows], dtype=object)
    return found


@dataclass
class ParsedFile:
    """Rows per raw table name; every row is a dict of column -> typed value, `_row_number` included."""

    rows_total: int = 0
    rows: dict[str, list[dict]] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    extra_columns: tuple[str, ...] = ()

    def add(self, table: str, row: dict) -> None:
        self.rows.setdefault(table, []).append(row)

    @property
    def rows_rejected(self) -> int:
        return len({r.row_number for r in self.rejections})

    def batches(self, con: duckdb.DuckDBPyConnection) -> Iterator[Batch]:
        for table, rows in self.rows.items():
            yield table, con.from_df(frame(table, rows)), len(rows)


def collect(items: Iterable[Item], extra_columns: tuple[str, ...] = ()) -> ParsedFile:
    """A reader's items gathered in memory: what the reference parsers return."""
    parsed = ParsedFile(extra_columns=extra_columns)
    for item in items:
        parsed.rows_total += 1
        if isinstance(item, Rejection):
            parsed.rejections.append(item)
        else:
            for table, row in item:
                parsed.add(table, row)
    return parsed


@dataclass
class Streamed:
    """A reader's items inserted batch by batch as they come, so a large file's rows are never all in memory."""

    items: Iterable[Item]
    extra_columns: tuple[str, ...] = ()
    batch_records: int = 20_000
    rows_total: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    def batches(self, con: duckdb.DuckDBPyConnection) -> Iterator[Batch]:
        pending: dict[str, list[dict]] = defaultdict(list)
        for item in self.items:
            self.rows_total += 1
            if isinstance(item, Rejection):
                self.rejections.append(item)
            else:
                for table, row in item:
                    pending[table].append(row)
            if self.rows_total % self.batch_records == 0:
                yield from _flush(con, pending)
        yield from _flush(con, pending)


def _flush(con: duckdb.DuckDBPyConnection, pending: dict[str, list[dict]]) -> Iterator[Batch]:
    for table, rows in pending.items():
        if rows:
            yield table, con.from_df(frame(table, rows)), len(rows)
    pending.clear()


class FieldError(ValueError):
    """A value that does not fit its field; carries the field name for the rejection."""

    def __init__(self, field_name: str, reason: str):
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


def to_utc_naive(value: datetime) -> datetime:
    """Warehouse timestamps are naive UTC; naive inputs are taken as UTC already."""
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:
        raise ValueError(f"{value.isoformat()} is out of range once converted to UTC") from None


def not_utf8(byte: int, offset: int) -> str:
    """The error of a file that is not UTF-8; the offset counts from the file's first byte."""
    return f"not UTF-8: byte 0x{byte:02x} at offset {offset}"


def decode_utf8(data: bytes) -> str:
    """The file's text (a leading BOM dropped); the offset of a bad byte counts from the file's first byte."""
    text = data.removeprefix(codecs.BOM_UTF8)
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = len(data) - len(text) + exc.start
        raise FileRejected(not_utf8(data[offset], offset)) from None


def parse_datetime(field_name: str, text: str) -> datetime:
    try:
        return to_utc_naive(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise FieldError(
            field_name, f"{field_name}: {text!r} is not an ISO-8601 datetime like 2024-03-05T14:22:10.000Z"
        ) from None


def parse_date(field_name: str, text: str) -> date:
    """A date, or the date part of a datetime (Salesforce writes both forms for date fields)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    try:
        return parse_datetime(field_name, text).date()
    except FieldError:
        raise FieldError(field_name, f"{field_name}: {text!r} is not a date like 2024-03-05") from None
