"""Files that readers see whole or not at all: written under a temporary name beside the target, made durable,
then renamed over it (a rename within one folder is atomic). Temp names are hidden (`.NAME.PID-RANDOM.tmp`), so
no glob for the real files (`*.parquet`, `*.duckdb`) ever matches one.
"""

import os
import re
import uuid
from pathlib import Path

_TEMP_NAME = re.compile(r"\.(\d+)-[0-9a-f]+\.tmp")


def temp_path(target: Path) -> Path:
    """A new hidden name beside the target, tagged with this process's id."""
    return target.with_name(f".{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")


def replace_durably(temp: Path, target: Path) -> None:
    """Make the complete temp file durable, then swap it in for the target in one step."""
    with open(temp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def remove_temp(temp: Path) -> None:
    """Remove a temp file that was not renamed, and the write-ahead log DuckDB may have left beside it."""
    temp.unlink(missing_ok=True)
    temp.with_name(temp.name + ".wal").unlink(missing_ok=True)


def sweep_leftovers(target: Path) -> None:
    """Remove the target's temp files left by a process that was killed before it could clean up."""
    for leftover in target.parent.glob(f".{target.name}.*.tmp*"):
        match = _TEMP_NAME.search(leftover.name)
        if match and not _alive(int(match.group(1))):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, run by another user
    return True
