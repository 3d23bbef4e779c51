"""Seconds per stage of the last `radar run` recorded in a Dagster home: from the run's step statistics, and
from the raw checks' own timing inside the ingest steps."""

import os
import re
from pathlib import Path

STAGES = {  # step key prefix -> stage
    "salesforce_files": "ingest salesforce",
    "mailbox_files": "ingest mailbox",
    "sendgrid_files": "ingest sendgrid",
    "follow_up_radar_dbt": "dbt build",
    "dbt_source_freshness": "source freshness",
    "monitoring_evaluation": "measures",
    "serving__published_marts": "publish",
}


def _stage(step_key: str) -> str:
    return next((stage for prefix, stage in STAGES.items() if step_key.startswith(prefix)), step_key)


def stage_seconds(home: Path, wall: float) -> dict[str, float]:
    """Stage -> seconds of the latest run in `home`; "raw checks" is taken out of the ingest steps, and
    "start-up and orchestration" is the rest of the wall time (Python and Dagster start-up, events, summary)."""
    os.environ["DAGSTER_HOME"] = str(home)
    import dagster as dg
    from dagster._core.events import DagsterEventType

    with dg.DagsterInstance.get() as instance:
        [run] = instance.get_runs(limit=1)
        seconds: dict[str, float] = {}
        for step in instance.get_run_step_stats(run.run_id):
            if step.start_time and step.end_time:
                stage = _stage(step.step_key)
                seconds[stage] = seconds.get(stage, 0.0) + step.end_time - step.start_time
        checks = instance.all_logs(run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
        validation = sum(
            e.dagster_event.event_specific_data.metadata["validation_seconds"].value
            for e in checks
            if "validation_seconds" in e.dagster_event.event_specific_data.metadata
        )
    for source in ("salesforce", "mailbox", "sendgrid"):
        seconds[f"ingest {source}"] = seconds.get(f"ingest {source}", 0.0)
    if validation:
        ingest = [k for k in seconds if k.startswith("ingest ")]
        share = validation / max(sum(seconds[k] for k in ingest), 1e-9)
        for key in ingest:
            seconds[key] -= seconds[key] * share
        seconds["raw checks"] = validation
    seconds["start-up and orchestration"] = wall - sum(seconds.values())
    return {k: round(v, 2) for k, v in seconds.items()}


# dbt's line for a finished model in the build log: "12 of 255 OK created sql table model marts.x .... [OK in 1.23s]"
MODEL_DONE = re.compile(r"OK created sql \w+ model (\w+\.\w+) \.*\s*\[\w+ in ([0-9.]+)s\]")


def model_seconds(home: Path) -> dict[str, float]:
    """schema.model -> seconds of each model the latest run in `home` built, from that run's dbt build log
    (orchestration/lib/dbt_output.py); empty when the run built nothing."""
    os.environ["DAGSTER_HOME"] = str(home)
    import dagster as dg

    from orchestration.lib.dbt_output import LOG_DIR

    with dg.DagsterInstance.get() as instance:
        [run] = instance.get_runs(limit=1)
    log = LOG_DIR / f"build-{run.run_id}.log"
    if not log.exists():
        return {}
    return {m.group(1): float(m.group(2)) for m in MODEL_DONE.finditer(log.read_text())}
