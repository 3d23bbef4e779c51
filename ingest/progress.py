"""How far the loader has read the file in hand, for whoever watches: `radar run` on a terminal draws it as a
bar (orchestration/lib/terminal_log.py). Readers report the bytes they have read; with no watcher registered (a
run in the Dagster daemon, the tests, a run whose output goes to a file) a report does nothing."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# The file, what is being done to it ("hashing", "parsing"), the bytes done and the file's size.
Watcher = Callable[[Path, str, int, int], None]
_watchers: list[Watcher] = []


@contextmanager
def watching(watcher: Watcher) -> Iterator[None]:
    """Pass the reports made inside the block to `watcher`."""
    _watchers.append(watcher)
    try:
        yield
    finally:
        _watchers.remove(watcher)


def report(path: Path, stage: str, done: int, total: int) -> None:
    for watcher in _watchers:
        watcher(path, stage, done, total)
