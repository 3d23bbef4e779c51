"""The log `radar run` prints while it works: one short line per message of a step, and a line when a step ends
with how long it took, instead of Dagster's console lines (each prefixed with the job, the run id and the step).
The run's event log, which the Dagster UI shows, is unchanged."""

import logging
import sys
import time

import dagster as dg

SHOWN_EVENTS = {"STEP_SUCCESS": "done", "STEP_SKIPPED": "skipped"}


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


@dg.logger(description="Short lines on stderr for a person at the terminal (radar run).")
def terminal_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.getLogger(f"radar.terminal.{init_context.run_id}")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_TerminalFormatter())
    handler.addFilter(_Shown())
    logger.handlers = [handler]
    return logger
