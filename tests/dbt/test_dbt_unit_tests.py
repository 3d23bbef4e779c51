"""dbt's own unit tests (models/**/_*__unit_tests.yml): one per METRICS.md rule and edge case."""

from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner

from ingest.loader import connect
from orchestration.settings import DBT_PROJECT_DIR

pytestmark = pytest.mark.slow


def _dbt(args: list[str], target: Path):
    common = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    common += ["--target-path", str(target / "target"), "--log-path", str(target / "logs")]
    return dbtRunner().invoke([*args, *common, "--vars", '{"as_of": "2024-03-12 12:00:00"}'])


def test_every_dbt_unit_test_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    warehouse = tmp_path / "warehouse.duckdb"
    connect(warehouse).close()
    monkeypatch.setenv("RADAR_WAREHOUSE", str(warehouse))

    # Unit tests need the relations they read to exist: seed, and build the models empty.
    assert _dbt(["seed"], tmp_path).success
    assert _dbt(["run", "--empty"], tmp_path).success

    result = _dbt(["test", "--select", "test_type:unit"], tmp_path)
    outcomes = {r.node.name: str(r.status) for r in result.result if r.node.resource_type == "unit_test"}
    failed = sorted(name for name, status in outcomes.items() if status != "pass")
    assert len(outcomes) >= 60
    assert failed == []
