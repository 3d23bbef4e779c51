"""mbox mailboxes (RFC 4155) as Google Takeout and mail clients export them: one row per message.

Headers are read as the RFCs define them (`mailbox_headers`); the file is split so that no text is lost
(`mailbox_split`). What a sender writes never fails a file: a message whose Date, From or shape cannot be
taken is a rejected row with its reason, and the file's other messages load.
"""

import hashlib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from ingest.mailbox_headers import POLICY, first_msg_id
from ingest.mailbox_split import has_messages, opens_with_separator, split_messages, unquoted
from ingest.records import FieldError, Item, ParsedFile, Rejection, collect, to_utc_naive
from ingest.schema import MAILBOX_MESSAGES, MAILBOX_RECIPIENTS

_PARSER = BytesParser(policy=POLICY)
# A Date this long after the file's load time is a sender's clock fault, not clock skew, and is rejected.
CLOCK_SKEW = timedelta(days=1)
# Network mail began in 1971: an earlier Date (often the epoch, from a client without a clock) is a clock fault.
EARLIEST_SENT_AT = datetime(1971, 1, 1)
AMBIGUOUS_SPLIT = "mbox separator"


def derived_id(raw: bytes) -> str:
    """The id of a message without a Message-ID: the same bytes give the same id in any mailbox."""
    return f"sha256-{hashlib.sha256(raw).hexdigest()[:32]}@radar.invalid"


def message_id(header: str | None, raw: bytes) -> str:
    """The Message-ID's msg-id; a message without one gets a stable id derived from its bytes."""
    return first_msg_id(header) or derived_id(raw)


def plausible_sent_at(sent_at: datetime, header: str, load_time: datetime) -> datetime:
    """The Date as UTC, when it can be true of a message in a file loaded at `load_time` (naive UTC)."""
    if sent_at > load_time + CLOCK_SKEW:
        raise FieldError(
            "Date", f"Date: {header!r} is more than a day after the file was loaded ({load_time:%Y-%m-%d %H:%M} UTC)"
        )
    if sent_at < EARLIEST_SENT_AT:
        raise FieldError("Date", f"Date: {header!r} is before {EARLIEST_SENT_AT.year}, when network mail began")
    return sent_at


def _sent_at(message: EmailMessage, load_time: datetime) -> datetime:
    header = message.get("Date")
    if header is None:
        raise FieldError("Date", "Date: header is missing (the mbox separator's date is not trusted)")
    try:
        sent_at = to_utc_naive(parsedate_to_datetime(str(header)))
    except (TypeError, ValueError):
        raise FieldError("Date", f"Date: {str(header)!r} is not an RFC 2822 date") from None
    return plausible_sent_at(sent_at, str(header), load_time)


def sender(header) -> tuple[str, str]:
    """(display name, address) of the first mailbox of a From header object; a From without one, or whose
    address has no domain, rejects the message."""
    mailboxes = [a for a in header.addresses if a.username] if header is not None else []
    if not mailboxes:
        raise FieldError("From", "From: header is missing or has no address")
    if not mailboxes[0].domain:
        raise FieldError("From", f"From: {mailboxes[0].addr_spec!r} has no domain (an address is local-part@domain)")
    return mailboxes[0].display_name, mailboxes[0].addr_spec


def recipients(headers: list) -> list[tuple[str, str]]:
    """(display name, address) of every mailbox of some To or Cc header objects, in order."""
    return [(a.display_name, a.addr_spec) for header in headers for a in header.addresses if a.username]


def _body_text(message: EmailMessage) -> str | None:
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        return None
    try:
        return part.get_content()
    except (LookupError, UnicodeError):
        return part.get_payload(decode=True).decode("utf-8", errors="replace")


def _text(message: EmailMessage, name: str) -> str | None:
    header = message.get(name)
    return None if header is None else str(header)


def _message_rows(message: EmailMessage, raw: bytes, number: int, load_time: datetime) -> tuple[dict, list[dict]]:
    msg_id = message_id(_text(message, "Message-ID"), raw)
    sent_at = _sent_at(message, load_time)
    from_name, from_address = sender(message.get("From"))
    row = {
        "message_id": msg_id,
        "sent_at": sent_at,
        "from_address": from_address,
        "from_name": from_name or None,
        "subject": _text(message, "Subject") or None,
        "in_reply_to": first_msg_id(_text(message, "In-Reply-To")),
        "body_text": _body_text(message),
        "_row_number": number,
    }
    found = [
        {"message_id": msg_id, "recipient_type": kind, "address": address, "display_name": name or None,
         "_row_number": number}
        for kind in ("to", "cc")
        for name, address in recipients(message.get_all(kind, []))
    ]  # fmt: skip
    return row, found


def _rejection(raw: bytes, number: int, field: str | None, reason: str) -> Rejection:
    """A message's rejection; for the second part of an ambiguous split, one that says so."""
    if opens_with_separator(raw):
        field, reason = AMBIGUOUS_SPLIT, (
            "split off at a 'From ' line shaped like an mbox separator that is not both after a blank line and "
            f"before a header, and kept whole here (it may be the end of message {number - 1}'s body): {reason}"
        )
    return Rejection(number, field, reason, delivered(raw))


def message_item(raw: bytes, number: int, load_time: datetime) -> Item:
    """One message (as delivered, mboxrd-quoted) read by the `email` package: the reference for every message."""
    message_bytes = unquoted(raw)
    try:
        message = _PARSER.parsebytes(message_bytes)
        row, found = _message_rows(message, message_bytes, number, load_time)
    except FieldError as exc:
        return _rejection(raw, number, exc.field, exc.reason)
    except (ValueError, TypeError, IndexError) as exc:
        return _rejection(raw, number, None, f"unreadable message: {exc}")
    return ((MAILBOX_MESSAGES.name, row), *((MAILBOX_RECIPIENTS.name, r) for r in found))


def delivered(raw: bytes) -> str:
    """A message as delivered, for its rejection: non-UTF-8 bytes stay visible as \\xNN."""
    return raw.decode("utf-8", errors="backslashreplace")


def parse(path: Path, data: bytes, load_time: datetime) -> ParsedFile:
    """Parse a whole mailbox held in memory (the reference the streaming reader is tested against), loaded at
    `load_time` (naive UTC)."""
    if not has_messages(data):
        return ParsedFile()
    return collect(message_item(raw, number, load_time) for number, raw in enumerate(split_messages(data), start=1))
