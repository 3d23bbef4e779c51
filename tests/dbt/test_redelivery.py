"""Exactly once and late data: the same files delivered in other orders, in several batches and with
duplicates under other names, give identical marts (an old export arriving late does not win)."""

import random
import shutil
from pathlib import Path

import pytest

from ingest.landing import SOURCES
from ingest.loader import connect, load_source
from orchestration.lib.dbt_project import dbt_resource
from tests.conftest import HANDMADE_AS_OF, HANDMADE_LANDING, query

pytestmark = pytest.mark.slow

FILES = sorted(p.relative_to(HANDMADE_LANDING) for p in HANDMADE_LANDING.rglob("*") if p.is_file())
DUPLICATES = {  # re-deliveries under other names and folders
    Path("salesforce/Lead_2024-03-06.csv"): Path("salesforce/resent/Lead_2024-03-06 (1).csv"),
    Path("sendgrid/events_2024-03-05.json"): Path("sendgrid/retry/batch-7f3a.json"),
    Path("mailbox/ana.mbox"): Path("mailbox/ana-copy.mbox"),
}
MARTS = ("lead_aging", "follow_up_coverage_daily")


def _deliver_and_build(root: Path, deliveries: list[tuple[Path, Path]], batches: int, monkeypatch) -> dict:
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    con = connect(warehouse)
    try:
        size = -(-len(deliveries) // batches)
        for start in range(0, len(deliveries), size):
            for source_file, delivered_as in deliveries[start : start + size]:
                (landing / delivered_as).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(HANDMADE_LANDING / source_file, landing / delivered_as)
            for source in SOURCES:
                load_source(con, landing, source)
    finally:
        con.close()
    monkeypatch.setenv("RADAR_WAREHOUSE", str(warehouse))
    build = ["build", "--exclude", "resource_type:test resource_type:unit_test"]
    dbt_resource().cli([*build, "--vars", f'{{"as_of": "{HANDMADE_AS_OF}"}}'], target_path=root / "target").wait()
    return {mart: query(warehouse, f"select * from marts.{mart} order by all") for mart in MARTS}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> dict:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return _deliver_and_build(tmp_path_factory.mktemp("baseline"), [(f, f) for f in FILES], 1, monkeypatch)


def test_reverse_order_one_file_per_batch_gives_identical_marts(baseline, tmp_path, monkeypatch):
    deliveries = [(f, f) for f in reversed(FILES)]
    assert _deliver_and_build(tmp_path, deliveries, len(deliveries), monkeypatch) == baseline


def test_shuffled_batches_with_duplicates_give_identical_marts(baseline, tmp_path, monkeypatch):
    deliveries = [(f, f) for f in FILES] + list(DUPLICATES.items())
    random.Random(20240312).shuffle(deliveries)
    assert _deliver_and_build(tmp_path, deliveries, 4, monkeypatch) == baseline
    files = query(tmp_path / "warehouse.duckdb", "select count(*) as n from raw._files")
    assert files == [{"n": len(FILES)}], "a duplicate delivery added a ledger row"
