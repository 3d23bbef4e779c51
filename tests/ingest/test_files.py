"""The streaming scan of a landed file: the same hash, size and UTF-8 verdict as reading it whole, whatever the
block boundaries."""

import codecs
import hashlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import files
from ingest.records import FileRejected, decode_utf8

PIECES = st.sampled_from([b"a", b"\n", "\u00e9".encode(), "\u20ac".encode(), "\U0001f600".encode(), b"\xe9", b"\xff",
                          codecs.BOM_UTF8, b"\xf0\x9f", b"\x80", b"\xed\xa0\x80"])  # fmt: skip


def _reference_error(data: bytes) -> str | None:
    try:
        decode_utf8(data)
    except FileRejected as exc:
        return str(exc)
    return None


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=16).map(b"".join), st.integers(1, 6))
def test_scan_agrees_with_reading_the_file_whole(data: bytes, block: int):
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        path = Path(folder) / "f.bin"
        path.write_bytes(data)
        patch.setattr(files, "BLOCK", block)
        scan = files.scan(path, utf8=True)

    assert (scan.sha256, scan.size, scan.newlines) == (hashlib.sha256(data).hexdigest(), len(data), data.count(b"\n"))
    assert scan.bom == data.startswith(codecs.BOM_UTF8)
    assert scan.utf8_error == _reference_error(data)


def test_scan_without_the_utf8_check_reads_any_bytes(tmp_path: Path):
    path = tmp_path / "box.mbox"
    path.write_bytes(b"From x\n\xff\xfe\n")

    assert files.scan(path, utf8=False).utf8_error is None
    assert files.scan(path, utf8=True).utf8_error == "not UTF-8: byte 0xff at offset 7"
