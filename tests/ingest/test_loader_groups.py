"""Small SendGrid bodies staged and committed together: the warehouse ends exactly as if each file had been loaded
alone (rows, rejections, ledger rows with their own counts, file ids in landing order, index), and a file that
fails or changes inside a group fails or is dropped alone while the others of the group are kept."""

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from ingest import loader, runs, sendgrid, sendgrid_fast
from ingest.landing import LandedFile
from ingest.schema import FILE_INDEX, FILES
from tests.ingest.equivalence import state

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest" / "sendgrid"


def _event(i: int) -> dict:
    return {"email": f"l{i}@x.example", "timestamp": 1709648530 + i, "event": "open", "sg_event_id": f"e{i}",
            "smtp-id": f"<m-{i}@acme.example>"}  # fmt: skip


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    """Canonical bodies around the fixtures (a partial body, JSON lines, a broken body, an object), a copy of
    one body within the run, one that is not UTF-8, and one large enough to be a run of its own."""
    folder = tmp_path / "landing" / "sendgrid"
    folder.mkdir(parents=True)
    for k in range(6):
        (folder / f"a_{k}.json").write_text(json.dumps([_event(10 * k + i) for i in range(4)]))
    for fixture in FIXTURES.iterdir():
        shutil.copy(fixture, folder / f"b_{fixture.name}")
    shutil.copy(folder / "a_1.json", folder / "c_copy_of_a_1.json")
    (folder / "c_latin1.json").write_bytes(b'[{"email": "caf\xe9@x"}]')
    big = json.dumps([_event(i) for i in range(100, 100 + runs.SMALL_FILE_BYTES // 100)])
    (folder / "d_big.json").write_text(big)
    for k in range(2):
        (folder / f"e_{k}.jsonl").write_text("\n".join(json.dumps(_event(i)) for i in range(900 + 3 * k, 903 + 3 * k)))
    return tmp_path / "landing"


def _alone(tmp_path: Path, landing: Path) -> dict:
    """The warehouse after loading each file alone, in landing order."""
    con = loader.connect(tmp_path / "alone.duckdb")
    try:
        for path in sorted((landing / "sendgrid").iterdir()):
            loader.load_file(con, LandedFile("sendgrid", path))
        return _with_index(con)
    finally:
        con.close()


def _with_index(con: duckdb.DuckDBPyConnection) -> dict:
    found = state(con)
    found["_file_index"] = con.execute(f"select * from {FILE_INDEX.qualified} order by path").fetchall()
    return found


def _statuses(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute(f"select path, status from {FILES.qualified} order by file_id").fetchall()
    return {Path(path).name: status for path, status in rows}


@pytest.fixture
def con(tmp_path: Path):
    connection = loader.connect(tmp_path / "grouped.duckdb")
    yield connection
    connection.close()


def test_a_run_of_bodies_ends_as_if_each_file_loaded_alone(con, tmp_path: Path, landing: Path, monkeypatch):
    groups: list[int] = []
    real = sendgrid_fast.read_group

    def counting(con, paths, scans):
        groups.append(len(paths))
        return real(con, paths, scans)

    monkeypatch.setitem(loader.GROUP_READERS, sendgrid_fast.read, counting)
    outcomes = loader.load_source(con, landing, "sendgrid")

    assert groups == [10, 1, 2], "the runs around the large file (one of its own), less the copy and the latin-1"
    assert _with_index(con) == _alone(tmp_path, landing)
    assert [o.file_id for o in outcomes] == list(range(1, len(outcomes) + 1))
    assert _statuses(con)["c_latin1.json"] == "failed" and "c_copy_of_a_1.json" not in _statuses(con)


def test_a_value_the_warehouse_refuses_fails_that_file_and_the_group_keeps_the_others(con, tmp_path, landing,
                                                                                     monkeypatch):
    real = sendgrid.event_row

    def unstorable_in_the_json_lines(event, number):
        row = real(event, number)
        return {**row, "_row_number": 2**40} if row["sg_event_id"] == "evt-101" else row  # not an INTEGER

    monkeypatch.setattr(sendgrid, "event_row", unstorable_in_the_json_lines)
    outcomes = loader.load_source(con, landing, "sendgrid")

    by_name = {Path(o.path).name: o for o in outcomes}
    failed = by_name.pop("b_events_2024-03-06.jsonl")
    assert failed.status == "failed" and "the warehouse refused a value" in failed.error
    assert by_name["b_broken.json"].status == "failed" and len(by_name) == 13
    assert {by_name[f"a_{k}.json"].status for k in range(6)} == {"loaded"}
    assert by_name["b_events_2024-03-05.json"].status == "partial", "written in the same group as the failed file"
    assert con.execute("select count(*) from raw.sendgrid_events where sg_event_id = 'e0'").fetchone() == (1,)
    assert [o.file_id for o in outcomes] == list(range(1, 15))


def test_a_body_rewritten_while_its_group_loads_is_not_kept_and_loads_next_run(con, landing: Path, monkeypatch):
    victim = landing / "sendgrid" / "a_2.json"
    real = sendgrid_fast._Group.shared_batches

    def rewrite_meanwhile(self, con, file_ids):
        if victim.exists() and victim.read_text().startswith("["):
            victim.write_text(json.dumps([_event(77)]))
            stat = victim.stat()
            os.utime(victim, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**10))
        return real(self, con, file_ids)

    with monkeypatch.context() as patch:
        patch.setattr(sendgrid_fast._Group, "shared_batches", rewrite_meanwhile)
        first = {Path(o.path).name for o in loader.load_source(con, landing, "sendgrid")}

    assert "a_2.json" not in first and {"a_1.json", "a_3.json"} <= first
    assert [Path(o.path).name for o in loader.load_source(con, landing, "sendgrid")] == ["a_2.json"]
    assert con.execute("select count(*) from raw.sendgrid_events where sg_event_id = 'e77'").fetchone() == (1,)
