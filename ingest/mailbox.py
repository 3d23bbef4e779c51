"""mbox mailboxes (RFC 4155) as Google Takeout and mail clients export them: one row per message."""

import email.policy
import hashlib
import mmap
import re
from collections.abc import Iterator
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from pathlib import Path

from ingest.records import FieldError, FileRejected, Item, ParsedFile, Rejection, collect, to_utc_naive
from ingest.schema import MAILBOX_MESSAGES, MAILBOX_RECIPIENTS

_PARSER = BytesParser(policy=email.policy.default)
_SEPARATOR = re.compile(rb"^From [^\n]*\n", re.MULTILINE)


def _strip_brackets(value: str | None) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value.strip("<>").strip() or None


def message_id(message: EmailMessage, raw: bytes) -> str:
    """The Message-ID; a message without one gets a stable id derived from its bytes."""
    return _strip_brackets(message.get("Message-ID")) or derived_id(raw)


def derived_id(raw: bytes) -> str:
    """The id of a message without a Message-ID: the same bytes give the same id in any mailbox."""
    return f"sha256-{hashlib.sha256(raw).hexdigest()[:32]}@radar.invalid"


def _sent_at(message: EmailMessage):
    header = message.get("Date")
    if header is None:
        raise FieldError("Date", "Date: header is missing (the mbox separator's date is not trusted)")
    try:
        return to_utc_naive(parsedate_to_datetime(str(header)))
    except (TypeError, ValueError):
        raise FieldError("Date", f"Date: {str(header)!r} is not an RFC 2822 date") from None


def _body_text(message: EmailMessage) -> str | None:
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        return None
    try:
        return part.get_content()
    except (LookupError, UnicodeError):
        return part.get_payload(decode=True).decode("utf-8", errors="replace")


def _message_rows(message: EmailMessage, raw: bytes, number: int) -> tuple[dict, list[dict]]:
    msg_id = message_id(message, raw)
    sent_at = _sent_at(message)
    from_name, from_address = parseaddr(str(message.get("From", "")))
    if not from_address:
        raise FieldError("From", "From: header is missing or has no address")
    row = {
        "message_id": msg_id,
        "sent_at": sent_at,
        "from_address": from_address,
        "from_name": from_name or None,
        "subject": str(message.get("Subject", "")) or None,
        "in_reply_to": _strip_brackets(message.get("In-Reply-To")),
        "body_text": _body_text(message),
        "_row_number": number,
    }
    recipients = []
    for kind in ("to", "cc"):
        for name, address in getaddresses([str(v) for v in message.get_all(kind, [])]):
            if address:
                recipients.append(
                    {
                        "message_id": msg_id,
                        "recipient_type": kind,
                        "address": address,
                        "display_name": name or None,
                        "_row_number": number,
                    }
                )
    return row, recipients


_BLANK = re.compile(rb"\s*")


def has_messages(data: bytes | mmap.mmap) -> bool:
    """False for an empty (or blank) mailbox; raises for a file that is not an mbox."""
    if _BLANK.fullmatch(data):
        return False
    if data[:5] != b"From ":
        raise FileRejected("not an mbox file: it does not start with a 'From ' separator line")
    return True


def split_messages(data: bytes | mmap.mmap) -> Iterator[bytes]:
    """Split an mbox the way `mailbox.mbox` does (every line starting "From " opens a message), one message at
    a time: `data` may be a memory map of the file, so only the current message is ever copied."""
    matches = _SEPARATOR.finditer(data)
    previous = next(matches, None)
    if previous is None:
        return
    for match in matches:
        yield data[previous.end() : match.start()].removesuffix(b"\n")
        previous = match
    yield data[previous.end() :].removesuffix(b"\n")


def message_item(raw: bytes, number: int) -> Item:
    """One message read by the `email` package (policy.default): the reference for every message."""
    try:
        message = _PARSER.parsebytes(raw)
        row, recipients = _message_rows(message, raw, number)
    except FieldError as exc:
        return Rejection(number, exc.field, exc.reason, delivered(raw))
    except (ValueError, TypeError, IndexError) as exc:
        return Rejection(number, None, f"unreadable message: {exc}", delivered(raw))
    return ((MAILBOX_MESSAGES.name, row), *((MAILBOX_RECIPIENTS.name, r) for r in recipients))


def delivered(raw: bytes) -> str:
    """A message as delivered, for its rejection: non-UTF-8 bytes stay visible as \\xNN."""
    return raw.decode("utf-8", errors="backslashreplace")


def parse(path: Path, data: bytes) -> ParsedFile:
    """Parse a whole mailbox held in memory (the reference the streaming reader is tested against)."""
    if not has_messages(data):
        return ParsedFile()
    return collect(message_item(raw, number) for number, raw in enumerate(split_messages(data), start=1))
