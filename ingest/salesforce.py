"""Salesforce Data Export / Data Loader CSVs: one object per file, named by the object (`Lead_2024.csv`)."""

import csv
import io
import json
import math
from collections.abc import Callable
from pathlib import Path

from ingest.records import (
    FieldError,
    FileRejected,
    ParsedFile,
    Rejection,
    decode_utf8,
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
    try:
        number = float(text)
    except ValueError:
        raise FieldError(name, f"{name}: {text!r} is not a number") from None
    if not number.is_integer() or not 0 <= number <= BIGINT_MAX:
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


def _header(lines: list[str], obj: str) -> list[str]:
    try:
        header = next(csv.reader(lines[:1]))
    except StopIteration:
        raise FileRejected("empty file: no header row") from None
    header = [h.strip() for h in header]
    if len(header) == 1:
        for name, delimiter in (("semicolons", ";"), ("tabs", "\t"), ("pipes", "|")):
            if delimiter in header[0]:
                raise FileRejected(f"the header is separated by {name}: Salesforce exports are comma-separated")
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise FileRejected(f"header repeats column(s) {', '.join(duplicated)}")
    missing = [c for c in REQUIRED[obj] if c not in header]
    if missing:
        raise FileRejected(f"{obj} export is missing required column(s) {', '.join(missing)}")
    return header


def _typed_row(obj: str, table: RawTable, header: list[str], values: list[str], extra_columns: tuple[str, ...]) -> dict:
    if len(values) != len(header):
        raise FieldError("", f"row has {len(values)} fields, the header has {len(header)}")
    delivered = dict(zip(header, values, strict=True))
    row: dict = {}
    for column in table.columns:
        if column.name.startswith("_"):
            continue
        text = delivered.get(column.name, "")
        if text == "":
            if column.name in REQUIRED[obj]:
                raise FieldError(column.name, f"{column.name}: required value is empty")
            row[column.name] = None
            continue
        row[column.name] = CONVERTERS[column.type](column.name, text)
    extras = {k: delivered[k] for k in extra_columns}
    row["_extras"] = json.dumps(extras, sort_keys=True) if extras else None
    return row


def parse(path: Path, data: bytes) -> ParsedFile:
    obj = object_name(path)
    table = OBJECTS[obj]
    lines = io.StringIO(decode_utf8(data), newline="").readlines()
    header = _header(lines, obj)
    declared = {c.name for c in table.columns}
    parsed = ParsedFile(extra_columns=tuple(h for h in header if h not in declared))
    reader = csv.reader(iter(lines[1:]), strict=True)
    consumed = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            values, reason = None, f"unreadable CSV: {exc}"
        record = "".join(lines[1 + consumed : 1 + reader.line_num])
        consumed = reader.line_num
        if values == [] or (values is not None and not record.strip()):
            continue
        parsed.rows_total += 1
        number = parsed.rows_total
        if values is None:
            parsed.rejections.append(Rejection(number, None, reason, record))
            continue
        try:
            row = _typed_row(obj, table, header, values, parsed.extra_columns)
        except FieldError as exc:
            parsed.rejections.append(Rejection(number, exc.field or None, exc.reason, record))
            continue
        row["_row_number"] = number
        parsed.add(table.name, row)
    return parsed
