"""Temp files beside their targets: hidden from readers' globs, renamed whole, swept once their writer is gone."""

import os
import subprocess
import sys
from pathlib import Path

from orchestration.lib.atomic_files import remove_temp, replace_durably, sweep_leftovers, temp_path


def _dead_pid() -> int:
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return done.pid


def test_temp_names_are_hidden_beside_the_target_and_never_match_its_glob(tmp_path: Path):
    target = tmp_path / "lead_aging.parquet"
    temp = temp_path(target)
    temp.write_bytes(b"partial")

    assert temp.parent == tmp_path and temp.name.startswith(".lead_aging.parquet.") and temp.suffix == ".tmp"
    assert temp != temp_path(target)
    assert list(tmp_path.glob("*.parquet")) == []


def test_replace_durably_swaps_the_whole_file_in(tmp_path: Path):
    target = tmp_path / "serving.duckdb"
    target.write_bytes(b"old")
    temp = temp_path(target)
    temp.write_bytes(b"new")

    replace_durably(temp, target)

    assert target.read_bytes() == b"new" and not temp.exists()


def test_remove_temp_also_removes_its_write_ahead_log(tmp_path: Path):
    temp = temp_path(tmp_path / "serving.duckdb")
    temp.write_bytes(b"x")
    temp.with_name(temp.name + ".wal").write_bytes(b"y")

    remove_temp(temp)

    assert list(tmp_path.iterdir()) == []


def test_sweep_removes_only_leftovers_of_processes_that_are_gone(tmp_path: Path):
    target = tmp_path / "serving.duckdb"
    target.write_bytes(b"real")
    dead = tmp_path / f".serving.duckdb.{_dead_pid()}-0badf00d.tmp"
    live = tmp_path / f".serving.duckdb.{os.getpid()}-0badf00d.tmp"
    other = tmp_path / f".other.duckdb.{_dead_pid()}-0badf00d.tmp"
    for path in (dead, dead.with_name(dead.name + ".wal"), live, other):
        path.write_bytes(b"temp")

    sweep_leftovers(target)

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, live.name, other.name])
