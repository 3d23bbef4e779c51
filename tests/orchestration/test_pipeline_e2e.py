"""The whole graph through Dagster on the hand-made landing set, compared with hand-computed marts."""

import pytest

from orchestration.runner import run_pipeline
from tests.conftest import query
from tests.orchestration.expected_marts import FOLLOW_UP_COVERAGE_DAILY, LEAD_AGING

pytestmark = pytest.mark.slow

MART_TABLES = ("marts.lead_aging", "marts.follow_up_coverage_daily")
RAW_COUNTS = """
    select 'leads' as t, count(*) as n from raw.salesforce_leads union all
    select 'tasks', count(*) from raw.salesforce_tasks union all
    select 'messages', count(*) from raw.mailbox_messages union all
    select 'events', count(*) from raw.sendgrid_events union all
    select 'files', count(*) from raw._files union all
    select 'rejected', count(*) from raw._rejected_rows
"""


def _marts(warehouse):
    return {
        "lead_aging": query(warehouse, "select * from marts.lead_aging order by lead_id"),
        "coverage": query(warehouse, "select * from marts.follow_up_coverage_daily order by owner_id, day"),
    }


def test_marts_match_the_hand_computed_rows(radar_env, instance):
    result = run_pipeline(instance)
    assert result.success

    marts = _marts(radar_env["warehouse"])
    assert marts["lead_aging"] == LEAD_AGING
    expected_coverage = sorted(FOLLOW_UP_COVERAGE_DAILY, key=lambda r: (r["owner_id"], r["day"]))
    assert marts["coverage"] == expected_coverage


def test_ledger_accounts_for_every_row(radar_env, instance):
    assert run_pipeline(instance).success

    files = {
        r["path"].rsplit("/", 1)[-1]: r
        for r in query(radar_env["warehouse"], "select * from raw._files")
    }
    assert len(files) == 11
    for row in files.values():
        assert row["rows_total"] == row["rows_loaded"] + row["rows_rejected"]
    loaded_rejected = {name: (row["rows_loaded"], row["rows_rejected"]) for name, row in files.items()}
    assert loaded_rejected["Task_2024-03-14.csv"] == (20, 1)
    assert loaded_rejected["ben.mbox"] == (1, 1)
    assert loaded_rejected["events_2024-03-06.jsonl"] == (3, 1)
    rejected = query(radar_env["warehouse"], "select field, reason from raw._rejected_rows order by file_id")
    assert {r["field"] for r in rejected} == {"CreatedDate", "Date", None}


def test_second_run_on_the_same_files_changes_nothing(radar_env, instance):
    assert run_pipeline(instance).success
    first_marts = _marts(radar_env["warehouse"])
    first_raw = query(radar_env["warehouse"], RAW_COUNTS)

    assert run_pipeline(instance).success
    assert _marts(radar_env["warehouse"]) == first_marts
    assert query(radar_env["warehouse"], RAW_COUNTS) == first_raw
