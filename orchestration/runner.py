"""Run the whole asset graph once, in this process, on the configured Dagster instance."""

import dagster as dg

# Step-level DEBUG events stay in the run's event log (the UI); the console gets INFO and up.
RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def run_pipeline(
    instance: dg.DagsterInstance | None = None, tags: dict[str, str] | None = None
) -> dg.ExecuteInProcessResult:
    from orchestration.definitions import defs

    job = defs().resolve_job_def("radar_job")
    if instance is not None:
        return job.execute_in_process(RUN_CONFIG, instance=instance, raise_on_error=False, tags=tags)
    with dg.DagsterInstance.get() as local:
        return job.execute_in_process(RUN_CONFIG, instance=local, raise_on_error=False, tags=tags)
