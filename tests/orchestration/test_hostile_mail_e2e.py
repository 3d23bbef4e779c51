"""A mailbox whose senders wrote what they liked, beside the hand-made landing set, through `radar run`: the run
succeeds and builds the marts, the message dated in 3609 is a rejected row with its reason, the file's other
messages load, and a second run succeeds too (a future Date once failed the blocking mailbox check on every run)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, HANDMADE_LANDING, query

pytestmark = pytest.mark.slow

RADAR = str(Path(sys.executable).parent / "radar")
HOSTILE = FIXTURES / "hostile" / "mailbox" / "hostile.mbox"  # a future Date, a name holding an @, 8-bit Subject


def _radar_run(landing: Path, warehouse: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "RADAR_LANDING_DIR": str(landing), "DAGSTER_HOME": str(home)}
    return subprocess.run([RADAR, "run", "--warehouse", str(warehouse), "--as-of", "2024-03-12T12:00:00Z"],
                          env=env, capture_output=True, text=True, timeout=600)  # fmt: skip


def test_a_future_date_is_a_rejected_row_and_the_marts_still_build(tmp_path: Path):
    landing, warehouse = tmp_path / "landing", tmp_path / "radar.duckdb"
    shutil.copytree(HANDMADE_LANDING, landing)
    shutil.copy(HOSTILE, landing / "mailbox" / "hostile.mbox")

    first = _radar_run(landing, warehouse, tmp_path / "home")
    second = _radar_run(landing, warehouse, tmp_path / "home")

    assert (first.returncode, second.returncode) == (0, 0), first.stderr[-3000:] + second.stderr[-3000:]
    assert query(warehouse, "select count(*) as n from marts.lead_aging") == [{"n": 9}]
    ledger = query(warehouse, "select file_id, status, rows_total, rows_loaded, rows_rejected from raw._files "
                              "where path like '%hostile.mbox'")  # fmt: skip
    assert [{k: v for k, v in row.items() if k != "file_id"} for row in ledger] == [
        {"status": "partial", "rows_total": 2, "rows_loaded": 1, "rows_rejected": 1}
    ]
    file_id = ledger[0]["file_id"]
    rejected = query(warehouse, f"select row_number, field, reason from raw._rejected_rows where file_id = {file_id}")
    assert [(r["row_number"], r["field"]) for r in rejected] == [(1, "Date")]
    assert rejected[0]["reason"].startswith("Date: 'Mon, 30 Jun 3609 10:00:00 +0000' is more than a day after")
    loaded = query(warehouse, "select from_address, from_name, subject, body_text from raw.mailbox_messages "
                              f"where _file_id = {file_id}")  # fmt: skip
    assert loaded == [{
        "from_address": "yan@elsewhere.example", "from_name": "zed@elsewhere.example", "subject": "Caf\u00e9",
        "body_text": "Hi,\n\nFrom what I hear, the budget is set.\n",
    }]  # fmt: skip
    assert query(warehouse, "select count(*) as n from staging.stg_mailbox__messages "
                            "where message_id = 'now@elsewhere.example'") == [{"n": 1}]  # fmt: skip
