"""The dbt project as Dagster sees it, with a manifest re-parsed whenever the project changed."""

import contextvars
import fcntl
import logging
import os
import pprint
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property
from pathlib import Path

import msgpack
from dagster_dbt import DbtCliResource, DbtProject
from dbt.version import __version__ as DBT_VERSION
from packaging import version

from orchestration.settings import DBT_PROJECT_DIR

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# The dbt installed beside this Python, so nothing depends on the virtualenv being on PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")
_SOURCES = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml")
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
# The last parse state per warehouse name (target/parse_states/<stem>/), with the path of the warehouse it was made for.
PARSE_STATES = "parse_states"
PARSE_STATE_WAREHOUSE_FILE = "warehouse"
# A run folder untouched this long belongs to a dbt invocation that was killed (a build takes minutes at most).
ABANDONED_AFTER_SECONDS = 6 * 3600


class RadarDbtCliResource(DbtCliResource):
    """dagster-dbt asks `dbt --version` in a subprocess (about a second and a half) on every step that runs dbt;
    the executable is the dbt-core installed beside this Python, whose version is known without asking."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(DBT_VERSION)


def dbt_resource() -> DbtCliResource:
    return RadarDbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE)


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


@contextmanager
def run_folder() -> Iterator[Path]:
    """A target folder of its own for one dbt invocation (runs on other warehouses may build at the same time),
    removed after. It starts from the project's parse state (re-keyed to this warehouse, see
    _hand_over_parse_state); the state dbt leaves is handed back, so the next invocation parses only what changed."""
    target = Path(DBT_PROJECT.project_dir) / DBT_PROJECT.target_path  # dbt's own base, whatever the cwd
    runs = target / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(runs, time.time() - ABANDONED_AFTER_SECONDS)
    folder = Path(tempfile.mkdtemp(prefix="build-", dir=runs))
    warehouse = os.environ.get("RADAR_WAREHOUSE", "")
    try:
        try:
            _hand_over_parse_state(target, folder, warehouse)
        except Exception as error:  # dbt internals it reads changed, or a damaged state file: dbt parses whole
            (folder / PARTIAL_PARSE_FILE).unlink(missing_ok=True)
            logging.getLogger(__name__).warning(f"dbt parses the whole project: no parse state to hand on ({error!r})")
        yield folder
        if (folder / PARTIAL_PARSE_FILE).exists():
            _keep_parse_state(target, folder, warehouse)
            os.replace(folder / PARTIAL_PARSE_FILE, target / PARTIAL_PARSE_FILE)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _hand_over_parse_state(target: Path, folder: Path, warehouse: str) -> None:
    """dbt keys its parse state on the profile's connection settings, the warehouse path among them, and parses the
    whole project again (seconds) for any other path. No model reads the path, only the database name (the
    file's stem), so a state left by a build of another warehouse with the same stem and an otherwise identical
    profile is handed on with the key this warehouse gives. Anything else (another stem, another target, a state
    and a path file written by two invocations at once) leaves dagster-dbt to copy the project's state, and dbt
    decides as it would."""
    if not warehouse:
        return
    kept = target / PARSE_STATES / Path(warehouse).stem
    state, made_for = kept / PARTIAL_PARSE_FILE, kept / PARSE_STATE_WAREHOUSE_FILE
    if not (state.exists() and made_for.exists()):
        return
    previous = made_for.read_text()
    if previous == warehouse or Path(previous).stem != Path(warehouse).stem:
        return
    saved = msgpack.unpackb(state.read_bytes(), strict_map_key=False)
    profile_hash = saved.get("state_check", {}).get("profile_hash", {})
    if profile_hash.get("checksum") != _profile_checksum(previous):
        return
    saved["state_check"]["profile_hash"] = {**profile_hash, "checksum": _profile_checksum(warehouse)}
    (folder / PARTIAL_PARSE_FILE).write_bytes(msgpack.packb(saved))


def _keep_parse_state(target: Path, folder: Path, warehouse: str) -> None:
    """The parse state an invocation left, kept for the next warehouse of the same name."""
    if not warehouse:
        return
    kept = target / PARSE_STATES / Path(warehouse).stem
    kept.mkdir(parents=True, exist_ok=True)
    for name, write in ((PARTIAL_PARSE_FILE, lambda path: shutil.copyfile(folder / PARTIAL_PARSE_FILE, path)),
                        (PARSE_STATE_WAREHOUSE_FILE, lambda path: path.write_text(warehouse))):
        partial = folder / f"{name}.kept"
        write(partial)
        os.replace(partial, kept / name)


def _profile_checksum(warehouse: str) -> str:
    """dbt's key for the profile's connection settings (ManifestLoader.build_manifest_state_check) with
    RADAR_WAREHOUSE at `warehouse`, rendered as dbt renders profiles.yml."""
    from argparse import Namespace

    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt.contracts.files import FileHash
    from dbt.flags import get_flags, set_from_args
    from dbt_common.context import set_invocation_context

    def render() -> str:
        if not hasattr(get_flags(), "LOG_CACHE_EVENTS"):  # dbt's global flags, unset outside a dbt command
            set_from_args(Namespace(), None)
        set_invocation_context({**os.environ, "RADAR_WAREHOUSE": warehouse})
        profile = Profile.from_raw_profiles(read_profile(str(DBT_PROJECT_DIR)), "follow_up_radar", ProfileRenderer({}))
        return FileHash.from_contents(pprint.pformat(sorted(profile.credentials.connection_info()))).checksum

    return contextvars.copy_context().run(render)


def _remove_abandoned(runs: Path, before: float) -> None:
    """The folders of invocations whose process was killed (nothing else leaves one behind)."""
    for folder in runs.glob("build-*"):
        if folder.stat().st_mtime < before:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def build_environment(as_of: datetime, version: str) -> Iterator[None]:
    """The run's as-of time and the project version, as the environment of the dbt subprocess (an environment
    variable, not --vars, keeps dbt's partial parsing valid from run to run)."""
    values = {"RADAR_AS_OF": as_of.strftime("%Y-%m-%d %H:%M:%S"), "RADAR_PROJECT_VERSION": version}
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
