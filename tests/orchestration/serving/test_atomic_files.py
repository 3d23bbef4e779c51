"""Versions of a file set behind one pointer: readers' paths switch together, old versions go, links are
replaced in one step."""

import os
from pathlib import Path

from orchestration.serving.atomic_files import current_version, link_durably, new_version, switch_to


def _version(folder: Path, label: str, content: str) -> Path:
    version = new_version(folder, label)
    for name in ("a.parquet", "b.parquet"):
        (version / name).write_text(f"{content} {name}")
    return version


def test_a_new_version_is_invisible_until_the_switch(tmp_path: Path):
    version = _version(tmp_path, "build-000001", "one")

    assert current_version(tmp_path) is None
    assert version.parent == tmp_path / ".versions" and version.name.startswith("build-000001-")
    assert list(tmp_path.glob("*.parquet")) == []


def test_the_switch_moves_every_linked_path_at_once_and_keeps_only_the_replaced_version(tmp_path: Path):
    first, killed = _version(tmp_path, "b1", "one"), _version(tmp_path, "b2", "half")
    switch_to(tmp_path, first)
    for name in ("a.parquet", "b.parquet"):
        link_durably(tmp_path / name, f"current/{name}")
    before = [(tmp_path / n).read_text() for n in ("a.parquet", "b.parquet")]
    held = open(tmp_path / "a.parquet")  # a reader holding the old version open  # noqa: SIM115

    second = _version(tmp_path, "b3", "two")
    switch_to(tmp_path, second)

    assert before == ["one a.parquet", "one b.parquet"]
    assert [(tmp_path / n).read_text() for n in ("a.parquet", "b.parquet")] == ["two a.parquet", "two b.parquet"]
    assert held.read() == "one a.parquet", "the reader keeps its version"
    held.close()
    assert current_version(tmp_path) == second.resolve()
    assert sorted(p.name for p in (tmp_path / ".versions").iterdir()) == sorted([first.name, second.name])
    assert not killed.exists(), "an unpublished folder (a killed publish's) is removed"


def test_link_durably_replaces_a_file_with_a_link_and_leaves_a_right_link_alone(tmp_path: Path):
    path = tmp_path / "serving.duckdb"
    path.write_text("a file from before versions")

    link_durably(path, "serving/current/serving.duckdb")
    inode = os.lstat(path).st_ino
    link_durably(path, "serving/current/serving.duckdb")

    assert path.is_symlink() and os.readlink(path) == "serving/current/serving.duckdb"
    assert os.lstat(path).st_ino == inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["serving.duckdb"]
