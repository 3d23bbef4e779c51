import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
HANDMADE_LANDING = FIXTURES / "handmade"
HANDMADE_AS_OF = "2024-03-12 12:00:00"


@dataclass(frozen=True)
class RadarEnv:
    landing: Path
    warehouse: Path


def _radar_env(root: Path, monkeypatch: pytest.MonkeyPatch, as_of: str = HANDMADE_AS_OF) -> RadarEnv:
    """RADAR_* variables pointing at a copy of the hand-made landing set and a new warehouse, as-of fixed."""
    landing = root / "landing"
    shutil.copytree(HANDMADE_LANDING, landing)
    env = RadarEnv(landing=landing, warehouse=root / "warehouse.duckdb")
    monkeypatch.setenv("RADAR_LANDING_DIR", str(env.landing))
    monkeypatch.setenv("RADAR_WAREHOUSE", str(env.warehouse))
    monkeypatch.setenv("RADAR_AS_OF", as_of)
    monkeypatch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
    return env


@pytest.fixture
def radar_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RadarEnv:
    return _radar_env(tmp_path, monkeypatch)


@pytest.fixture(scope="module")
def module_radar_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadarEnv]:
    """Like radar_env, shared by a module's tests so one pipeline run serves many assertions."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        yield _radar_env(tmp_path_factory.mktemp("radar"), monkeypatch)


@pytest.fixture(scope="module")
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as test_instance:
        yield test_instance


def query(warehouse: Path, sql: str) -> list[dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
