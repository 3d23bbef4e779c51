"""How a `dbt source freshness` result reads as a Dagster check (the whole path runs in test_event_driven_e2e)."""

import dagster as dg

from orchestration.defs.quality.freshness import FRESH_SOURCES, FRESHNESS_CHECK, _result

KEY = dg.AssetKey(["raw", "salesforce_leads"])
CRITERIA = {"warn_after": {"count": 2, "period": "day"}, "error_after": {"count": None, "period": None}}


def _freshness(status: str, hours: float) -> dict:
    return {"unique_id": "source.follow_up_radar.salesforce.salesforce_leads", "status": status,
            "max_loaded_at": "2026-11-30T09:00:00", "snapshotted_at": "2026-12-01T09:00:00",
            "max_loaded_at_time_ago_in_s": hours * 3600, "criteria": CRITERIA}  # fmt: skip


def test_a_fresh_source_passes_with_its_newest_record_and_age():
    check = _result(_freshness("pass", 24.04), KEY)

    assert (check.passed, check.check_name, check.asset_key) == (True, FRESHNESS_CHECK, KEY)
    assert check.metadata["newest_record_at"].value == "2026-11-30T09:00:00"
    assert check.metadata["age_hours"].value == 24.0
    assert check.metadata["rule"].value == '{"warn_after": {"count": 2, "period": "day"}}'


def test_a_stale_source_warns_and_an_error_rule_or_a_failed_query_errors():
    assert (_result(_freshness("warn", 72), KEY).passed, _result(_freshness("warn", 72), KEY).severity) == (
        False, dg.AssetCheckSeverity.WARN
    )
    assert _result(_freshness("error", 200), KEY).severity == dg.AssetCheckSeverity.ERROR
    failed = _result({"unique_id": "x", "status": "runtime error", "message": "Catalog Error: no table"}, KEY)
    assert (failed.passed, failed.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert failed.metadata["error"].value == "Catalog Error: no table"


def test_only_sources_with_a_freshness_rule_get_the_check():
    names = {key.path[-1] for key in FRESH_SOURCES.values()}
    assert names == {"salesforce_leads", "salesforce_tasks", "salesforce_lead_history", "mailbox_messages",
                     "sendgrid_events"}  # users and recipients carry no timestamp of their own
