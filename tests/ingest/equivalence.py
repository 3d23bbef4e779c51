"""Load the same files through the loader's readers and through the reference parsers (the in-memory legacy
`parse` functions), and compare what each warehouse holds: raw rows, rejected rows and ledger."""

import json
import tempfile
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from ingest import loader, mailbox, salesforce, sendgrid
from ingest.landing import LandedFile
from ingest.schema import FILES, RAW_TABLES, REJECTED_ROWS

# The reference parsers, each given the file's load time as the readers are (only the mailbox one uses it).
REFERENCE = {
    "salesforce": lambda path, data, _load_time: salesforce.parse(path, data),
    "mailbox": mailbox.parse,
    "sendgrid": lambda path, data, _load_time: sendgrid.parse(path, data),
}
JSON_COLUMNS = {"_extras", "payload"}


def _reference_reader(source: str):
    return lambda con, path, scan, load_time: nullcontext(REFERENCE[source](path, path.read_bytes(), load_time))


@contextmanager
def reference_readers():
    """The loader with the reference parsers in place of its readers."""
    with pytest.MonkeyPatch.context() as patch:
        for source in REFERENCE:
            patch.setitem(loader.READERS, source, _reference_reader(source))
        yield


def _normal(names: list[str], row: tuple) -> tuple:
    """A row with its JSON values decoded: JSON-equal values compare equal."""
    return tuple(json.loads(v) if n in JSON_COLUMNS and v is not None else v for n, v in zip(names, row, strict=True))


def state(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    found = {}
    for table in RAW_TABLES:
        cursor = con.execute(f"select * from {table.qualified}")
        names = [d[0] for d in cursor.description]
        found[table.name] = sorted((_normal(names, r) for r in cursor.fetchall()), key=repr)
    ledger = f"select * exclude (loaded_at, loaded_as_of) from {FILES.qualified} order by file_id"
    found["_files"] = con.execute(ledger).fetchall()
    found["_rejected_rows"] = con.execute(f"select * from {REJECTED_ROWS.qualified} order by all").fetchall()
    return found


@contextmanager
def recording_readers(kinds: list[str]):
    """The loader's readers, noting which kind of staged file each one handed over (`_FastStaged` for the
    DuckDB path, `Streamed` for the reference parser streaming)."""

    def recording(real):
        @contextmanager
        def reader(con, path, scan, load_time):
            with real(con, path, scan, load_time) as staged:
                kinds.append(type(staged).__name__)
                yield staged

        return reader

    with pytest.MonkeyPatch.context() as patch:
        for source, real in list(loader.READERS.items()):
            patch.setitem(loader.READERS, source, recording(real))
        yield


def load_all(folder: Path, files: list[tuple[str, Path]], *, reference: bool, kinds: list[str] | None = None,
             load_time: datetime | None = None) -> dict[str, list]:
    con = loader.connect(Path(":memory:"))  # the file is in `folder`; the warehouse need not be
    try:
        with reference_readers() if reference else recording_readers([] if kinds is None else kinds):
            for source, path in files:
                loader.load_file(con, LandedFile(source, path), load_time=load_time)
        return state(con)
    finally:
        con.close()


def both(source: str, name: str, data: bytes, load_time: datetime | None = None) -> tuple[dict, dict, list[str]]:
    """(fast state, reference state, the kind of staged file the fast loader used) of one file loaded at
    `load_time` (now when not given)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / source / name
        path.parent.mkdir()
        path.write_bytes(data)
        kinds: list[str] = []
        fast = load_all(Path(tmp), [(source, path)], reference=False, kinds=kinds, load_time=load_time)
        return fast, load_all(Path(tmp), [(source, path)], reference=True, load_time=load_time), kinds


def assert_same(source: str, name: str, data: bytes, load_time: datetime | None = None) -> list[str]:
    """Both loaders agree on this file; returns the kinds of staged file the fast loader used."""
    fast, reference, kinds = both(source, name, data, load_time)
    assert fast == reference
    return kinds
