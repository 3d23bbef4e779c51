"""Salesforce Data Export / Data Loader CSVs: one object per file, named by the object (`Lead_2024.csv`)."""

import csv
import io
import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ingest import encodings
from ingest.csv_records import csv_records, is_record
from ingest.records import (
    FieldError,
    FileRejected,
    Item,
    ParsedFile,
    Rejection,
    Staged,
    Streamed,
    collect,
    parse_date,
    parse_datetime,
)
from ingest.schema import (
    SALESFORCE_LEAD_HISTORY,
    SALESFORCE_LEADS,
    SALESFORCE_TASKS,
    SALESFORCE_USERS,
    RawTable,
)

# Longest prefix first: `LeadHistory_x.csv` must not be taken for a Lead export.
OBJECTS: dict[str, RawTable] = {
    "LeadHistory": SALESFORCE_LEAD_HISTORY,
    "Lead": SALESFORCE_LEADS,
    "Task": SALESFORCE_TASKS,
    "User": SALESFORCE_USERS,
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "LeadHistory": ("Id", "LeadId", "Field", "CreatedDate"),
    "Lead": ("Id", "Status", "OwnerId", "CreatedDate", "LastModifiedDate"),
    "Task": ("Id", "WhoId", "OwnerId", "Status", "CreatedDate", "LastModifiedDate"),
    "User": ("Id", "Name"),
}
# A column an export may leave out when others carry its value: a User's Name from FirstName and LastName.
DERIVED: dict[tuple[str, str], tuple[str, ...]] = {("User", "Name"): ("FirstName", "LastName")}
EMPTY_LOOKUP = "0" * 15
TRUE_VALUES = {"true": True, "1": True, "false": False, "0": False}
BIGINT_MAX = 2**63 - 1


def object_name(path: Path) -> str:
    """The Salesforce object a file holds, from its name; unknown names fail the file."""
    for name in OBJECTS:
        if path.name.startswith(name):
            return name
    known = ", ".join(f"{n}*.csv" for n in OBJECTS)
    raise FileRejected(f"unknown Salesforce object in file name {path.name!r}: expected one of {known}")


def tables_for(path: Path) -> tuple[str, ...]:
    """The raw table a file feeds, judged by its name alone (every Salesforce table when the name is unknown)."""
    try:
        return (OBJECTS[object_name(path)].name,)
    except FileRejected:
        return tuple(t.name for t in OBJECTS.values())


def _boolean(name: str, text: str) -> bool:
    try:
        return TRUE_VALUES[text.strip().lower()]
    except KeyError:
        raise FieldError(name, f"{name}: {text!r} is not a boolean (true/false/1/0)") from None


def _count(name: str, text: str) -> int:
    """A whole number, exactly (a float would round those above 2**53); `5.0` and `1e3` are whole too."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise FieldError(name, f"{name}: {text!r} is not a number") from None
    if not number.is_finite() or number != number.to_integral_value() or not 0 <= number <= BIGINT_MAX:
        raise FieldError(name, f"{name}: {text!r} is not a whole number from 0 to {BIGINT_MAX}")
    return int(number)


def _amount(name: str, text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise FieldError(name, f"{name}: {text!r} is not a number") from None
    if not math.isfinite(number) or number < 0:
        raise FieldError(name, f"{name}: {text!r} is not an amount >= 0")
    return number


CONVERTERS: dict[str, Callable[[str, str], object]] = {
    "BOOLEAN": _boolean,
    "BIGINT": _count,
    "DOUBLE": _amount,
    "DATE": parse_date,
    "TIMESTAMP": parse_datetime,
    "VARCHAR": lambda _name, text: text,
}


def _spelled(obj: str, names: list[str]) -> list[str]:
    """Header names in the spelling the raw table declares: Salesforce API names are case-insensitive (Data
    Loader writes them in capitals). Other names keep the delivered spelling."""
    known = [c.name for c in OBJECTS[obj].columns if not c.name.startswith("_")]
    known += [s for (o, _), sources in DERIVED.items() if o == obj for s in sources]
    spelling = {k.lower(): k for k in known}
    return [spelling.get(h.lower(), h) for h in names]


def present(obj: str, column: str, names: list[str]) -> bool:
    """The export carries the column, or a column its value is derived from."""
    return column in names or any(s in names for s in DERIVED.get((obj, column), ()))


def header(first_line: str | None, obj: str) -> list[str]:
    """The column names from the file's first line (as the reference parser reads it), or why the file fails."""
    try:
        names = next(csv.reader([first_line] if first_line is not None else []))
    except StopIteration:
        raise FileRejected("empty file: no header row") from None
    names = _spelled(obj, [h.strip() for h in names])
    if len(names) == 1:
        for name, delimiter in (("semicolons", ";"), ("tabs", "\t"), ("pipes", "|")):
            if delimiter in names[0]:
                raise FileRejected(f"the header is separated by {name}: Salesforce exports are comma-separated")
    folded = [h.lower() for h in names]
    duplicated = sorted({h for h in names if folded.count(h.lower()) > 1})
    if duplicated:
        raise FileRejected(f"header repeats column(s) {', '.join(duplicated)}")
    missing = [c for c in REQUIRED[obj] if not present(obj, c, names)]
    if missing:
        raise FileRejected(f"{obj} export is missing required column(s) {', '.join(missing)}")
    return names


def extra_columns(table: RawTable, names: list[str]) -> tuple[str, ...]:
    """The export's columns the raw table does not declare: kept in `_extras`."""
    declared = {c.name for c in table.columns}
    return tuple(h for h in names if h not in declared)


def _text(obj: str, column: str, delivered: dict[str, str]) -> str:
    """A column's text as delivered; a derived column absent from the export joins its sources' non-empty texts
    with a space (a User without Name: `FirstName LastName`)."""
    if column in delivered or (obj, column) not in DERIVED:
        return delivered.get(column, "")
    return " ".join(t for s in DERIVED[obj, column] if (t := delivered.get(s, "")))


def is_empty_lookup(text: str) -> bool:
    """Salesforce's empty lookup, 15 zeros with or without a suffix (`000000000000000AAA`): a reference to no
    record. In a required field (a lead's owner, a task's WhoId, ...) it is as good as empty; elsewhere staging
    reads it as null."""
    return len(text) in (15, 18) and text.startswith(EMPTY_LOOKUP)


def typed_row(obj: str, table: RawTable, names: list[str], values: list[str], extras: tuple[str, ...]) -> dict:
    """One record typed as the raw table declares, by the converters above: the one definition of what is
    accepted (the DuckDB reader only speeds up the values it can prove they accept)."""
    if len(values) != len(names):
        raise FieldError("", f"row has {len(values)} fields, the header has {len(names)}")
    delivered = dict(zip(names, values, strict=True))
    row: dict = {}
    for column in table.columns:
        if column.name.startswith("_"):
            continue
        text = _text(obj, column.name, delivered)
        if column.name in REQUIRED[obj] and is_empty_lookup(text):
            raise FieldError(column.name, f"{column.name}: required value is Salesforce's empty lookup {text!r}")
        if text == "":
            if column.name in REQUIRED[obj]:
                raise FieldError(column.name, f"{column.name}: required value is empty")
            row[column.name] = None
            continue
        row[column.name] = CONVERTERS[column.type](column.name, text)
    delivered_extras = {k: delivered[k] for k in extras}
    row["_extras"] = json.dumps(delivered_extras, sort_keys=True) if delivered_extras else None
    return row


def records(path: Path, lines: Iterator[str]) -> tuple[tuple[str, ...], Iterator[Item]]:
    """The reference reader: the header from the first line, then every record typed in Python, in order.
    Returns the extra columns and the items (rows or rejections), read lazily from `lines`."""
    obj = object_name(path)
    table = OBJECTS[obj]
    names = header(next(lines, None), obj)
    extras = extra_columns(table, names)

    def items() -> Iterator[Item]:
        number = 0
        for values, reason, record in csv_records(lines):
            if not is_record(values, record):
                continue
            number += 1
            if values is None:
                yield Rejection(number, None, reason, record)
                continue
            try:
                row = typed_row(obj, table, names, values, extras)
            except FieldError as exc:
                yield Rejection(number, exc.field or None, exc.reason, record)
                continue
            row["_row_number"] = number
            yield ((table.name, row),)

    return extras, items()


def parse(path: Path, data: bytes) -> ParsedFile:
    """Parse a whole export held in memory (the reference the DuckDB reader is tested against), in the encoding
    `encodings.choose` gives it."""
    text = encodings.decode(data, encodings.of_bytes(data))
    extras, items = records(path, iter(io.StringIO(text, newline="")))
    return collect(items, extras)


@contextmanager
def stream(path: Path, decoding: encodings.Decoding) -> Iterator[Staged]:
    """The reference parser reading the export as the loader inserts it, so no file is ever held in memory."""
    with encodings.open_lines(path, decoding) as lines:
        extras, items = records(path, lines)
        yield Streamed(items, extras)
