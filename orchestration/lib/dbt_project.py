"""The dbt project as Dagster sees it, with a manifest re-parsed whenever the project changed."""

import fcntl
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.settings import DBT_PROJECT_DIR

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# The dbt installed beside this Python, so nothing depends on the virtualenv being on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")
_SOURCES = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml")


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)


def _newest_source_mtime(project_dir: Path) -> float:
    paths = [project_dir / name for name in _SOURCES]
    files = [p for path in paths for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file()]
    return max(p.stat().st_mtime for p in files)


def _is_stale(manifest: Path) -> bool:
    return not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime(DBT_PROJECT_DIR)


def ensure_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than any model, macro or seed.

    Several processes may load the definitions at once (test workers, the UI's code server): a file lock
    lets one of them parse while the others wait for its manifest.
    """
    manifest = Path(DBT_PROJECT.manifest_path)
    if _is_stale(manifest):
        manifest.parent.mkdir(parents=True, exist_ok=True)
        with open(manifest.parent / ".parse.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if _is_stale(manifest):
                dbt_resource().cli(["parse", "--quiet"], target_path=Path(DBT_PROJECT.target_path)).wait()
    return manifest
