"""All or nothing per file under SIGKILL: a loader killed at any moment leaves no partial file behind, and the
next run brings the warehouse to exactly the state of an uninterrupted load.

The kill points are deterministic: the child process wraps one loader function so that it kills itself with
SIGKILL at that function's k-th call, before or after the call: in the middle of a file's inserts, after its rows
but before its ledger row, or right after a file's transaction committed; and the same inside a group of small
SendGrid bodies written in one transaction, where none of the group's files may survive a kill before its commit."""

import csv
import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingest.schema import FILE_INDEX, FILES, RAW_TABLES, REJECTED_ROWS

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parents[1] / "fixtures"
BIG_LEADS = 25_000
LOAD = """
import os, signal, sys
from pathlib import Path
from ingest import loader

def kill_at(name, when, k):
    real, calls = getattr(loader, name), [0]
    def wrapped(*args, **kwargs):
        calls[0] += 1
        if when == "before" and calls[0] == k:
            os.kill(os.getpid(), signal.SIGKILL)
        result = real(*args, **kwargs)
        if when == "after" and calls[0] == k:
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    setattr(loader, name, wrapped)

if len(sys.argv) > 3:
    name, when, k = sys.argv[3].split(":")
    kill_at(name, when, int(k))
con = loader.connect(Path(sys.argv[1]))
for source in ("salesforce", "mailbox", "sendgrid"):
    loader.load_source(con, Path(sys.argv[2]), source)
con.close()
"""
# (function, before/after its call, which call): `_insert` writes one batch of a file's rows, `_record` a file's
# ledger row after its rows, `_index` its index row after that, and `_write` returns once a file committed.
# Files load in name order: the Salesforce files (Lead_big.csv, the 4th, in two batches: more rows than one
# batch of the reference parser, and a few rows the DuckDB reader leaves to the converters), then the mailboxes
# (two batches each: messages, recipients), then SendGrid. A run after a kill skips the files committed before
# it, so its calls count from the first file not loaded.
# Each kill point comes with the number of files in the ledger after it.
SCENARIOS = {
    "between-a-files-batches": [(("_insert", "after", 4), 3), (("_insert", "after", 5), 6)],  # Lead_big, ana.mbox
    "after-the-rows-before-the-ledger-row": [(("_record", "before", 4), 3), (("_record", "before", 2), 4)],
    "right-after-a-commit": [(("_write", "after", 4), 4), (("_write", "after", 3), 7)],  # Lead_big, ana.mbox
    "before-the-index-row": [(("_index", "before", 7), 6)],  # ana.mbox
}


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    """The hand-made landing set and a big Lead export, a few of whose dates are not in the canonical form."""
    root = tmp_path_factory.mktemp("landing")
    shutil.copytree(FIXTURES / "handmade", root, dirs_exist_ok=True)
    with open(root / "salesforce" / "Lead_big.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Id", "Email", "Status", "OwnerId", "CreatedDate", "LastModifiedDate", "IsDeleted"])
        for i in range(BIG_LEADS):
            stamp = f"2024-02-{1 + i % 28:02d}T{i % 24:02d}:00:00.000Z"
            created = stamp.replace("T", " ") if i % 1000 == 0 else stamp
            writer.writerow([f"00Q{i:015d}", f"lead{i}@big.example", "Open - Not Contacted", "005A", created, stamp,
                             "false"])  # fmt: skip
    return root


def _run(warehouse: Path, landing: Path, kill_point: tuple[str, str, int] | None = None) -> int:
    args = [sys.executable, "-c", LOAD, str(warehouse), str(landing)]
    if kill_point:
        args.append(":".join(map(str, kill_point)))
    return subprocess.run(args, cwd=Path(__file__).parents[2], timeout=300).returncode


def _state(warehouse: Path) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        state = {t.name: con.execute(f"select * from {t.qualified} order by all").fetchall() for t in RAW_TABLES}
        state["_files"] = con.execute(
            f"select * exclude (loaded_at, loaded_as_of) from {FILES.qualified} order by file_id"
        ).fetchall()
        state["_rejected_rows"] = con.execute(f"select * from {REJECTED_ROWS.qualified} order by all").fetchall()
        return state
    finally:
        con.close()


def _assert_no_partial_file(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        unions = " union all ".join(
            [f"select _file_id from {t.qualified}" for t in RAW_TABLES]
            + [f"select file_id from {REJECTED_ROWS.qualified}", f"select file_id from {FILE_INDEX.qualified}"]
        )
        orphans = con.execute(
            f"select count(*) from ({unions}) as r(f) where f not in (select file_id from {FILES.qualified})"
        ).fetchone()[0]
        assert orphans == 0, "rows of a file without its ledger row survived a kill"
    finally:
        con.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory, landing: Path) -> dict:
    warehouse = tmp_path_factory.mktemp("reference") / "warehouse.duckdb"
    assert _run(warehouse, landing) == 0
    return _state(warehouse)


def _killed_then_recovered(warehouse: Path, landing: Path, kill_points) -> dict:
    """Kill the load at each point in turn (checking what each kill kept), then load cleanly: the state after."""
    for kill_point, files_kept in kill_points:
        assert _run(warehouse, landing, kill_point) == -signal.SIGKILL, f"the load did not reach {kill_point}"
        _assert_no_partial_file(warehouse)
        assert len(_state(warehouse)["_files"]) == files_kept
    assert _run(warehouse, landing) == 0
    return _state(warehouse)


@pytest.mark.parametrize("kill_points", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_killed_loads_then_a_clean_run_equal_an_uninterrupted_load(tmp_path, landing, reference, kill_points):
    assert _killed_then_recovered(tmp_path / "warehouse.duckdb", landing, kill_points) == reference


# Small SendGrid bodies: 00-02 are written together, 03 (not JSON) loads alone and fails, 04-07 are written together
# (05 with an event outside the canonical form, so a batch of its own after the group's shared one; 06 with one
# rejected event). Calls: `_insert` 1 = the first group's shared rows, 2 and 3 = the second group's shared rows and
# 05's own; `_record` and `_index` once per group and once for 03; `_write_group` once per group.
GROUP_SCENARIOS = {
    "after-a-groups-rows": [(("_insert", "after", 1), 0), (("_insert", "after", 3), 4)],
    "before-a-groups-ledger-rows": [(("_record", "before", 1), 0), (("_record", "before", 3), 4)],
    "before-a-groups-index-rows": [(("_index", "before", 3), 4)],
    "right-after-a-group-committed": [(("_write_group", "after", 1), 3), (("_insert", "after", 2), 4)],
}


def _event(i: int) -> dict:
    return {"email": f"l{i}@x.example", "timestamp": 1709648530 + i, "event": "delivered", "sg_event_id": f"e{i}",
            "smtp-id": f"<m-{i}@acme.example>"}  # fmt: skip


@pytest.fixture(scope="module")
def bodies(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bodies")
    (root / "sendgrid").mkdir()
    for k in range(8):
        events = [_event(10 * k + i) for i in range(3)]
        if k == 5:
            events[1]["timestamp"] += 0.5
        if k == 6:
            del events[2]["email"]
        text = "[not json" if k == 3 else json.dumps(events)
        (root / "sendgrid" / f"events_{k:02d}.json").write_text(text)
    return root


@pytest.fixture(scope="module")
def bodies_reference(tmp_path_factory, bodies: Path) -> dict:
    warehouse = tmp_path_factory.mktemp("bodies_reference") / "warehouse.duckdb"
    assert _run(warehouse, bodies) == 0
    return _state(warehouse)


@pytest.mark.parametrize("kill_points", GROUP_SCENARIOS.values(), ids=GROUP_SCENARIOS.keys())
def test_a_group_killed_before_its_commit_leaves_none_of_its_files(tmp_path, bodies, bodies_reference, kill_points):
    state = _killed_then_recovered(tmp_path / "warehouse.duckdb", bodies, kill_points)
    assert state == bodies_reference
    assert [(Path(f[2]).name, f[8]) for f in state["_files"]][2:6] == [
        ("events_02.json", "loaded"), ("events_03.json", "failed"), ("events_04.json", "loaded"),
        ("events_05.json", "loaded"),
    ]  # fmt: skip
