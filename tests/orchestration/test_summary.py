"""The summary `radar run` prints still says something useful when a run failed before the marts existed."""

from datetime import datetime
from pathlib import Path

from ingest.loader import connect, load_source
from orchestration.summary import render
from tests.conftest import HANDMADE_LANDING


def test_a_warehouse_without_marts_reports_what_is_missing_and_the_ledger(tmp_path: Path):
    con = connect(tmp_path / "warehouse.duckdb")
    load_source(con, HANDMADE_LANDING, "sendgrid")
    con.close()

    report = render(tmp_path / "warehouse.duckdb", datetime(2024, 3, 12, 12), [])

    assert "(coverage: not available, the tables were not built" in report
    assert "(neglected: not available" in report
    assert "Data-quality checks: 0 passed, 0 failed" in report
    assert "sendgrid  2      7            1" in report


def test_no_warehouse_at_all(tmp_path: Path):
    assert render(tmp_path / "none.duckdb", datetime(2024, 3, 12), []) == (
        f"No warehouse at {tmp_path / 'none.duckdb'}: nothing was loaded."
    )
