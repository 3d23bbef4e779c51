"""SendGrid Event Webhook bodies: a JSON array (one POST) in `*.json`, or one event per line in `*.jsonl`."""

import json
from datetime import UTC, datetime
from pathlib import Path

from ingest.records import FieldError, FileRejected, ParsedFile, Rejection, decode_utf8, to_utc_naive
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


def _events(path: Path, text: str) -> list[tuple[int, object, str]]:
    """(event index, decoded event or the JSON error, the event as delivered)."""
    if path.suffix == ".jsonl":
        items = []
        for line in text.split("\n"):
            if not line.strip():
                continue
            try:
                items.append((len(items) + 1, json.loads(line), line))
            except json.JSONDecodeError as exc:
                items.append((len(items) + 1, exc, line))
        return items
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileRejected(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    if not isinstance(body, list):
        kind = type(body).__name__
        raise FileRejected(f"expected a JSON array of events (the webhook POST body), got a JSON {kind}")
    return [(i, event, _record(event)) for i, event in enumerate(body, start=1)]


def parse(path: Path, data: bytes) -> ParsedFile:
    parsed = ParsedFile()
    for number, event, record in _events(path, decode_utf8(data)):
        parsed.rows_total += 1
        if isinstance(event, json.JSONDecodeError):
            parsed.rejections.append(Rejection(number, None, f"invalid JSON: {event.msg}", record))
            continue
        try:
            parsed.add(SENDGRID_EVENTS.name, event_row(event, number))
        except FieldError as exc:
            parsed.rejections.append(Rejection(number, exc.field or None, exc.reason, record))
    return parsed
