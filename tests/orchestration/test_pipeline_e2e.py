"""The whole graph through Dagster on the hand-made landing set, compared with hand-computed marts."""

import csv
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration import settings
from orchestration.lib.dbt_project import DBT_EXECUTABLE
from orchestration.runner import run_pipeline
from orchestration.settings import DBT_PROJECT_DIR
from tests.conftest import query
from tests.orchestration.expected_analytics import (
    FOLLOW_UP_DEPTH_OUTCOMES,
    LEAD_ACTIVITY_BUCKETS,
    LEAD_SEGMENT_PROFILE,
    RESPONSE_BY_ATTEMPT,
)
from tests.orchestration.expected_marts import (
    ATTENTION_BY_AGE_WEEKLY_BEN,
    CALL_LIST,
    FOLLOW_UP_COVERAGE_DAILY,
    LEAD_AGING,
    SHINY_OBJECT_CURVE_BEN,
)
from tests.orchestration.expected_scorecard import REP_SCORECARD_WEEKLY, REPLY_CREDITS

pytestmark = pytest.mark.slow

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")

RAW_COUNTS = """
    select 'leads' as t, count(*) as n from raw.salesforce_leads union all
    select 'tasks', count(*) from raw.salesforce_tasks union all
    select 'messages', count(*) from raw.mailbox_messages union all
    select 'events', count(*) from raw.sendgrid_events union all
    select 'files', count(*) from raw._files union all
    select 'rejected', count(*) from raw._rejected_rows
"""


@pytest.fixture(scope="module")
def first_run(module_radar_env, instance):
    return run_pipeline(instance)


def _marts(warehouse):
    return {
        "lead_aging": query(warehouse, "select * from marts.lead_aging order by lead_id"),
        "coverage": query(warehouse, "select * from marts.follow_up_coverage_daily order by owner_id, day"),
    }


def test_run_succeeds(first_run):
    assert first_run.success


def test_lead_aging_matches_the_hand_computed_rows(first_run, module_radar_env):
    rows = _marts(module_radar_env.warehouse)["lead_aging"]
    assert {r["lead_id"]: r for r in rows} == {r["lead_id"]: r for r in LEAD_AGING}


def test_follow_up_coverage_daily_matches_the_hand_computed_rows(first_run, module_radar_env):
    rows = _marts(module_radar_env.warehouse)["coverage"]
    key = lambda r: (str(r["day"]), r["owner_id"])  # noqa: E731
    assert {key(r): r for r in rows} == {key(r): r for r in FOLLOW_UP_COVERAGE_DAILY}


def test_call_list_matches_the_hand_computed_rows(first_run, module_radar_env):
    rows = query(module_radar_env.warehouse, "select * from marts.call_list order by owner_id, rank_in_owner")
    assert rows == CALL_LIST


def test_the_age_curves_match_the_hand_computed_rows_of_one_rep(first_run, module_radar_env):
    ben = "owner_id = '005B00000000001AAA'"
    curve = query(module_radar_env.warehouse, f"select * from marts.shiny_object_curve where {ben} "
                  "and cohort_week = '2024-02-26' order by age_days")
    assert curve == SHINY_OBJECT_CURVE_BEN
    attention = query(module_radar_env.warehouse, f"select * from marts.attention_by_age_weekly where {ben}")
    key = lambda r: (r["week_start"], r["aging_bucket"])  # noqa: E731
    assert {key(r): r for r in attention} == {key(r): r for r in ATTENTION_BY_AGE_WEEKLY_BEN}


# Each follow-up analytics mart, its grain and its hand-computed rows (every row and column).
ANALYTICS_MARTS = {
    "lead_segment_profile": (("dimension", "segment"), LEAD_SEGMENT_PROFILE),
    "lead_activity_buckets": (("follow_up_group", "activity", "bucket"), LEAD_ACTIVITY_BUCKETS),
    "follow_up_depth_outcomes": (("depth",), FOLLOW_UP_DEPTH_OUTCOMES),
    "response_by_attempt": (("attempt",), RESPONSE_BY_ATTEMPT),
    "rep_scorecard_weekly": (("week_start", "owner_id"), REP_SCORECARD_WEEKLY),
}


@pytest.mark.parametrize("mart", ANALYTICS_MARTS)
def test_the_follow_up_analytics_marts_match_the_hand_computed_rows(first_run, module_radar_env, mart):
    grain, expected = ANALYTICS_MARTS[mart]
    rows = query(module_radar_env.warehouse, f"select * from marts.{mart}")
    key = lambda r: tuple(r[c] for c in grain)  # noqa: E731
    assert len({key(r) for r in expected}) == len(expected)
    # the rates are the Wilson formula in double precision, in SQL and here: equal to rounding
    assert {key(r): r for r in rows} == {key(r): _to_rounding(r) for r in expected}


def test_each_reply_is_credited_to_the_email_the_rules_give(first_run, module_radar_env):
    credits = query(module_radar_env.warehouse, """
        select replies.lead_id, replies.message_id, emails.message_id as credited_message_id, replies.credit_rule
        from intermediate.int_replies_credited as replies
        left join intermediate.int_touches_unioned as emails on replies.credited_touch_id = emails.touch_id
        order by replies.lead_id, replies.message_id
    """)
    assert [tuple(row.values()) for row in credits] == REPLY_CREDITS


def _to_rounding(row: dict) -> dict:
    return {k: pytest.approx(v, rel=1e-12, abs=1e-15) if isinstance(v, float) else v for k, v in row.items()}


def test_metric_parameters_record_the_as_of_time(first_run, module_radar_env):
    assert query(module_radar_env.warehouse, "select as_of, max_attempts from marts.metric_parameters") == [
        {"as_of": datetime(2024, 3, 12, 12), "max_attempts": 8}
    ]


def test_only_warnings_fail_and_they_name_the_cause(first_run):
    failed = {
        (e.asset_key.to_user_string(), e.check_name, e.severity.value)
        for e in first_run.get_asset_check_evaluations()
        if not e.passed
    }
    # The fixture has one unmapped lead status (Prospecting), one unknown SendGrid event type, and three
    # files with rejected rows (a Task row, an mbox message without Date, a broken JSON line); the SendGrid
    # suite warns about the unknown event type, which also has no smtp-id. Two leads' countries are in no alias
    # of the seed, and one title (Software Engineer) matches no seniority rule.
    assert failed == {
        (
            "staging/stg_salesforce__leads",
            "relationships_stg_salesforce__leads_status__status__ref_lead_status_mapping_",
            "WARN",
        ),
        ("staging/stg_sendgrid__events", "sendgrid_event_types_known", "WARN"),
        ("intermediate/int_lead_segments", "countries_not_in_country_aliases", "WARN"),
        ("intermediate/int_lead_segments", "titles_without_a_seniority_rule", "WARN"),
        ("raw/salesforce_tasks", "landed_files_clean", "WARN"),
        ("raw/mailbox_messages", "landed_files_clean", "WARN"),
        ("raw/mailbox_recipients", "landed_files_clean", "WARN"),
        ("raw/sendgrid_events", "landed_files_clean", "WARN"),
        ("raw/sendgrid_events", "gx_expectations", "WARN"),
        # dbt source freshness at the as-of: no status change, message or event in the last two days.
        ("raw/salesforce_lead_history", "dbt_source_freshness", "WARN"),
        ("raw/mailbox_messages", "dbt_source_freshness", "WARN"),
        ("raw/sendgrid_events", "dbt_source_freshness", "WARN"),
    }
    assert len(first_run.get_asset_check_evaluations()) > 30


def test_the_files_check_lists_the_partly_rejected_file_and_its_reasons(first_run):
    tasks = next(
        e for e in first_run.get_asset_check_evaluations()
        if e.asset_key.to_user_string() == "raw/salesforce_tasks" and e.check_name == "landed_files_clean"
    )
    assert [Path(p).name for p in tasks.metadata["partly_rejected_files"].value] == ["Task_2024-03-14.csv"]
    assert tasks.metadata["rows_rejected"].value == 1
    assert "CreatedDate: 'yesterday' is not an ISO-8601 datetime" in tasks.metadata["sample_reasons"].value


def test_materializations_carry_row_counts_and_column_types(first_run):
    by_key = {
        event.asset_key.to_user_string(): event.event_specific_data.materialization.metadata
        for event in first_run.get_asset_materialization_events()
    }
    assert by_key["marts/lead_aging"]["dagster/row_count"].value == 9
    assert by_key["marts/follow_up_coverage_daily"]["dagster/row_count"].value == 32
    assert by_key["raw/salesforce_tasks"]["dagster/row_count"].value == 21
    columns = {c.name: c.type for c in by_key["marts/lead_aging"]["dagster/column_schema"].value.columns}
    assert columns["follow_up_state"] == "VARCHAR" and columns["hours_to_first_touch"] == "DOUBLE"


def test_mart_materializations_preview_their_headline_numbers_and_say_where_they_are_published(
    first_run, module_radar_env
):
    by_key = {
        event.asset_key.to_user_string(): event.event_specific_data.materialization.metadata
        for event in first_run.get_asset_materialization_events()
    }
    coverage = by_key["marts/follow_up_coverage_daily"]["preview"].value
    assert "Follow-up coverage on 2024-03-11 (the last complete day)" in coverage
    assert "| Ana Diligent | 3/3 | 100% |" in coverage and "| Ben Shiny | 0/2 | 0% |" in coverage
    rollup = by_key["marts/follow_up_coverage_rollup_daily"]["preview"].value
    assert "| company | 3/5 | 60% |" in rollup and "| East | 3/5 | 60% |" in rollup
    assert "| stale | 2 | 2 |" in by_key["marts/lead_state_counts"]["preview"].value
    assert "| oldest neglected lead | owner | age (days) | state |" in by_key["marts/lead_aging"]["preview"].value
    assert "`as_of`: 2024-03-12 12:00:00" in by_key["marts/metric_parameters"]["preview"].value
    assert ("| replied_unanswered | 1 | 1 |\n| sla_breached | 1 | 1 |\n| next_step_overdue | 1 | 1 |\n"
            "| stale | 1 | 1 |\n| awaiting_disposition | 1 | 1 |") in by_key["marts/call_list"]["preview"].value
    assert "| 1 | 6/8 | 75% |" in by_key["marts/shiny_object_curve"]["preview"].value
    attention = by_key["marts/attention_by_age_weekly"]["preview"].value
    # the week of 03-04, all owners: 9 of the 10 touches on open leads and 31 of the 37 open lead-days are 0-7d
    assert "the week of 2024-03-04" in attention and "| 0-7d | 9 | 4.4 | 1.07 |" in attention
    scorecard = by_key["marts/rep_scorecard_weekly"]["preview"].value
    assert "the week of 2024-03-04" in scorecard
    assert "| Ana Diligent | 2 | 0.5 h | 5 | 0 | n/a | 33% | 100% |" in scorecard
    serving = module_radar_env.warehouse.parent / "serving"
    assert by_key["marts/lead_aging"]["published_parquet"].value == str(serving / "lead_aging.parquet")
    assert by_key["marts/lead_aging"]["published_serving_db"].value.startswith(
        str(module_radar_env.warehouse.parent / "serving.duckdb")
    )
    assert "preview" not in by_key["intermediate/int_leads_joined"]


def test_a_failed_dbt_check_points_at_its_failing_rows(first_run, module_radar_env):
    unmapped = next(
        e for e in first_run.get_asset_check_evaluations()
        if e.check_name.startswith("relationships_stg_salesforce__leads_status")
    )
    failing = query(module_radar_env.warehouse, unmapped.metadata["failing_rows"].value)
    assert [row["from_field"] for row in failing] == ["Prospecting"]
    countries = next(e for e in first_run.get_asset_check_evaluations()
                     if e.check_name == "countries_not_in_country_aliases")
    # L4 and L10; Narnia is the country of a deleted lead and of one created after T, which are in no segment
    failing = query(module_radar_env.warehouse, countries.metadata["failing_rows"].value)
    assert [(row["raw_value"], row["rows_with_value"]) for row in failing] == [(" atlantis", 1), ("Atlantis", 1)]


def test_ledger_accounts_for_every_row(first_run, module_radar_env):
    files = {r["path"].rsplit("/", 1)[-1]: r for r in query(module_radar_env.warehouse, "select * from raw._files")}
    assert len(files) == 11
    for row in files.values():
        assert row["rows_total"] == row["rows_loaded"] + row["rows_rejected"]
    loaded_rejected = {name: (row["rows_loaded"], row["rows_rejected"]) for name, row in files.items()}
    assert loaded_rejected["Task_2024-03-14.csv"] == (21, 1)
    assert loaded_rejected["ben.mbox"] == (1, 1)
    assert loaded_rejected["events_2024-03-06.jsonl"] == (3, 1)
    rejected = query(module_radar_env.warehouse, "select field from raw._rejected_rows")
    assert sorted(r["field"] or "" for r in rejected) == ["", "CreatedDate", "Date"]


def test_second_run_on_the_same_files_changes_nothing(first_run, module_radar_env, instance):
    marts_before = _marts(module_radar_env.warehouse)
    raw_before = query(module_radar_env.warehouse, RAW_COUNTS)

    assert run_pipeline(instance).success

    assert _marts(module_radar_env.warehouse) == marts_before
    assert query(module_radar_env.warehouse, RAW_COUNTS) == raw_before


def test_the_marts_invariants_pass_as_dbt_tests_after_the_build(first_run):
    """One framework per invariant: the marts' keys, grain, states, buckets and counts are dbt tests, each a
    Dagster check on its mart (tests/dbt/test_mart_invariants.py breaks each of them)."""
    on_marts = {
        e.check_name: e.passed for e in first_run.get_asset_check_evaluations() if e.asset_key.path[0] == "marts"
    }
    assert {"lead_aging_one_row_per_existing_lead", "unique_lead_aging_lead_id", "not_negative_lead_aging_touches",
            "accepted_values_lead_aging_aging_bucket___aging_bucket_labels_", "coverage_counts_are_consistent",
            "within_range_follow_up_coverage_daily_follow_up_coverage__1__0"} <= set(on_marts)  # fmt: skip
    assert all(on_marts.values())
    assert "gx_expectations" not in on_marts


def _published_texts(serving_db: Path, serving_dir: Path) -> dict[str, list[str]]:
    """Every value of every published table (serving.duckdb and the Parquet files) as text, by table."""
    texts: dict[str, list[str]] = {}
    con = duckdb.connect(str(serving_db), read_only=True)
    try:
        tables = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
        sources = [(f"{s}.{t}", f'"{s}"."{t}"') for s, t in tables]
        sources += [(p.name, f"read_parquet('{p}')") for p in sorted(serving_dir.glob("*.parquet"))]
        for name, relation in sources:
            rows = con.sql(f"select * from {relation}").fetchall()
            texts[name] = [str(value) for row in rows for value in row if value is not None]
    finally:
        con.close()
    texts["_published.json"] = [(serving_dir / "_published.json").read_text()]
    return texts


def test_the_published_files_hold_no_email_address_or_message_body(first_run, module_radar_env):
    bodies = [r["body_text"] for r in query(module_radar_env.warehouse, "select body_text from raw.mailbox_messages")
              if r["body_text"] and len(r["body_text"].strip()) > 12]
    assert bodies, "the fixture's messages have bodies to look for"
    texts = _published_texts(settings.serving_db_path(), settings.serving_dir())
    assert {"marts.lead_aging", "lead_aging.parquet"} <= set(texts)
    for name, values in texts.items():
        assert not [v for v in values if EMAIL.search(v)], f"{name} publishes an email address"
        assert not [v for v in values for body in bodies if body.strip() in v], f"{name} publishes a message body"


def test_staging_exposes_no_message_body(first_run, module_radar_env):
    columns = query(module_radar_env.warehouse, "select column_name from information_schema.columns "
                    "where table_schema in ('staging', 'intermediate', 'marts')")
    assert "body_text" not in {c["column_name"] for c in columns}


MF = str(Path(sys.executable).parent / "mf")
# Each rollup scope as MetricFlow groups it: (group-by, the result column naming the scope).
MF_SCOPES = {"company": ("metric_time__day", None), "team": ("metric_time__day,rep_day__team", "rep_day__team"),
             "rep": ("metric_time__day,rep", "rep")}


def _mf(args: list[str], project: Path, warehouse: Path) -> subprocess.CompletedProcess:
    """MetricFlow's CLI in a dbt project folder, as a dbt user runs it."""
    env = {**os.environ, "RADAR_WAREHOUSE": str(warehouse)}
    return subprocess.run([MF, *args], cwd=project, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def parsed_project(tmp_path, module_radar_env) -> Path:
    """A copy of the dbt project, parsed for the run's warehouse as a dbt user does before `mf` (MetricFlow reads
    target/semantic_manifest.json, which names the warehouse the project was parsed for)."""
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    env = {**os.environ, "RADAR_WAREHOUSE": str(module_radar_env.warehouse)}
    done = subprocess.run([DBT_EXECUTABLE, "parse", "--quiet"], cwd=project, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout
    return project


def _mf_coverage(project: Path, warehouse: Path, scope_type: str, out: Path) -> dict[tuple, float | None]:
    group_by, column = MF_SCOPES[scope_type]
    args = ["query", "--metrics", "follow_up_coverage", "--group-by", group_by, "--csv", str(out)]
    done = _mf(args, project, warehouse)
    assert done.returncode == 0, done.stdout + done.stderr
    with out.open() as f:
        return {
            (r["metric_time__day"][:10], scope_type, r[column] if column else "company"):
            float(r["follow_up_coverage"]) if r["follow_up_coverage"] else None
            for r in csv.DictReader(f)
        }


def test_metricflow_validates_the_semantic_layer_and_its_coverage_equals_the_rollup_mart(
    first_run, module_radar_env, parsed_project, tmp_path
):
    validated = _mf(["validate-configs"], parsed_project, module_radar_env.warehouse)
    assert validated.returncode == 0 and "ERRORS: 0" in validated.stdout, validated.stdout + validated.stderr
    rollup = query(module_radar_env.warehouse, "select day, scope_type, scope, follow_up_coverage "
                   "from marts.follow_up_coverage_rollup_daily")
    for scope_type in MF_SCOPES:
        expected = {(str(r["day"]), r["scope_type"], r["scope"]): r["follow_up_coverage"]
                    for r in rollup if r["scope_type"] == scope_type}
        got = _mf_coverage(parsed_project, module_radar_env.warehouse, scope_type, tmp_path / f"{scope_type}.csv")
        assert got == expected, scope_type
