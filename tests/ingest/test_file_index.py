"""The file index: a landing path whose size and modification time are unchanged is skipped without being opened;
new or changed files are hashed once; forgetting a file makes the next run read it again."""

import builtins
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from ingest import files, loader
from ingest.landing import SOURCES, LandedFile
from ingest.schema import FILE_INDEX, FILES, RAW_SCHEMA
from tests.ingest.fixture_landing import copy_fixtures

LANDING = {
    "salesforce": ["Lead_2024-03-05.csv", "User.csv"],
    "mailbox": ["plain.mbox", "not_an_mbox.mbox"],
    "sendgrid": ["events_2024-03-05.json", "events_2024-03-06.jsonl"],
}


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return copy_fixtures(tmp_path / "landing", LANDING)


@pytest.fixture
def con(tmp_path: Path):
    connection = loader.connect(tmp_path / "warehouse.duckdb")
    yield connection
    connection.close()


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the loader hashes (the first time it opens a file)."""
    names: list[str] = []
    real = files.scan

    def scan(path: Path, **kwargs) -> files.FileScan:
        names.append(path.name)
        return real(path, **kwargs)

    monkeypatch.setattr(files, "scan", scan)
    return names


def _load_all(con: duckdb.DuckDBPyConnection, landing: Path) -> list[loader.FileOutcome]:
    return [outcome for source in SOURCES for outcome in loader.load_source(con, landing, source)]


def _ledger_paths(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [Path(p).name for (p,) in con.execute(f"select path from {FILES.qualified} order by file_id").fetchall()]


@contextmanager
def _nothing_opened_under(folder: Path):
    """Fail on any Python open of a file in `folder`, and on any reader being asked for one."""

    def refuse_open(file, *args, **kwargs):
        assert not str(file).startswith(str(folder)), f"{file} was opened"
        return real_open(file, *args, **kwargs)

    def refuse_reader(con, path, scan, load_time):
        raise AssertionError(f"{path} was read")

    real_open = builtins.open
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(builtins, "open", refuse_open)
        for source in loader.READERS:
            patch.setitem(loader.READERS, source, refuse_reader)
        yield


def _touch(path: Path, seconds: int = 10) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds * 10**9))


def test_a_run_with_no_new_files_opens_none_of_them(con, landing: Path, scanned: list[str]):
    first = _load_all(con, landing)
    scanned.clear()

    with _nothing_opened_under(landing):
        assert _load_all(con, landing) == []

    assert len(first) == 6 and scanned == []
    indexed = con.execute(f"select count(*), count(distinct file_id) from {FILE_INDEX.qualified}").fetchone()
    assert indexed == (6, 6), "failed files are indexed too, so they are not read again either"


def test_a_file_changed_in_place_is_read_again(con, landing: Path, scanned: list[str]):
    _load_all(con, landing)
    lead = landing / "salesforce" / "Lead_2024-03-05.csv"
    lead.write_text(lead.read_text().replace("Open - Not Contacted", "Working - Contacted"))
    _touch(lead)
    scanned.clear()

    outcomes = _load_all(con, landing)

    assert [Path(o.path).name for o in outcomes] == ["Lead_2024-03-05.csv"] and scanned == ["Lead_2024-03-05.csv"]
    assert _ledger_paths(con).count("Lead_2024-03-05.csv") == 2


def test_a_touched_file_is_hashed_once_and_then_skipped(con, landing: Path, scanned: list[str]):
    _load_all(con, landing)
    _touch(landing / "mailbox" / "plain.mbox")
    scanned.clear()

    assert _load_all(con, landing) == []
    assert scanned == ["plain.mbox"]
    with _nothing_opened_under(landing):
        assert _load_all(con, landing) == []


def test_a_duplicate_under_a_new_name_is_hashed_once_and_then_skipped(con, landing: Path, scanned: list[str]):
    _load_all(con, landing)
    copy = landing / "sendgrid" / "again" / "events_copy.json"
    copy.parent.mkdir()
    shutil.copy(landing / "sendgrid" / "events_2024-03-05.json", copy)
    scanned.clear()

    assert _load_all(con, landing) == []
    assert scanned == ["events_copy.json"]
    original = con.execute(f"select file_id from {FILES.qualified} where path like '%03-05.json'").fetchone()
    assert con.execute(f"select file_id from {FILE_INDEX.qualified} where path = ?", [str(copy)]).fetchone() == original
    with _nothing_opened_under(landing):
        assert _load_all(con, landing) == []


def test_a_forgotten_file_is_read_again_by_the_next_run(con, landing: Path, scanned: list[str]):
    _load_all(con, landing)
    [(file_id,)] = con.execute(f"select file_id from {FILES.qualified} where path like '%User.csv'").fetchall()
    loader.forget_file(con, file_id)
    scanned.clear()

    outcomes = _load_all(con, landing)

    assert [Path(o.path).name for o in outcomes] == ["User.csv"] and scanned == ["User.csv"]


def test_a_file_rewritten_while_it_loads_is_not_kept_and_loads_next_run(con, landing: Path, monkeypatch):
    lead = landing / "salesforce" / "Lead_2024-03-05.csv"
    real = loader.READERS["salesforce"]

    def rewrite_meanwhile(con, path, scan, load_time):
        if path == lead:
            with open(lead, "a") as f:
                f.write("00Q000000000009AAA,,,,,,,,,,,Open,005A,false,,2024-03-01T09:00:00.000Z,"
                        "2024-03-01T09:00:00.000Z,false\n")  # fmt: skip
            _touch(lead)
        return real(con, path, scan, load_time)

    with monkeypatch.context() as patch:
        patch.setitem(loader.READERS, "salesforce", rewrite_meanwhile)
        assert loader.load_file(con, LandedFile("salesforce", lead)) is None
    assert con.execute("select count(*) from raw.salesforce_leads").fetchone() == (0,)
    assert _ledger_paths(con) == []

    loaded = {Path(o.path).name: o.rows_loaded for o in loader.load_source(con, landing, "salesforce")}
    assert loaded["Lead_2024-03-05.csv"] == 3


def test_a_warehouse_from_before_the_index_gets_it_and_reads_each_file_once_more(tmp_path, landing, scanned):
    warehouse = tmp_path / "old.duckdb"
    old = loader.connect(warehouse)
    _load_all(old, landing)
    old.execute(f"drop table {FILE_INDEX.qualified}")
    old.close()
    scanned.clear()

    upgraded = loader.connect(warehouse)
    try:
        assert _load_all(upgraded, landing) == []
        assert len(scanned) == 6 and len(_ledger_paths(upgraded)) == 6
        with _nothing_opened_under(landing):
            assert _load_all(upgraded, landing) == []
    finally:
        upgraded.close()


def test_the_index_has_exactly_the_columns_declared_in_the_schema(con):
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [RAW_SCHEMA, FILE_INDEX.name],
    ).fetchall()

    assert columns == [(c.name, c.type) for c in FILE_INDEX.columns]


def test_connect_sets_the_memory_limit_and_spills_beside_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv(loader.MEMORY_LIMIT_VARIABLE, "512MB")
    con = loader.connect(tmp_path / "w.duckdb")
    try:
        settings = "select current_setting('memory_limit'), current_setting('temp_directory')"
        limit, spill = con.execute(settings).fetchone()
    finally:
        con.close()
    assert (limit, spill) == ("488.2 MiB", str(tmp_path / "w.duckdb.tmp"))  # 512 * 10**6 bytes
