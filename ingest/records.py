"""What a parser hands the loader: typed rows per raw table, rejected rows, and file-level failures."""

import codecs
from dataclasses import dataclass, field
from datetime import UTC, date, datetime


class FileRejected(Exception):
    """The file as a whole cannot be read (wrong format, missing required column, ...)."""


@dataclass(frozen=True)
class Rejection:
    row_number: int
    field: str | None
    reason: str
    record: str


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


def decode_utf8(data: bytes) -> str:
    """The file's text (a leading BOM dropped); the offset of a bad byte counts from the file's first byte."""
    text = data.removeprefix(codecs.BOM_UTF8)
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = len(data) - len(text) + exc.start
        raise FileRejected(f"not UTF-8: byte 0x{data[offset]:02x} at offset {offset}") from None


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
