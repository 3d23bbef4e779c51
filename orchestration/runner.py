"""Run the whole asset graph once, in this process, on the configured Dagster instance."""

import dagster as dg


def run_pipeline(instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    from orchestration.definitions import defs

    job = defs().resolve_job_def("radar_job")
    if instance is not None:
        return job.execute_in_process(instance=instance, raise_on_error=False)
    with dg.DagsterInstance.get() as local:
        return job.execute_in_process(instance=local, raise_on_error=False)
