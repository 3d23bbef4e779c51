"""Run a command and measure it as the benchmark reports it: wall time and the peak resident memory of the whole
process tree (the pipeline starts dbt as a subprocess), sampled from /proc every tenth of a second."""

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.1
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_rss_mb: float
    returncode: int
    output: str


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            continue
    return kids


def _rss_kb(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += _rss_kb(pid)
        pending += _children(pid)
    return total / 1024


def run(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Measured:
    """Run `command` to completion (its output captured) while sampling its process tree's memory."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_mb(process.pid))
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    done.set()
    sampler.join()
    return Measured(time.perf_counter() - started, peak[0], process.returncode, output)
