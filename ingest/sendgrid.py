"""SendGrid Event Webhook bodies: a JSON array (one POST) in `*.json`, or one event per line in `*.jsonl`."""

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ingest.files import open_text
from ingest.records import (
    FieldError,
    FileRejected,
    Item,
    ParsedFile,
    Rejection,
    Staged,
    Streamed,
    collect,
    decode_utf8,
    to_utc_naive,
)
from ingest.schema import SENDGRID_EVENTS


def _text(event: dict, name: str, *, required: bool) -> str | None:
    value = event.get(name)
    if value is None or value == "":
        if required:
            raise FieldError(name, f"{name}: required field is missing")
        return None
    if not isinstance(value, str):
        raise FieldError(name, f"{name}: {value!r} is not a string")
    return value


def _event_at(event: dict):
    value = event.get("timestamp")
    if value is None:
        raise FieldError("timestamp", "timestamp: required field is missing")
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise FieldError("timestamp", f"timestamp: {value!r} is not Unix seconds")
    try:
        return to_utc_naive(datetime.fromtimestamp(value, UTC))
    except (OverflowError, OSError, ValueError):
        raise FieldError("timestamp", f"timestamp: {value!r} is not Unix seconds in range") from None


def _is_text(text: str) -> bool:
    """False when the text holds an unpaired surrogate: legal as a JSON escape, not storable as text."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _record(event: object) -> str:
    """An array element as JSON text for its rejection; unpaired surrogates stay escaped."""
    text = json.dumps(event, ensure_ascii=False)
    return text if _is_text(text) else json.dumps(event)


def event_row(event: object, number: int) -> dict:
    if not isinstance(event, dict):
        raise FieldError("", f"event is a JSON {type(event).__name__}, not an object")
    payload = json.dumps(event, sort_keys=True, ensure_ascii=False)
    if not _is_text(payload):
        raise FieldError("", "event holds an unpaired surrogate escape (\\ud800-\\udfff), which is not text")
    smtp_id = _text(event, "smtp-id", required=False)
    return {
        "sg_event_id": _text(event, "sg_event_id", required=True),
        "sg_message_id": _text(event, "sg_message_id", required=False),
        "smtp_id": smtp_id.strip().strip("<>") if smtp_id else None,
        "email": _text(event, "email", required=True),
        "event": _text(event, "event", required=True),
        "event_at": _event_at(event),
        "reason": event.get("reason") if isinstance(event.get("reason"), str) else None,
        "payload": payload,
        "_row_number": number,
    }


def event_item(event: object, number: int, record: str) -> Item:
    """One decoded event: its row, or its rejection with `record` as the event as delivered."""
    try:
        return ((SENDGRID_EVENTS.name, event_row(event, number)),)
    except FieldError as exc:
        return Rejection(number, exc.field or None, exc.reason, record)


def array_event_item(event: object, number: int) -> Item:
    """An element of a JSON array body; its record is the element written back as JSON."""
    return event_item(event, number, _record(event))


def line_item(line: str, number: int) -> Item:
    """One line of a JSON-lines file; its record is the line."""
    try:
        event = json.loads(line)
    except json.JSONDecodeError as exc:
        return Rejection(number, None, f"invalid JSON: {exc.msg}", line)
    return event_item(event, number, line)


def line_items(lines: Iterable[str]) -> Iterator[Item]:
    """The events of a JSON-lines file (lines split on "\n" only); blank lines are not events."""
    number = 0
    for line in lines:
        if line.strip():
            number += 1
            yield line_item(line, number)


def array_items(text: str) -> Iterator[Item]:
    """The events of a JSON array body, decoded whole; a file that is not one fails."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileRejected(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    if not isinstance(body, list):
        kind = type(body).__name__
        raise FileRejected(f"expected a JSON array of events (the webhook POST body), got a JSON {kind}")
    return (array_event_item(event, number) for number, event in enumerate(body, start=1))


def parse(path: Path, data: bytes) -> ParsedFile:
    """Parse a whole body held in memory (the reference the DuckDB reader is tested against)."""
    text = decode_utf8(data)
    return collect(line_items(text.split("\n")) if path.suffix == ".jsonl" else array_items(text))


@contextmanager
def stream(path: Path) -> Iterator[Staged]:
    """The reference parser for the loader: a `.jsonl` file read line by line as it is inserted (lines split on
    "\\n" only, as `parse` splits them); a `.json` body decoded whole, as it must be."""
    if path.suffix == ".jsonl":
        with open(path, encoding="utf-8-sig", newline="\n") as text:
            yield Streamed(line_items(line.removesuffix("\n") for line in text))
    else:
        with open_text(path) as text:
            yield Streamed(array_items(text.read()))
