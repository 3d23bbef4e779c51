"""All or nothing per file under SIGKILL: a loader killed at any moment leaves no partial file behind, and the
next run brings the warehouse to exactly the state of an uninterrupted load."""

import csv
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from ingest.schema import FILES, RAW_TABLES

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parents[1] / "fixtures"
BIG_LEADS = 80_000
LOAD = """
import sys
from pathlib import Path
from ingest.loader import connect, load_source
con = connect(Path(sys.argv[1]))
for source in ("salesforce", "mailbox", "sendgrid"):
    load_source(con, Path(sys.argv[2]), source)
con.close()
"""
# Kill points (seconds after start), two per scenario: the interpreter and its imports take about a second,
# then the big Lead export (the fourth Salesforce file) takes a few seconds to parse and insert.
SCENARIOS = [(0.9, 2.4), (1.6, 1.2), (2.2, 3.0)]


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("landing")
    shutil.copytree(FIXTURES / "handmade", root, dirs_exist_ok=True)
    with open(root / "salesforce" / "Lead_big.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Id", "Email", "Status", "OwnerId", "CreatedDate", "LastModifiedDate", "IsDeleted"])
        for i in range(BIG_LEADS):
            stamp = f"2024-02-{1 + i % 28:02d}T{i % 24:02d}:00:00.000Z"
            writer.writerow([f"00Q{i:015d}", f"lead{i}@big.example", "Open - Not Contacted", "005A", stamp, stamp,
                             "false"])
    return root


def _start(warehouse: Path, landing: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", LOAD, str(warehouse), str(landing)], cwd=Path(__file__).parents[2])


def _state(warehouse: Path) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        state = {t.name: con.execute(f"select * from {t.qualified} order by all").fetchall() for t in RAW_TABLES}
        state["_files"] = con.execute(
            f"select * exclude (loaded_at) from {FILES.qualified} order by file_id"
        ).fetchall()
        state["_rejected_rows"] = con.execute("select * from raw._rejected_rows order by all").fetchall()
        return state
    finally:
        con.close()


def _assert_no_partial_file(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        created = con.execute("select count(*) from information_schema.tables where table_schema = 'raw'").fetchone()[0]
        if created < len(RAW_TABLES) + 2:  # killed while creating the raw tables: no load had started yet
            return
        unions = " union all ".join(f"select _file_id from {t.qualified}" for t in RAW_TABLES)
        orphans = con.execute(
            f"select count(*) from ({unions}) as r where _file_id not in (select file_id from {FILES.qualified})"
        ).fetchone()[0]
        assert orphans == 0, "rows of a file without its ledger row survived a kill"
    finally:
        con.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory, landing: Path) -> dict:
    warehouse = tmp_path_factory.mktemp("reference") / "warehouse.duckdb"
    assert _start(warehouse, landing).wait(timeout=300) == 0
    return _state(warehouse)


@pytest.mark.parametrize("kill_after", SCENARIOS, ids=lambda s: f"kill-at-{s[0]}s-then-{s[1]}s")
def test_killed_loads_then_a_clean_run_equal_an_uninterrupted_load(tmp_path, landing, reference, kill_after):
    warehouse = tmp_path / "warehouse.duckdb"
    kills = 0
    for delay in kill_after:
        loading = _start(warehouse, landing)
        time.sleep(delay)
        loading.send_signal(signal.SIGKILL)
        kills += loading.wait(timeout=60) == -signal.SIGKILL
        if warehouse.exists():
            _assert_no_partial_file(warehouse)

    assert _start(warehouse, landing).wait(timeout=300) == 0

    assert kills >= 1, "no load was still running when killed: the kill points are too late"
    assert _state(warehouse) == reference
