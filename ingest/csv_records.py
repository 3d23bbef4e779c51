"""How the reference parser cuts a CSV export into records, with the csv module (strict).

The csv module's field limit (131,072 characters by default) is raised to FIELD_LIMIT for every reader of this
package: a long multi-line text is a value, not an error. After any csv error the cut resynchronises at a record
boundary, never inside a quoted field: RFC 4180 doubles a quote inside a quoted field, so while the text read
since the record began holds an odd number of `"`, the reader is still inside a quoted field, and the following
lines belong to the same (rejected) record until the count is even again. The record keeps all its text; the
records after it are read as usual.
"""

import csv
from _csv import Reader
from collections.abc import Iterable, Iterator

FIELD_LIMIT = 2**31 - 1  # the largest the csv module takes on every platform; a field is bounded by the file


def strict_reader(lines: Iterable[str]) -> Reader:
    """The csv module's reader as this package reads exports: strict, with the field limit raised."""
    csv.field_size_limit(FIELD_LIMIT)
    return csv.reader(lines, strict=True)


def _rest_of_quoted_field(consumed: list[str], source: Iterator[str]) -> None:
    """Read on while the record's text holds an odd number of quotes (it ends inside a quoted field)."""
    quotes = sum(line.count('"') for line in consumed)
    while quotes % 2 == 1 and (line := next(source, None)) is not None:
        quotes += line.count('"')


def csv_records(lines: Iterable[str]) -> Iterator[tuple[list[str] | None, str, str]]:
    """(values, or None with the csv module's error; the record as delivered) for each CSV record after the
    header, blank lines included."""
    consumed: list[str] = []

    def feed() -> Iterator[str]:
        for line in lines:
            consumed.append(line)
            yield line

    source = feed()
    reader = strict_reader(source)
    while True:
        try:
            values, reason = next(reader), ""
        except StopIteration:
            return
        except csv.Error as exc:
            values, reason = None, f"unreadable CSV: {exc}"
            _rest_of_quoted_field(consumed, source)
        record = "".join(consumed)
        consumed.clear()
        yield values, reason, record


def is_record(values: list[str] | None, record: str) -> bool:
    """Blank and whitespace-only lines are not records and get no row number."""
    return values != [] and (values is None or bool(record.strip()))
