"""A full disk while a file loads: the error names the file and the cause, nothing of the file is kept, and once
there is space again the next load takes it whole.

The warehouse lives on a 1 MB tmpfs mounted in a private mount namespace (`unshare`), so the disk really fills:
DuckDB fails writing its log at commit, the case that used to surface as "cannot rollback - no transaction is
active". The child process reports what it saw as JSON; the test asserts on it."""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "handmade" / "salesforce"
LEADS = 40_000
SCENARIO = r"""
import json, subprocess, sys
from pathlib import Path
from ingest import failures, loader

disk, landing = Path(sys.argv[1]), Path(sys.argv[2])
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], check=True)
report = {}
con = loader.connect(disk / "warehouse.duckdb")
try:
    loader.load_source(con, landing, "salesforce")
except failures.WarehouseWriteFailed as exc:
    report["error"] = str(exc)
con.close()
con = loader.connect(disk / "warehouse.duckdb")
report["files_after_failure"] = con.execute("select count(*) from raw._files").fetchone()[0]
report["leads_after_failure"] = con.execute("select count(*) from raw.salesforce_leads").fetchone()[0]
con.close()
subprocess.run(["mount", "-o", "remount,size=256m", str(disk)], check=True)
con = loader.connect(disk / "warehouse.duckdb")
report["statuses"] = sorted(o.status for o in loader.load_source(con, landing, "salesforce"))
report["leads"] = con.execute("select count(*) from raw.salesforce_leads").fetchone()[0]
report["users"] = con.execute("select count(*) from raw.salesforce_users").fetchone()[0]
con.close()
print(json.dumps(report))
"""


def _private_mounts_allowed() -> bool:
    probe = subprocess.run(["unshare", "--mount", "--map-root-user", "true"], capture_output=True)
    return shutil.which("unshare") is not None and probe.returncode == 0


def _big_lead_export(path: Path) -> None:
    """Far more than 1 MB of leads, every row valid."""
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Id", "Company", "Title", "Status", "OwnerId", "CreatedDate", "LastModifiedDate"])
        for i in range(LEADS):
            writer.writerow([f"00Q{i:012d}", f"Company number {i}", f"Head of operations {i}", "Open",
                             "005000000000001", "2024-03-05T14:22:10.000Z", "2024-03-05T14:22:10.000Z"])


@pytest.mark.skipif(not _private_mounts_allowed(), reason="needs `unshare --mount` to mount a small tmpfs")
def test_a_full_disk_names_the_file_keeps_nothing_and_the_next_load_takes_it_whole(tmp_path):
    landing = tmp_path / "landing" / "salesforce"
    landing.mkdir(parents=True)
    _big_lead_export(landing / "Lead_big.csv")
    shutil.copy(FIXTURES / "User.csv", landing / "User.csv")
    disk = tmp_path / "disk"
    disk.mkdir()

    child = subprocess.run(
        ["unshare", "--mount", "--map-root-user", sys.executable, "-c", SCENARIO, str(disk), str(landing.parent)],
        capture_output=True, text=True, timeout=300,
    )
    assert child.returncode == 0, child.stderr
    report = json.loads(child.stdout.splitlines()[-1])

    assert report["error"].startswith(f"{landing / 'Lead_big.csv'}: the warehouse could not be written")
    assert "No space left on device" in report["error"]
    assert "nothing of this file was kept" in report["error"]
    assert "cannot rollback" not in report["error"]
    assert (report["files_after_failure"], report["leads_after_failure"]) == (0, 0)
    assert report["statuses"] == ["loaded", "loaded"]
    assert report["leads"] == LEADS
    assert report["users"] == sum(1 for _ in (FIXTURES / "User.csv").open()) - 1
