"""One streaming pass over a landed file: its SHA-256, size and line breaks, and whether it is UTF-8.

The file is read in blocks and never held in memory whole. The readers open it again (DuckDB reads it by path),
so the loader checks afterwards that its size and modification time did not change in between.
"""

import codecs
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ingest import progress
from ingest.records import not_utf8

BLOCK = 1 << 20
TEXT_BUFFER = 1 << 20


@dataclass(frozen=True)
class FileScan:
    sha256: str
    size: int
    newlines: int  # b"\n" bytes: the JSON-lines reader checks its split of the file against this count
    bom: bool  # starts with the UTF-8 byte order mark
    utf8_error: str | None = None  # the file's "not UTF-8" error, when asked for and it is not
    head: bytes = b""  # the first 3 bytes: where a byte order mark would be


class _Utf8Check:
    """An incremental decoder that remembers the first undecodable byte and its offset in the file."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.error: str | None = None

    def feed(self, block: bytes, offset: int, final: bool = False) -> None:
        if self.error is not None:
            return
        carried = self._decoder.buffer  # the start of a character split across blocks
        try:
            self._decoder.decode(block, final)
        except UnicodeDecodeError as exc:
            data_offset = offset - len(carried) + exc.start
            byte = carried[exc.start] if exc.start < len(carried) else block[exc.start - len(carried)]
            self.error = not_utf8(byte, data_offset)


def scan(path: Path, *, utf8: bool) -> FileScan:
    """Hash the file in 1 MiB blocks; with `utf8`, decode it in the same pass to find a byte that is not UTF-8."""
    digest, size, newlines, head = hashlib.sha256(), 0, 0, b""
    check = _Utf8Check() if utf8 else None
    with open(path, "rb") as f:
        total = os.fstat(f.fileno()).st_size
        while block := f.read(BLOCK):
            digest.update(block)
            newlines += block.count(b"\n")
            if check:
                check.feed(block, size)
            head += block[: 3 - len(head)]
            size += len(block)
            progress.report(path, "hashing", size, total)
    if check:
        check.feed(b"", size, final=True)
    error = check.error if check else None
    return FileScan(digest.hexdigest(), size, newlines, head.startswith(codecs.BOM_UTF8), error, head)


def same_stat(before: os.stat_result, after: os.stat_result) -> bool:
    """Size and modification time unchanged: how the loader tells a file it read from one rewritten since."""
    return (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)


@contextmanager
def open_text(path: Path) -> Iterator[TextIO]:
    """A UTF-8 file's lines as the reference parsers split them (a leading BOM dropped, line ends kept)."""
    with open(path, encoding="utf-8-sig", newline="", buffering=TEXT_BUFFER) as text:
        yield text
