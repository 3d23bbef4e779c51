"""A fast reader for the common shapes of mailbox messages, giving exactly the rows the `email` package gives.

It takes a message only when it is sure: ASCII headers (folded or not) with a blank line after them, no
carriage returns, and a body that is single-part text/plain or text/html (7bit, 8bit or quoted-printable,
us-ascii or UTF-8) or a flat multipart/alternative of such parts. Any other message returns None and
`mailbox.message_item` (policy.default) reads it. Header values in the simple forms (plain text, `addr`,
`Name <addr>`, `"Name" <addr>`, an RFC 2822 date with a numeric zone) are read here; any other value of a
header the rows need is read by the header parser of `mailbox_headers.POLICY`, which is what `Message.get`
calls in the reference, and then by the reference's own functions. The message is mboxrd-unquoted first, as
the reference does; a Date the reference would reject (`plausible_sent_at`) hands the message to it.
"""

import itertools
import quopri
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from ingest import mailbox_shapes as shapes
from ingest.mailbox import message_id, plausible_sent_at, recipients, sender
from ingest.mailbox_headers import POLICY, first_msg_id
from ingest.mailbox_split import unquoted
from ingest.records import FieldError, Item, to_utc_naive
from ingest.schema import MAILBOX_MESSAGES, MAILBOX_RECIPIENTS

_MONTHS = {m: i for i, m in enumerate(shapes.MONTHS, start=1)}
_TEXT_CHARSETS = {"us-ascii", "utf-8"}
_DECODED = {"7bit": False, "8bit": False, "quoted-printable": True}


class _Unsupported(Exception):
    """A message shape this reader does not take; the `email` package reads it."""


def _headers(head: str) -> list[tuple[str, str, str]]:
    """(lower-case name, name, value as `Message.get` sees it) for each header line, folded lines unfolded."""
    found: list[tuple[str, str, str]] = []
    for line in head.split("\n"):
        if line[:1] in (" ", "\t"):
            if not found:
                raise _Unsupported
            lower, name, value = found[-1]
            found[-1] = (lower, name, value + line)
            continue
        match = shapes.HEADER_NAME.match(line)
        if match is None or line.startswith("From "):
            raise _Unsupported
        name = match.group(1)
        found.append((name.lower(), name, line[match.end() :].lstrip(" \t")))
    return found


class _Message:
    """A message's headers, by lower-case name in order, and its body."""

    def __init__(self, headers: list[tuple[str, str, str]], body: bytes) -> None:
        self.by_name: dict[str, list[tuple[str, str]]] = {}
        for lower, name, value in headers:
            self.by_name.setdefault(lower, []).append((name, value))
        self.body = body

    def first(self, lower: str) -> tuple[str, str] | None:
        """(name, value) of the first header of that name: what `Message.get` reads."""
        found = self.by_name.get(lower)
        return found[0] if found else None

    def all(self, lower: str) -> list[tuple[str, str]]:
        return self.by_name.get(lower, [])


def _header(name: str, value: str):
    """What `message.get(name)` is for a value this reader does not read itself: the header object."""
    return POLICY.header_fetch_parse(name, value)


def _parsed(name: str, value: str) -> str:
    """What `str(message.get(name))` is for a value this reader does not read itself."""
    return str(_header(name, value))


def _unstructured(header: tuple[str, str] | None) -> str | None:
    if header is None:
        return None
    name, value = header
    return value if shapes.plain_text(value) else _parsed(name, value)


def _message_id(message: _Message, raw: bytes) -> str:
    header = message.first("message-id")
    if header is not None and shapes.MESSAGE_ID.fullmatch(header[1]):
        return header[1][1:-1]
    return message_id(_parsed(*header) if header is not None else None, raw)


def _sent_at(message: _Message, load_time: datetime) -> datetime:
    header = message.first("date")
    if header is None:
        raise _Unsupported  # rejected: the email package gives the reason
    try:
        return plausible_sent_at(_utc(header), header[1], load_time)
    except FieldError:
        raise _Unsupported from None


def _utc(header: tuple[str, str]) -> datetime:
    match = shapes.DATE.fullmatch(header[1])
    if match is None:
        try:
            return to_utc_naive(parsedate_to_datetime(_parsed(*header)))
        except (TypeError, ValueError):
            raise _Unsupported from None
    day, month, year, hour, minute, second, sign, zone_hours, zone_minutes = match.groups()
    try:
        local = datetime(int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second))
    except ValueError:
        raise _Unsupported from None
    offset = timedelta(hours=int(zone_hours), minutes=int(zone_minutes))
    return local + offset if sign == "-" else local - offset


def _mailboxes(name: str, value: str) -> list[tuple[str, str]]:
    """(display name, address) of each mailbox of an address header, as the reference finds them."""
    found = shapes.mailbox_list(value)
    return found if found is not None else recipients([_header(name, value)])


def _sender(message: _Message) -> tuple[str, str]:
    header = message.first("from")
    if header is None:
        raise _Unsupported
    found = shapes.mailbox_list(header[1])
    if found is not None and len(found) == 1:
        return found[0]
    try:
        return sender(_header(*header))
    except FieldError:
        raise _Unsupported from None


def _text_part(message: _Message) -> tuple[str, str] | None:
    """(content subtype, charset) of a text part this reader decodes; None for a multipart/alternative."""
    if message.first("content-disposition") is not None:
        raise _Unsupported
    header = message.first("content-type")
    if header is None:
        return "plain", "us-ascii"
    match = shapes.TEXT_TYPE.fullmatch(header[1])
    if match is not None and (match.group(3) or "us-ascii").lower() in _TEXT_CHARSETS:
        return match.group(1), match.group(3) or "us-ascii"
    raise _Unsupported


def _decoded(message: _Message, charset: str) -> str:
    header = message.first("content-transfer-encoding")
    encoding = "7bit" if header is None else header[1]
    if not shapes.TOKEN.fullmatch(encoding) or encoding.lower() not in _DECODED:
        raise _Unsupported
    payload = quopri.decodestring(message.body) if _DECODED[encoding.lower()] else message.body
    return payload.decode(charset, errors="replace")


def _body_text(message: _Message) -> str | None:
    """The first text/plain body, as `get_body(("plain",)).get_content()` gives it."""
    header = message.first("content-type")
    boundary = shapes.ALTERNATIVE.fullmatch(header[1]) if header is not None else None
    if boundary is None:
        subtype, charset = _text_part(message)
        return _decoded(message, charset) if subtype == "plain" else None
    if message.first("content-disposition") is not None:
        raise _Unsupported
    for part in _parts(message.body, boundary.group(1).encode("ascii")):
        subtype, charset = _text_part(part)
        if subtype == "plain":
            return _decoded(part, charset)
    return None


def _parts(body: bytes, boundary: bytes) -> list[_Message]:
    """The parts of a multipart body: between a first `--boundary` line and the closing `--boundary--` line,
    parts separated by single `--boundary` lines. Any other line starting with `--boundary` is unsupported."""
    lines = body.split(b"\n")
    delimiter, close = b"--" + boundary, b"--" + boundary + b"--"
    marks = [i for i, line in enumerate(lines) if line.startswith(delimiter)]
    if not marks or any(lines[i] not in (delimiter, close) for i in marks) or lines[marks[-1]] != close:
        raise _Unsupported
    spans = list(itertools.pairwise(marks))
    if any(lines[i] == close for i in marks[:-1]) or any(b - a == 1 for a, b in spans):
        raise _Unsupported
    return [_message(b"\n".join(lines[a + 1 : b])) for a, b in spans]


def _message(raw: bytes) -> _Message:
    split = raw.find(b"\n\n")
    if split <= 0 or b"\r" in raw:
        raise _Unsupported
    head = raw[:split]
    if not head.isascii():
        raise _Unsupported
    return _Message(_headers(head.decode("ascii")), raw[split + 2 :])


def _rows(raw: bytes, number: int, load_time: datetime) -> Item:
    message = _message(raw)
    msg_id = _message_id(message, raw)
    sent_at = _sent_at(message, load_time)
    from_name, from_address = _sender(message)
    row = {
        "message_id": msg_id,
        "sent_at": sent_at,
        "from_address": from_address,
        "from_name": from_name or None,
        "subject": _unstructured(message.first("subject")) or None,
        "in_reply_to": first_msg_id(_unstructured(message.first("in-reply-to"))),
        "body_text": _body_text(message),
        "_row_number": number,
    }
    recipients = [
        {"message_id": msg_id, "recipient_type": kind, "address": address, "display_name": name or None,
         "_row_number": number}
        for kind in ("to", "cc")
        for name, address in _recipients(message, kind)
    ]  # fmt: skip
    return ((MAILBOX_MESSAGES.name, row), *((MAILBOX_RECIPIENTS.name, r) for r in recipients))


def _recipients(message: _Message, kind: str) -> list[tuple[str, str]]:
    headers = message.all(kind)
    if len(headers) == 1:
        return _mailboxes(*headers[0])
    return recipients([_header(name, value) for name, value in headers])


def message_item(raw: bytes, number: int, load_time: datetime) -> Item | None:
    """The message's rows (as delivered, mboxrd-quoted) when it has one of the shapes read here; None when the
    email package must read it (every message the reference rejects is one of those)."""
    try:
        return _rows(unquoted(raw), number, load_time)
    except _Unsupported:
        return None

