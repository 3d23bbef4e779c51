"""Run the whole asset graph once, in this process, on the configured Dagster instance."""

import dagster as dg

from orchestration.lib.terminal_log import progress_on_terminal, terminal_logger

# The terminal gets short lines (lib/terminal_log.py); every event stays in the run's event log (the UI).
RUN_CONFIG = {"loggers": {"terminal": {}}}


def run_pipeline(
    instance: dg.DagsterInstance | None = None, tags: dict[str, str] | None = None
) -> dg.ExecuteInProcessResult:
    from orchestration.definitions import defs

    job = defs().resolve_job_def("radar_job").with_logger_defs({"terminal": terminal_logger})
    with progress_on_terminal():
        if instance is not None:
            return job.execute_in_process(RUN_CONFIG, instance=instance, raise_on_error=False, tags=tags)
        with dg.DagsterInstance.get() as local:
            return job.execute_in_process(RUN_CONFIG, instance=local, raise_on_error=False, tags=tags)
