"""Which encoding a Salesforce export is read in. Data Export lets the user choose one, so a file is not refused for
not being UTF-8:

1. a byte order mark says UTF-8 or UTF-16 (little- or big-endian);
2. otherwise `RADAR_SALESFORCE_ENCODING`, when set (any name Python knows: `ISO-8859-1`, `cp1252`, ...), read
   strictly: a byte that is not in it fails the file, naming the byte;
3. otherwise UTF-8 when the bytes are UTF-8;
4. otherwise Windows-1252 (a superset of ISO-8859-1's printable characters, what Western orgs export), as the
   WHATWG Encoding Standard reads it: the five bytes cp1252 leaves undefined read as the C1 controls, so no byte
   is lost. That choice is a guess, so it is recorded: the file's ledger row keeps it in `error` (the file is
   `loaded`, or `partial`), and the load logs it.
"""

import codecs
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.files import TEXT_BUFFER
from ingest.records import FileRejected, not_utf8

ENCODING_VARIABLE = "RADAR_SALESFORCE_ENCODING"
FALLBACK = "cp1252"
_C1 = "radar-c1-controls"


def _c1_controls(exc: UnicodeDecodeError) -> tuple[str, int]:
    """The WHATWG reading of cp1252's undefined bytes (0x81, 0x8d, 0x8f, 0x90, 0x9d): U+0081, ..."""
    return "".join(chr(b) for b in exc.object[exc.start:exc.end]), exc.end


codecs.register_error(_C1, _c1_controls)


@dataclass(frozen=True)
class Decoding:
    codec: str  # a Python codec name; "utf-8-sig" and "utf-16" drop the byte order mark
    errors: str = "strict"
    note: str | None = None  # why the file was read so, when the choice was a guess (for the ledger)
    origin: str = ""  # where the choice came from, for the error of a byte the codec refuses

    @property
    def is_utf8(self) -> bool:
        return self.codec == "utf-8-sig"


def _configured() -> Decoding | None:
    name = os.environ.get(ENCODING_VARIABLE, "").strip()
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise FileRejected(f"{ENCODING_VARIABLE}={name!r} is not an encoding Python knows") from None
    return Decoding("utf-8-sig" if codec == "utf-8" else codec, origin=f"{ENCODING_VARIABLE}={name}")


def _chosen(head: bytes, utf8_error: str | None) -> Decoding:
    if head.startswith(codecs.BOM_UTF8):
        return Decoding("utf-8-sig", origin="its UTF-8 byte order mark")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoding("utf-16", origin="its UTF-16 byte order mark")
    configured = _configured()
    if configured is not None:
        return configured
    if utf8_error is None:
        return Decoding("utf-8-sig")
    note = f"{utf8_error}, and {ENCODING_VARIABLE} is not set: read as Windows-1252"
    return Decoding(FALLBACK, _C1, note)


def choose(head: bytes, utf8_error: str | None) -> Decoding:
    """The encoding of a file from its first bytes and its "not UTF-8" error (None when it is UTF-8); a file that
    must be UTF-8 (a UTF-8 byte order mark, or so configured) and is not fails with that error."""
    decoding = _chosen(head, utf8_error)
    if decoding.is_utf8 and utf8_error is not None:
        raise FileRejected(utf8_error)
    return decoding


def of_bytes(data: bytes) -> Decoding:
    """`choose` for a file held in memory."""
    try:
        data.decode("utf-8")
        error = None
    except UnicodeDecodeError as exc:
        error = not_utf8(data[exc.start], exc.start)
    return choose(data[:3], error)


def refused(decoding: Decoding, exc: UnicodeDecodeError) -> FileRejected:
    """The error of a file with bytes its chosen encoding does not have."""
    byte = exc.object[exc.start]
    return FileRejected(f"not {decoding.codec} (chosen by {decoding.origin}): byte 0x{byte:02x} ({exc.reason})")


def decode(data: bytes, decoding: Decoding) -> str:
    try:
        return data.decode(decoding.codec, decoding.errors)
    except UnicodeDecodeError as exc:
        raise refused(decoding, exc) from None


@contextmanager
def open_lines(path: Path, decoding: Decoding) -> Iterator[Iterator[str]]:
    """The file's lines as the reference parser splits them (line ends kept), decoded; a byte the encoding does
    not have fails the file with a FileRejected naming it."""
    with open(path, encoding=decoding.codec, errors=decoding.errors, newline="", buffering=TEXT_BUFFER) as text:
        yield _checked(text, decoding)


def _checked(lines: Iterator[str], decoding: Decoding) -> Iterator[str]:
    try:
        yield from lines
    except UnicodeDecodeError as exc:
        raise refused(decoding, exc) from None
