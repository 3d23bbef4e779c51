"""An mbox file (RFC 4155) split into messages, one at a time, so that no text is lost.

A line opens a new message when it is the file's first line, or when it has the separator's shape
`From <sender> <asctime date>` (as mutt, Thunderbird, Google Takeout and Mailman archives write it) and comes
after a blank line or before the headers (a header line, or the blank line of a message without headers). Any
other line starting `From ` is body text: a body line that the writer did not quote (`From what I hear, ...`)
stays in its message.

A separator-shaped line that is after a blank line but not before the headers, or before them but not after a
blank line, is ambiguous: both parts are kept as messages, and the line stays at the start of the second part
(so its text is kept too). `mailbox.message_item` names that choice in the rejection of a part that
does not read as a message; a part that does read as one (its own Date and From) is taken as the message it is.

Bodies are un-quoted the mboxrd way: a line of one or more `>` and then `From ` loses one `>`.
"""

import mmap
import re
from collections.abc import Iterator

from ingest.records import FileRejected

_CANDIDATE = re.compile(rb"^From ", re.MULTILINE)
_DAY = rb"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTH = rb"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
# The sender (an address, `-`, MAILER-DAEMON, Mailman's `barry at python.org`), then an asctime date that may
# carry a zone before or after the year, then anything (UUCP's `remote from host`).
_SHAPE = re.compile(
    rb"From [^\s]+(?: at [^\s]+)? +" + _DAY + rb" +" + _MONTH
    + rb" +[0-9]{1,2} +[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?: +[^\s]+)? +[0-9]{4}\b[^\n]*(?:\n|\Z)"
)  # fmt: skip
_HEADERS = re.compile(rb"[!-9;-~]+:|\r?\n")
_QUOTED = re.compile(rb"^>(>*From )", re.MULTILINE)
_BLANK = re.compile(rb"\s*")


def has_messages(data: bytes | mmap.mmap) -> bool:
    """False for an empty (or blank) mailbox; raises for a file that is not an mbox."""
    if _BLANK.fullmatch(data):
        return False
    if data[:5] != b"From ":
        raise FileRejected("not an mbox file: it does not start with a 'From ' separator line")
    return True


def _after_blank_line(data: bytes | mmap.mmap, at: int) -> bool:
    return data[max(at - 2, 0) : at] == b"\n\n" or data[max(at - 3, 0) : at] == b"\n\r\n"


def _split_at(data: bytes | mmap.mmap, at: int) -> tuple[int, int] | None:
    """Where the message before a `From ` line at `at` ends and the next one starts, or None for body text. The
    next one starts after a clean separator (dropped: it is the envelope) and at an ambiguous one (kept)."""
    shape = _SHAPE.match(data, at)
    if shape is None:
        return None
    blank, header = _after_blank_line(data, at), _HEADERS.match(data, shape.end()) is not None
    if not (blank or header):
        return None
    return at, (shape.end() if blank and header else at)


def split_messages(data: bytes | mmap.mmap) -> Iterator[bytes]:
    """The file's messages as delivered (still quoted), without their separator lines and the blank line before
    the next one; `data` may be a memory map of the file, so only the current message is ever copied."""
    for message, _ in split_messages_read(data):
        yield message


def split_messages_read(data: bytes | mmap.mmap) -> Iterator[tuple[bytes, int]]:
    """Each message with how many bytes of the file were read once it was split off (for a progress report)."""
    end_of_line = data.find(b"\n")
    if data[:5] != b"From " or end_of_line < 0:
        return
    start = end_of_line + 1
    for candidate in _CANDIDATE.finditer(data, start):
        split = _split_at(data, candidate.start())
        if split is not None:
            yield data[start : split[0]].removesuffix(b"\n"), split[1]
            start = split[1]
    yield data[start:].removesuffix(b"\n"), len(data)


def opens_with_separator(raw: bytes) -> bool:
    """Whether a message starts with the separator-shaped line of an ambiguous split."""
    return raw.startswith(b"From ")


def unquoted(raw: bytes) -> bytes:
    """The message with mboxrd quoting undone: `>From ` lines become `From `, `>>From ` lines `>From `."""
    return _QUOTED.sub(rb"\1", raw) if b">From " in raw else raw
