"""The header value shapes `mailbox_fast` reads itself. Each is narrow on purpose: for a value of one of these
shapes, reading it here gives what the `email` package gives (tests/ingest/test_mailbox_fast.py checks that on
generated values); any other value is handed to the `email` package."""

import re

HEADER_NAME = re.compile(r"([!-9;-~]+):")  # the feedparser's header line, minus the odd cases

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = rf"{_ATOM}(?:\.{_ATOM})*"
_ADDRESS = rf"{_DOT_ATOM}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_WORDS = r"[!#-\[\]-~]+(?: [!#-\[\]-~]+)*"  # quoted-string text: no quote, backslash or stray spaces
_MAILBOX = re.compile(rf'(?:({_ATOM}(?: {_ATOM})*|"{_WORDS}") <({_ADDRESS})>|({_ADDRESS}))(, |$)')

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MESSAGE_ID = re.compile(rf"<{_DOT_ATOM}@{_DOT_ATOM}>")
DATE = re.compile(
    rf"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{{1,2}}) ({'|'.join(MONTHS)}) "
    r"([12][0-9]{3}) ([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]) ([+-])([01][0-9]|2[0-3])([0-5][0-9])"
)
TOKEN = re.compile(r"[A-Za-z0-9-]+")
TEXT_TYPE = re.compile(r'text/(plain|html)(?:; charset=("?)([A-Za-z0-9-]+)\2)?')
ALTERNATIVE = re.compile(r"multipart/alternative; boundary=\"([A-Za-z0-9'()+_,./:=?-]{1,70})\"")


def plain_text(value: str) -> bool:
    """Printable ASCII without encoded words: what an unstructured header (Subject) reads as itself."""
    return value.isascii() and value.isprintable() and "=?" not in value


def mailbox_list(value: str) -> list[tuple[str, str]] | None:
    """(display name, address) of `addr`, `Name <addr>` and `"Name" <addr>` mailboxes separated by ", ";
    None for any other value."""
    if "=?" in value or not value:
        return None
    found, position = [], 0
    while position < len(value):
        match = _MAILBOX.match(value, position)
        if match is None or (match.group(4) == ", " and match.end() == len(value)):
            return None
        name, address, bare = match.group(1, 2, 3)
        found.append(("", bare) if bare else (name.strip('"'), address))
        position = match.end()
    return found
