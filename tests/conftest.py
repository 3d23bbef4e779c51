import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
HANDMADE_LANDING = FIXTURES / "handmade"
HANDMADE_AS_OF = "2024-03-12 12:00:00"


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    """A private copy of the hand-made landing set (tests may add or break files in it)."""
    target = tmp_path / "landing"
    shutil.copytree(HANDMADE_LANDING, target)
    return target


@pytest.fixture
def radar_env(tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """RADAR_* variables pointing at a temporary landing folder and warehouse, as-of fixed."""
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("RADAR_LANDING_DIR", str(landing))
    monkeypatch.setenv("RADAR_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("RADAR_AS_OF", HANDMADE_AS_OF)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    return {"landing": landing, "warehouse": warehouse}


@pytest.fixture
def instance():
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
