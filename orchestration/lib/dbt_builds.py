"""Whether a run needs a dbt build, and whether the incremental models must start again from scratch.

dbt records every whole-project build that succeeded in intermediate.radar_builds (dbt_project/macros/
build_state.sql): its as-of time, the highest ledger file_id it read, how many files the ledger held and the
version of the dbt project it ran. Against that record:
- nothing to build when no file was loaded since and the as-of time is the same (the marts would not change);
- a full refresh when a loaded file was forgotten since (`radar reprocess`: its rows left raw, but the
  incremental models keep what they built from them) or the models, macros, seeds or parameters changed;
- otherwise an incremental build, which reads only what changed.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from orchestration.settings import DBT_PROJECT_DIR

BUILDS_TABLE = "intermediate.radar_builds"
# What the incremental models are computed from: a change to any of these invalidates what they hold.
_VERSIONED = ("models", "macros", "seeds", "dbt_project.yml")


@dataclass(frozen=True)
class BuildPlan:
    build: bool
    full_refresh: bool
    reason: str
    last_build_number: int | None = None  # the build whose marts stand when nothing is built


@dataclass(frozen=True)
class _LastBuild:
    build_number: int
    as_of: datetime
    max_file_id: int
    files_loaded: int
    project_version: str | None


def project_version(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """A digest of the SQL, macros, seeds and dbt_project.yml (the unit tests and docs do not count)."""
    digest = hashlib.sha256()
    for name in _VERSIONED:
        root = project_dir / name
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if path.name.endswith("__unit_tests.yml"):
                continue
            digest.update(str(path.relative_to(project_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _last_build(con: duckdb.DuckDBPyConnection) -> _LastBuild | None:
    try:
        row = con.execute(
            f"select build_number, as_of, max_file_id, files_loaded, project_version from {BUILDS_TABLE} "
            "order by build_number desc limit 1"
        ).fetchone()
    except duckdb.CatalogException:
        return None
    return _LastBuild(*row) if row else None


def plan_build(con: duckdb.DuckDBPyConnection, as_of: datetime, version: str) -> BuildPlan:
    """What this run's dbt step should do, given the warehouse (its ledger and the last recorded build)."""
    last = _last_build(con)
    if last is None:
        return BuildPlan(True, False, "no build recorded yet: building everything")
    max_file_id, files_before = con.execute(
        "select coalesce(max(file_id), 0), count(*) filter (where file_id <= ?) from raw._files", [last.max_file_id]
    ).fetchone()
    if last.project_version != version:
        return BuildPlan(True, True, "the dbt project changed since the last build: full refresh")
    if files_before < last.files_loaded:
        return BuildPlan(True, True, "a file loaded before was forgotten (radar reprocess): full refresh")
    if max_file_id == last.max_file_id and as_of == last.as_of:
        reason = f"no new file and the same as-of time ({as_of}): the marts are current"
        return BuildPlan(False, False, reason, last.build_number)
    new_files = con.execute("select count(*) from raw._files where file_id > ?", [last.max_file_id]).fetchone()[0]
    return BuildPlan(True, False, f"incremental build: {new_files} new file(s), as-of {last.as_of} -> {as_of}")
