"""The marts' invariants are dbt tests (one framework per invariant), and Dagster sees them as checks: on the
marts built from the hand-made landing set every test passes; a broken row makes its test fail, and the
check dagster-dbt makes of that test fail with it."""

import shutil
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ingest.landing import SOURCES
from ingest.loader import connect, load_source
from orchestration.lib.dbt_builds import project_version
from orchestration.lib.dbt_project import build_environment, dbt_resource, ensure_manifest, run_folder
from orchestration.lib.translator import RadarDbtTranslator
from tests.conftest import HANDMADE_AS_OF, HANDMADE_LANDING, query

pytestmark = pytest.mark.slow

AS_OF = datetime.fromisoformat(HANDMADE_AS_OF)
MARTS = "lead_aging follow_up_coverage_daily follow_up_coverage_rollup_daily"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The hand-made landing set loaded and the marts built (without their tests), as the pipeline builds them."""
    warehouse = tmp_path_factory.mktemp("invariants") / "warehouse.duckdb"
    con = connect(warehouse)
    for source in SOURCES:
        load_source(con, HANDMADE_LANDING, source)
    con.close()
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("RADAR_WAREHOUSE", str(warehouse))
        with run_folder() as target, build_environment(AS_OF, project_version()):
            dbt_resource().cli(["build", "--exclude", "resource_type:test resource_type:unit_test"],
                               target_path=target).wait()  # fmt: skip
    return warehouse


def _checks(warehouse: Path, monkeypatch) -> dict[str, dg.AssetCheckEvaluation]:
    """`dbt test` on the marts through dagster-dbt: its results as Dagster check evaluations, by check name."""
    monkeypatch.setenv("RADAR_WAREHOUSE", str(warehouse))
    with run_folder() as target, build_environment(AS_OF, project_version()):
        # buildable: also the tests that read a model upstream of the marts (one_row_per reads staging)
        args = ["test", "--select", MARTS, "--indirect-selection", "buildable", "--exclude", "test_type:unit"]
        invocation = dbt_resource().cli(
            args, manifest=ensure_manifest(), dagster_dbt_translator=RadarDbtTranslator(), target_path=target,
            raise_on_error=False,
        )
        events = list(invocation.stream())
    return {e.check_name: e for e in events if isinstance(e, dg.AssetCheckEvaluation)}


def _broken(built: Path, tmp_path: Path, *statements: str) -> Path:
    """A copy of the built warehouse with the statements applied to its marts."""
    copy = tmp_path / "broken.duckdb"
    shutil.copy(built, copy)
    con = duckdb.connect(str(copy))
    for statement in statements:
        con.execute(statement)
    con.close()
    return copy


def _failed(checks: dict[str, dg.AssetCheckEvaluation]) -> set[str]:
    return {name for name, check in checks.items() if not check.passed}


def test_every_mart_test_passes_on_the_built_marts(built, monkeypatch):
    checks = _checks(built, monkeypatch)

    assert not _failed(checks)
    assert {"lead_aging_one_row_per_existing_lead", "not_negative_lead_aging_touches",
            "within_range_follow_up_coverage_daily_follow_up_coverage__1__0",
            "coverage_counts_are_consistent"} <= set(checks)  # fmt: skip
    assert {checks[name].asset_key.to_user_string() for name in checks} == {
        "marts/lead_aging", "marts/follow_up_coverage_daily", "marts/follow_up_coverage_rollup_daily"
    }


def test_a_broken_lead_aging_row_fails_its_test(built, tmp_path, monkeypatch):
    leads = [r["lead_id"] for r in query(built, "select lead_id from marts.lead_aging order by lead_id")]
    broken = _broken(
        built, tmp_path,
        f"insert into marts.lead_aging select * from marts.lead_aging where lead_id = '{leads[0]}'",
        f"delete from marts.lead_aging where lead_id = '{leads[1]}'",
        f"update marts.lead_aging set follow_up_state = 'zombie' where lead_id = '{leads[2]}'",
        f"update marts.lead_aging set status_category = 'lost' where lead_id = '{leads[3]}'",
        f"update marts.lead_aging set aging_bucket = '100d+' where lead_id = '{leads[4]}'",
        f"update marts.lead_aging set touches = -1 where lead_id = '{leads[5]}'",
    )  # fmt: skip

    checks = _checks(broken, monkeypatch)

    assert _failed(checks) == {
        "unique_lead_aging_lead_id",
        "lead_aging_one_row_per_existing_lead",
        "accepted_values_lead_aging_follow_up_state__closed__new__never_touched__active__exhausted__stale",
        "accepted_values_lead_aging_status_category__open__converted__disqualified__nurture",
        "accepted_values_lead_aging_aging_bucket___aging_bucket_labels_",
        "not_negative_lead_aging_touches",
    }
    assert all(checks[name].severity == dg.AssetCheckSeverity.ERROR for name in _failed(checks))
    # The missing lead and the lead held twice, as the test's stored failures name them.
    assert query(broken, "select key, rows_held from monitoring.lead_aging_one_row_per_existing_lead order by key") == [
        {"key": leads[0], "rows_held": 2}, {"key": leads[1], "rows_held": 0}
    ]


def test_a_broken_coverage_row_fails_its_test(built, tmp_path, monkeypatch):
    rows = query(built, "select day, owner_id from marts.follow_up_coverage_daily where due_leads > 0 order by all")
    at = [f"day = date '{r['day']}' and owner_id = '{r['owner_id']}'" for r in rows]
    broken = _broken(
        built, tmp_path,
        f"insert into marts.follow_up_coverage_daily select * from marts.follow_up_coverage_daily where {at[0]}",
        f"update marts.follow_up_coverage_daily set follow_up_coverage = 1.5 where {at[1]}",
        f"update marts.follow_up_coverage_daily set covered_leads = due_leads + 1 where {at[2]}",
        f"update marts.follow_up_coverage_daily set new_leads = -1 where {at[3]}",
        "update marts.follow_up_coverage_rollup_daily set follow_up_coverage = -0.5 where scope_type = 'company'",
    )  # fmt: skip

    failed = _failed(_checks(broken, monkeypatch))

    assert failed == {
        "unique_combination_follow_up_coverage_daily_day__owner_id",
        "within_range_follow_up_coverage_daily_follow_up_coverage__1__0",
        "coverage_counts_are_consistent",
        "not_negative_follow_up_coverage_daily_new_leads",
        "within_range_follow_up_coverage_rollup_daily_follow_up_coverage__1__0",
    }


def test_the_aging_bucket_labels_follow_the_edges_var(built):
    """The labels the test accepts are the ones the model writes: both come from aging_bucket_labels()."""
    buckets = {r["aging_bucket"] for r in query(built, "select distinct aging_bucket from marts.lead_aging")}
    edges = query(built, "select aging_bucket_edges from marts.metric_parameters")[0]["aging_bucket_edges"]
    bounds = [int(e) for e in edges.split(",")]
    labels = [f"{0 if i == 0 else bounds[i - 1] + 1}-{edge}d" for i, edge in enumerate(bounds)] + [f"{bounds[-1]}d+"]
    assert buckets and buckets <= set(labels)
