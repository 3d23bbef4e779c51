"""dbt's output, out of the way: the lines dagster-dbt echoes for every node go to a log file of the run's own,
without colour codes, and the step logs one line that sums the build up and names that file."""

import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR

LOG_DIR = DBT_PROJECT_DIR / "logs"
KEEP_LOGS = 20  # the newest build logs kept; older ones are removed when a build starts


@contextmanager
def to_log_file(run_id: str, log_dir: Path = LOG_DIR) -> Iterator[Path]:
    """While inside, what dbt prints (through dagster-dbt, on this process's stdout) goes to the run's log."""
    log_dir.mkdir(parents=True, exist_ok=True)
    _prune(log_dir, KEEP_LOGS - 1)
    path = log_dir / f"build-{run_id}.log"
    before = os.environ.get("DBT_USE_COLORS")
    os.environ["DBT_USE_COLORS"] = "false"
    try:
        with path.open("a", encoding="utf-8") as log, redirect_stdout(log):
            yield path
    finally:
        if before is None:
            os.environ.pop("DBT_USE_COLORS", None)
        else:
            os.environ["DBT_USE_COLORS"] = before
        sys.stdout.flush()


def _prune(log_dir: Path, keep: int) -> None:
    logs = sorted(log_dir.glob("build-*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in logs[keep:]:
        old.unlink(missing_ok=True)


def summary(run_results: dict | None, log: Path) -> str:
    """`dbt build: 41 nodes in 9.8 s: 31 success, 9 pass, 1 warn (full log: ...)` from run_results.json."""
    if run_results is None:
        return f"dbt build: no results written (full log: {log})"
    statuses = Counter(result["status"] for result in run_results.get("results", []))
    counted = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items(), key=lambda kv: (-kv[1], kv[0])))
    elapsed = run_results.get("elapsed_time", 0.0)
    return f"dbt build: {sum(statuses.values())} nodes in {elapsed:.1f} s: {counted or 'nothing run'} (full log: {log})"
