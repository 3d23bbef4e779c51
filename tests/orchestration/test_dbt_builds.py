"""When a run builds nothing, builds incrementally, or refreshes everything: against the last recorded build."""

import os
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from ingest.loader import connect
from orchestration.lib.dbt_builds import plan_build, project_version

AS_OF = datetime(2024, 3, 12, 12)
VERSION = "v1"


@pytest.fixture
def con(tmp_path: Path):
    connection = connect(tmp_path / "warehouse.duckdb")
    connection.execute(
        "create schema if not exists intermediate; create table intermediate.radar_builds (build_number integer, "
        "as_of timestamp, max_file_id bigint, files_loaded bigint, project_version varchar)"
    )
    yield connection
    connection.close()


def _files(con: duckdb.DuckDBPyConnection, *file_ids: int) -> None:
    for file_id in file_ids:
        con.execute("insert into raw._files (file_id, source, path, status) values (?, 'sendgrid', ?, 'loaded')",
                    [file_id, f"f{file_id}.json"])


def _recorded(con: duckdb.DuckDBPyConnection, as_of: datetime = AS_OF, version: str = VERSION) -> None:
    con.execute(
        "insert into intermediate.radar_builds select coalesce(max(build_number), 0) + 1, ?, "
        "(select max(file_id) from raw._files), (select count(*) from raw._files), ? from intermediate.radar_builds",
        [as_of, version],
    )


def test_without_a_recorded_build_everything_is_built(tmp_path):
    with duckdb.connect(str(tmp_path / "fresh.duckdb")) as fresh:
        plan = plan_build(fresh, AS_OF, VERSION)
    assert (plan.build, plan.full_refresh) == (True, False)


def test_no_new_file_at_the_same_as_of_builds_nothing(con):
    _files(con, 1, 2)
    _recorded(con)
    assert plan_build(con, AS_OF, VERSION).build is False


def test_a_new_file_or_a_later_as_of_builds_incrementally(con):
    _files(con, 1, 2)
    _recorded(con)
    later = plan_build(con, datetime(2024, 3, 12, 13), VERSION)
    _files(con, 3)
    new_file = plan_build(con, AS_OF, VERSION)
    assert [(p.build, p.full_refresh) for p in (later, new_file)] == [(True, False), (True, False)]
    assert "1 new file(s)" in new_file.reason


def test_a_forgotten_file_refreshes_everything_even_once_it_loaded_again(con):
    _files(con, 1, 2)
    _recorded(con)
    con.execute("delete from raw._files where file_id = 1")  # radar reprocess 1
    assert plan_build(con, AS_OF, VERSION).full_refresh
    _files(con, 3)  # the same file loaded again, under a new file_id
    assert plan_build(con, AS_OF, VERSION).full_refresh


def test_a_changed_project_refreshes_everything(con):
    _files(con, 1)
    _recorded(con)
    assert plan_build(con, AS_OF, "v2").full_refresh


def test_the_project_version_follows_the_models_but_not_the_unit_tests(tmp_path):
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text("name: x\n")
    (project / "models" / "a.sql").write_text("select 1")
    (project / "models" / "_a__unit_tests.yml").write_text("unit_tests: []\n")
    before = project_version(project)
    (project / "models" / "_a__unit_tests.yml").write_text("unit_tests: [changed]\n")
    assert project_version(project) == before
    (project / "models" / "a.sql").write_text("select 2")
    assert project_version(project) != before


def test_run_folders_left_by_killed_invocations_are_removed(tmp_path):
    from orchestration.lib.dbt_project import _remove_abandoned

    old, recent, other = tmp_path / "build-old", tmp_path / "build-recent", tmp_path / "keep-me"
    for folder in (old, recent, other):
        (folder / "run").mkdir(parents=True)
    os.utime(old, (1_000, 1_000))
    os.utime(other, (1_000, 1_000))

    _remove_abandoned(tmp_path, before=2_000)

    assert not old.exists() and recent.exists() and other.exists()


def test_a_run_folder_is_where_dbt_writes_whatever_the_cwd_and_is_removed_after(tmp_path, monkeypatch):
    from orchestration.lib.dbt_project import DBT_PROJECT, PARTIAL_PARSE_FILE, dbt_resource, run_folder

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RADAR_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    handed_back = Path(DBT_PROJECT.project_dir) / DBT_PROJECT.target_path / PARTIAL_PARSE_FILE
    handed_back.unlink(missing_ok=True)

    with run_folder() as target:
        dbt_resource().cli(["parse", "--quiet"], target_path=target).wait()
        assert (target / "manifest.json").is_file()

    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # nothing made relative to the cwd
    assert handed_back.is_file()  # the parse state the next invocation starts from


def _parse_events(target: Path, warehouse: Path, monkeypatch) -> set[str]:
    from orchestration.lib.dbt_project import dbt_resource

    monkeypatch.setenv("RADAR_WAREHOUSE", str(warehouse))
    invocation = dbt_resource().cli(["parse"], target_path=target)
    return {event.raw_event["info"]["name"] for event in invocation.stream_raw_events()}


def test_a_warehouse_of_the_same_name_starts_from_the_parse_state_another_left(tmp_path, monkeypatch):
    """dbt keys its parse state on the warehouse path; the state one warehouse left is re-keyed for another of the
    same name (dbt's database), which then parses only what changed, and never for a warehouse of another name."""
    from orchestration.lib.dbt_project import PARTIAL_PARSE_FILE, _hand_over_parse_state, _keep_parse_state

    first, same_name, other_name = (tmp_path / "a" / "warehouse.duckdb", tmp_path / "b" / "warehouse.duckdb",
                                    tmp_path / "c" / "radar.duckdb")
    left, project_target = tmp_path / "left", tmp_path / "target"
    _parse_events(left, first, monkeypatch)
    _keep_parse_state(project_target, left, str(first))
    handed, unchanged, refused = tmp_path / "handed", tmp_path / "unchanged", tmp_path / "refused"
    for folder in (handed, unchanged, refused):
        folder.mkdir()

    _hand_over_parse_state(project_target, handed, str(same_name))
    _hand_over_parse_state(project_target, refused, str(other_name))
    (unchanged / PARTIAL_PARSE_FILE).write_bytes((left / PARTIAL_PARSE_FILE).read_bytes())

    assert not (refused / PARTIAL_PARSE_FILE).exists()
    assert "UnableToPartialParse" not in _parse_events(handed, same_name, monkeypatch)
    assert "UnableToPartialParse" in _parse_events(unchanged, same_name, monkeypatch)  # what the re-key saves


def test_a_damaged_parse_state_is_not_handed_on_and_the_invocation_still_runs(tmp_path, monkeypatch, caplog):
    from orchestration.lib import dbt_project

    warehouse = tmp_path / "b" / "warehouse.duckdb"
    kept = tmp_path / "target" / dbt_project.PARSE_STATES / "warehouse"
    kept.mkdir(parents=True)
    (kept / dbt_project.PARTIAL_PARSE_FILE).write_bytes(b"\xc1 not msgpack")
    (kept / dbt_project.PARSE_STATE_WAREHOUSE_FILE).write_text(str(tmp_path / "a" / "warehouse.duckdb"))
    project = dbt_project.DbtProject(project_dir=dbt_project.DBT_PROJECT_DIR, profiles_dir=dbt_project.DBT_PROJECT_DIR,
                                     target_path=tmp_path / "target")
    monkeypatch.setattr(dbt_project, "DBT_PROJECT", project)
    monkeypatch.setenv("RADAR_WAREHOUSE", str(warehouse))

    with dbt_project.run_folder() as folder:
        assert not (folder / dbt_project.PARTIAL_PARSE_FILE).exists()  # dagster-dbt copies the project's, or none

    assert "dbt parses the whole project: no parse state to hand on" in caplog.text


def test_build_logs_keep_the_newest_twenty_and_a_summary_counts_each_status(tmp_path):
    from orchestration.lib.dbt_output import KEEP_LOGS, summary, to_log_file

    for k in range(25):
        (tmp_path / f"build-old{k}.log").write_text("old")
        os.utime(tmp_path / f"build-old{k}.log", (1_000 + k, 1_000 + k))

    with to_log_file("run-1", tmp_path) as log:
        print("dbt said this")

    assert log.read_text() == "dbt said this\n"
    kept = {p.name for p in tmp_path.glob("build-*.log")}
    assert len(kept) == KEEP_LOGS and "build-run-1.log" in kept and "build-old5.log" not in kept
    results = {"elapsed_time": 3.25, "results": [{"status": "pass"}, {"status": "warn"}, {"status": "pass"}]}
    assert summary(results, log) == f"dbt build: 3 nodes in 3.2 s: 2 pass, 1 warn (full log: {log})"
    assert summary(None, log) == f"dbt build: no results written (full log: {log})"
