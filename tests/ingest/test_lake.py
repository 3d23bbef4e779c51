"""The raw layer as Parquet in a lake folder (ingest/lake.py): one partition per loaded file, kept matching the
warehouse's raw schema and ledger through re-exports, reprocessed files, quarantines and killed exports."""

import shutil
from pathlib import Path

import duckdb
import pytest

from ingest import lake, loader
from ingest.landing import SOURCES
from ingest.schema import FILES, RAW_TABLES
from tests.conftest import HANDMADE_LANDING


@pytest.fixture
def loaded(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    landing = tmp_path / "landing"
    shutil.copytree(HANDMADE_LANDING, landing)
    con = loader.connect(tmp_path / "warehouse.duckdb")
    for source in SOURCES:
        loader.load_source(con, landing, source)
    yield con
    con.close()


def _lake_rows(folder: Path, table: str) -> list[tuple]:
    return duckdb.sql(
        f"select _file_id, count(*) from read_parquet('{folder}/raw/{table}/*/*.parquet', hive_partitioning = true) "
        "group by 1 order by 1"
    ).fetchall()


def _raw_rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return con.execute(f"select _file_id, count(*) from raw.{table} group by 1 order by 1").fetchall()


def test_each_loaded_file_is_a_partition_of_its_rows_and_the_ledger_is_beside_them(loaded, tmp_path):
    result = lake.export_raw(loaded, tmp_path / "lake")

    for table in RAW_TABLES:
        assert _lake_rows(tmp_path / "lake", table.name) == _raw_rows(loaded, table.name), table.name
    assert result.written == sum(len(_raw_rows(loaded, t.name)) for t in RAW_TABLES) and result.removed == 0
    ledger = duckdb.sql(f"select file_id, status from read_parquet('{tmp_path}/lake/raw/_files/*.parquet') "
                        "order by 1").fetchall()
    assert ledger == loaded.execute(f"select file_id, status from {FILES.qualified} order by 1").fetchall()
    # Timestamps are written as UTC instants, the same instants raw holds as naive UTC.
    lake_times = duckdb.sql("select max(cast(timezone('UTC', sent_at) as varchar)) from "
                            f"read_parquet('{tmp_path}/lake/raw/mailbox_messages/*/*.parquet')").fetchall()
    assert lake_times == loaded.execute("select max(cast(sent_at as varchar)) from raw.mailbox_messages").fetchall()


def test_a_second_export_writes_nothing_and_a_reprocessed_file_leaves_the_lake(loaded, tmp_path):
    lake.export_raw(loaded, tmp_path / "lake")
    again = lake.export_raw(loaded, tmp_path / "lake")
    assert (again.written, again.removed) == (0, 0) and again.kept > 0

    (file_id,) = loaded.execute("select min(_file_id) from raw.salesforce_leads").fetchone()
    loader.forget_file(loaded, file_id)
    after = lake.export_raw(loaded, tmp_path / "lake")

    assert (after.written, after.removed) == (0, 1)
    assert not (tmp_path / "lake" / "raw" / "salesforce_leads" / f"_file_id={file_id}").exists()
    assert _lake_rows(tmp_path / "lake", "salesforce_leads") == _raw_rows(loaded, "salesforce_leads")


def test_a_file_id_used_again_for_other_content_is_written_again(loaded, tmp_path):
    lake.export_raw(loaded, tmp_path / "lake")
    (file_id,) = loaded.execute("select max(_file_id) from raw.sendgrid_events").fetchone()
    loaded.execute(f"update {FILES.qualified} set sha256 = 'other content' where file_id = ?", [file_id])
    loaded.execute("delete from raw.sendgrid_events where _file_id = ? and _row_number > 1", [file_id])

    result = lake.export_raw(loaded, tmp_path / "lake")

    assert result.written == 1
    assert _lake_rows(tmp_path / "lake", "sendgrid_events") == _raw_rows(loaded, "sendgrid_events")


def test_a_quarantine_reaches_the_lake_ledger_and_a_killed_export_leaves_nothing_in_place(loaded, tmp_path):
    lake.export_raw(loaded, tmp_path / "lake")
    (file_id,) = loaded.execute("select min(_file_id) from raw.salesforce_tasks").fetchone()
    loader.quarantine(loaded, [file_id], "a blocking check failed")
    leftover = tmp_path / "lake" / ".staging" / "salesforce_tasks-99-x"
    leftover.mkdir(parents=True)  # what an export killed mid-partition leaves: never in a table's folder
    (leftover / "part-0.parquet").write_text("half written")

    lake.export_raw(loaded, tmp_path / "lake")

    status = duckdb.sql(f"select status from read_parquet('{tmp_path}/lake/raw/_files/*.parquet') "
                        f"where file_id = {file_id}").fetchall()
    assert status == [("quarantined",)]
    assert not (tmp_path / "lake" / ".staging").exists()
    assert _lake_rows(tmp_path / "lake", "salesforce_tasks") == _raw_rows(loaded, "salesforce_tasks")
