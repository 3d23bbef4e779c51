"""`make run`'s story: the demo's scripted incident shows in the coverage mart built through Dagster."""

import statistics
from datetime import UTC, datetime, timedelta

import pytest

from ingest.demo import write_demo
from orchestration.runner import run_pipeline
from tests.conftest import query

pytestmark = pytest.mark.slow

END = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
WARM_UP_DAYS = 21  # the simulation starts with no history: coverage settles after about three weeks


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, instance):
    root = tmp_path_factory.mktemp("demo")
    demo = write_demo(root / "landing", end=END)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RADAR_LANDING_DIR", str(root / "landing"))
        env.setenv("RADAR_WAREHOUSE", str(root / "warehouse.duckdb"))
        env.setenv("RADAR_AS_OF", END.strftime("%Y-%m-%d %H:%M:%S"))
        result = run_pipeline(instance)
    return demo, result, root / "warehouse.duckdb"


def _coverage_by_day(warehouse, where: str) -> dict:
    rows = query(
        warehouse,
        f"""
        select day, sum(covered_leads) / nullif(sum(due_leads), 0) as coverage
        from marts.follow_up_coverage_daily where {where} group by day order by day
        """,
    )
    return {r["day"]: r["coverage"] for r in rows}


def _usual_and_last(coverage: dict, demo) -> tuple[float, float]:
    first_day = min(coverage) + timedelta(days=WARM_UP_DAYS)
    incident_day = demo.incident_start.date()
    usual = statistics.median(v for d, v in coverage.items() if first_day <= d < incident_day)
    return usual, coverage[max(coverage)]


def test_demo_runs_clean(demo_run):
    _, result, warehouse = demo_run
    assert result.success
    assert query(warehouse, "select count(*) as n from raw._rejected_rows") == [{"n": 0}]
    assert all(e.passed for e in result.get_asset_check_evaluations())


def test_incident_rep_coverage_drops_well_below_their_usual_level(demo_run):
    demo, _, warehouse = demo_run
    usual, last = _usual_and_last(_coverage_by_day(warehouse, f"owner_id = '{demo.incident_rep_id}'"), demo)
    assert usual >= 0.7
    assert last <= usual / 3


def test_incident_team_coverage_drops(demo_run):
    demo, _, warehouse = demo_run
    usual, last = _usual_and_last(_coverage_by_day(warehouse, f"team = '{demo.incident_team}'"), demo)
    assert last <= usual - 0.15
