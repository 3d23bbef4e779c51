"""No run that a killed run can block: `radar run` killed with SIGKILL during the dbt build or midway through
the publish, then run again. The new run frees the slot the dead one held, completes, and leaves the marts an
uninterrupted run gives and one published version of every file.

The kill points are deterministic: the child wraps one pipeline function so that it kills itself there (two
seconds into the dbt build; after the publish wrote its second Parquet file)."""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import HANDMADE_AS_OF, HANDMADE_LANDING, query
from tests.orchestration.expected_marts import FOLLOW_UP_COVERAGE_DAILY, LEAD_AGING

pytestmark = pytest.mark.slow

RADAR = str(Path(sys.executable).parent / "radar")
CHILD = """
import os, signal, sys, threading
from contextlib import contextmanager

import orchestration.defs.dbt.assets as dbt_assets
from orchestration import cli
from orchestration.serving import publish

def die():
    os.kill(os.getpid(), signal.SIGKILL)

if sys.argv[1] == "dbt":
    real_environment = dbt_assets.build_environment

    @contextmanager
    def dying_environment(*args, **kwargs):
        threading.Timer(2.0, die).start()
        with real_environment(*args, **kwargs):
            yield

    dbt_assets.build_environment = dying_environment
else:
    real_copy, copied = publish._copy_parquet, []

    def dying_copy(con, doc, path):
        real_copy(con, doc, path)
        copied.append(path)
        if len(copied) == 2:
            die()

    publish._copy_parquet = dying_copy
cli.main(["run"])
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    shutil.copytree(HANDMADE_LANDING, tmp_path / "landing")
    return {
        **os.environ, "DAGSTER_HOME": str(tmp_path / "home"), "RADAR_LANDING_DIR": str(tmp_path / "landing"),
        "RADAR_WAREHOUSE": str(tmp_path / "warehouse.duckdb"), "RADAR_AS_OF": HANDMADE_AS_OF,
    }


def _killed(env: dict[str, str], point: str) -> None:
    done = subprocess.run([sys.executable, "-c", CHILD, point], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == -signal.SIGKILL, done.stderr[-3000:]


def _run(env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run([RADAR, "run"], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _assert_marts_as_uninterrupted(warehouse: Path) -> None:
    aging = query(warehouse, "select * from marts.lead_aging order by lead_id")
    assert {r["lead_id"]: r for r in aging} == {r["lead_id"]: r for r in LEAD_AGING}
    coverage = query(warehouse, "select * from marts.follow_up_coverage_daily")
    key = lambda r: (str(r["day"]), r["owner_id"])  # noqa: E731
    assert {key(r): r for r in coverage} == {key(r): r for r in FOLLOW_UP_COVERAGE_DAILY}


def _assert_one_published_version(env: dict[str, str]) -> None:
    """Every published Parquet file holds what the serving file and the warehouse hold, row for row."""
    warehouse = Path(env["RADAR_WAREHOUSE"])
    serving_db, serving_dir = warehouse.parent / "serving.duckdb", warehouse.parent / "serving"
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")  # the warehouse's naive times hold UTC; the published ones are UTC-aware
    con.execute(f"attach '{warehouse}' as w (read_only)")
    con.execute(f"attach '{serving_db}' as s (read_only)")
    for name in ("lead_aging", "follow_up_coverage_daily", "follow_up_coverage_rollup_daily", "metric_parameters"):
        parquet = f"read_parquet('{serving_dir / (name + '.parquet')}')"
        for a, b in ((f"w.marts.{name}", parquet), (parquet, f"w.marts.{name}"), (f"s.marts.{name}", parquet)):
            assert con.execute(f"select count(*) from (from {a} except all from {b})").fetchone()[0] == 0, (name, a)
    con.close()


@pytest.mark.parametrize("point", ["dbt", "publish"], ids=["during-the-dbt-build", "midway-through-the-publish"])
def test_a_killed_run_blocks_nothing(env, point):
    _killed(env, point)

    done = _run(env)

    assert "died while it held the warehouse: marked failed" in done.stdout
    _assert_marts_as_uninterrupted(Path(env["RADAR_WAREHOUSE"]))
    _assert_one_published_version(env)
