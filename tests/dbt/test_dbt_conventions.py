"""The dbt project as a dbt user finds it: exposures, groups and access, owners, the semantic layer, and a plain
`dbt build` that refuses to rebuild the pipeline's warehouse without an explicit as-of."""

import json
import os
import subprocess

import pytest

from ingest.loader import connect
from orchestration.lib.dbt_project import DBT_EXECUTABLE, ensure_manifest
from orchestration.serving.publish import MARTS
from orchestration.settings import DBT_PROJECT_DIR
from tests.conftest import query

PROJECT = "follow_up_radar"


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(ensure_manifest().read_text())


def _models(manifest: dict) -> dict[str, dict]:
    return {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}


def test_exposures_show_the_dashboard_the_serving_files_and_the_alerts(manifest):
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert set(exposures) == {"follow_up_dashboard", "serving_files", "coverage_alerts"}
    published = {f"model.{PROJECT}.{name}" for name in MARTS}
    assert set(exposures["serving_files"]["depends_on"]["nodes"]) == published
    assert exposures["follow_up_dashboard"]["type"] == "dashboard" and exposures["follow_up_dashboard"]["url"]
    assert f"model.{PROJECT}.follow_up_coverage_rollup_daily" in exposures["coverage_alerts"]["depends_on"]["nodes"]
    assert all(e["owner"]["name"] for e in exposures.values())


def test_every_model_has_a_group_with_an_owner_and_only_the_marts_are_public(manifest):
    groups = {g["name"]: g for g in manifest["groups"].values()}
    for name, model in _models(manifest).items():
        assert groups[model["group"]]["owner"]["name"], name
        expected = "public" if model["config"]["schema"] == "marts" else "protected"
        assert model["access"] == expected, name
    assert {n["group"] for n in manifest["nodes"].values() if n["resource_type"] == "seed"} == {"sales_ops"}


def test_follow_up_coverage_is_a_ratio_metric_of_summed_counts(manifest):
    metrics = {m["name"]: m for m in manifest["metrics"].values()}
    coverage = metrics["follow_up_coverage"]
    assert coverage["type"] == "ratio"
    assert (coverage["type_params"]["numerator"]["name"], coverage["type_params"]["denominator"]["name"]) == (
        "covered_leads", "due_leads"
    )
    (semantic,) = manifest["semantic_models"].values()
    assert semantic["depends_on"]["nodes"] == [f"model.{PROJECT}.follow_up_coverage_daily"]
    assert {m["name"]: m["agg"] for m in semantic["measures"]} == {
        "covered_leads": "sum", "due_leads": "sum", "open_leads": "sum"
    }


def test_a_plain_dbt_build_refuses_the_warehouse_without_an_as_of(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    connect(warehouse).close()
    env = {k: v for k, v in os.environ.items() if k != "RADAR_AS_OF"} | {"RADAR_WAREHOUSE": str(warehouse)}
    paths = ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]

    done = subprocess.run(  # as a dbt user types it in the project folder
        [DBT_EXECUTABLE, "build", *paths], cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300
    )

    assert done.returncode != 0
    assert "refusing to build" in done.stdout and "RADAR_AS_OF" in done.stdout
    # Nothing built and no build recorded (dbt itself creates the project's schemas, empty, before any hook).
    tables = query(warehouse, "select table_schema, table_name from information_schema.tables")
    assert {t["table_schema"] for t in tables} == {"raw"}
