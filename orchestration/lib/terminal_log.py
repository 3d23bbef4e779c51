"""The log `radar run` prints while it works: one short line per message of a step, and a line when a step ends
with how long it took, instead of Dagster's console lines (each prefixed with the job, the run id and the step).
The run's event log, which the Dagster UI shows, is unchanged. On a terminal, and only there, a big file being
read also gets a progress bar on the line below the log, erased before each log line and when the file is done.
"""

import logging
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import dagster as dg

from ingest import progress

SHOWN_EVENTS = {"STEP_SUCCESS": "done", "STEP_SKIPPED": "skipped"}
BIG_FILE_BYTES = 8 << 20  # smaller files are read in a moment: no bar
REDRAW_SECONDS = 0.1
BAR_WIDTH = 24
_ERASE = "\r\x1b[K"  # back to the line's start, and clear it


class ProgressBar:
    """The bytes read of the current big file, as one line redrawn in place (at most every REDRAW_SECONDS)."""

    def __init__(self, stream: TextIO, min_bytes: int = BIG_FILE_BYTES, clock: Callable[[], float] = time.monotonic):
        self.stream, self.min_bytes, self.clock = stream, min_bytes, clock
        self._lock = threading.Lock()
        self._shown: tuple[Path, str] | None = None
        self._drawn_at = 0.0

    def __call__(self, path: Path, stage: str, done: int, total: int) -> None:
        if total < self.min_bytes:
            return
        with self._lock:
            if done >= total:
                self._erase()
                return
            now = self.clock()
            if self._shown == (path, stage) and now - self._drawn_at < REDRAW_SECONDS:
                return
            self._shown, self._drawn_at = (path, stage), now
            self.stream.write(_ERASE + self._line(path, stage, done, total))
            self.stream.flush()

    def _line(self, path: Path, stage: str, done: int, total: int) -> str:
        filled = BAR_WIDTH * done // total
        line = (f"  {stage} {path.name} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
                f"{done / 2**20:.1f}/{total / 2**20:.1f} MiB {100 * done // total}%")  # fmt: skip
        return line[: shutil.get_terminal_size().columns - 1]  # one line, never wrapped

    def _erase(self) -> None:
        if self._shown is not None:
            self.stream.write(_ERASE)
            self.stream.flush()
            self._shown = None

    def erase(self) -> None:
        with self._lock:
            self._erase()


_bar: ProgressBar | None = None  # the bar on this process's terminal, while a run draws one


@contextmanager
def progress_on_terminal(stream: TextIO | None = None) -> Iterator[None]:
    """Within the block, the loader's progress reports draw a bar on `stream` (stderr) when it is a terminal;
    into a file or a pipe nothing is drawn."""
    global _bar
    stream = stream or sys.stderr
    if not stream.isatty():
        yield
        return
    _bar = ProgressBar(stream)
    try:
        with progress.watching(_bar):
            yield
    finally:
        _bar.erase()
        _bar = None


class _TerminalFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        meta = getattr(record, "dagster_meta", None) or {}
        step = meta.get("step_key") or meta.get("job_name") or "radar"
        event = meta.get("dagster_event")
        message = meta.get("orig_message") or record.getMessage()
        if event is not None and event.event_type_value in SHOWN_EVENTS:
            duration = getattr(event.event_specific_data, "duration_ms", None)
            message = SHOWN_EVENTS[event.event_type_value] + (f" in {duration / 1000:.1f} s" if duration else "")
        return f"{time.strftime('%H:%M:%S', time.localtime(record.created))}  {step}: {message}"


class _Shown(logging.Filter):
    """What the step says (INFO and up), and the end of each step; Dagster's other events stay in the event log."""

    def filter(self, record: logging.LogRecord) -> bool:
        event = (getattr(record, "dagster_meta", None) or {}).get("dagster_event")
        if event is not None:
            return event.event_type_value in SHOWN_EVENTS or record.levelno >= logging.WARNING
        return record.levelno >= logging.INFO


class _TerminalHandler(logging.StreamHandler):
    """Erases the progress bar, if one is drawn, before a log line takes its place."""

    def emit(self, record: logging.LogRecord) -> None:
        if _bar is not None:
            _bar.erase()
        super().emit(record)


@dg.logger(description="Short lines on stderr for a person at the terminal (radar run).")
def terminal_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.getLogger(f"radar.terminal.{init_context.run_id}")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    handler = _TerminalHandler(sys.stderr)
    handler.setFormatter(_TerminalFormatter())
    handler.addFilter(_Shown())
    logger.handlers = [handler]
    return logger
