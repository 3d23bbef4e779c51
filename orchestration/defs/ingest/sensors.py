"""The landing sensor: each newly arrived, complete file is handed to one ingest run, exactly once."""

import hashlib
import json
import time

import dagster as dg

from ingest.landing import scan
from ingest.schema import RAW_SCHEMA, RAW_TABLES, RawTable
from orchestration import settings
from orchestration.defs.jobs import ingest_job


def _never_loaded(instance: dg.DagsterInstance) -> set[str]:
    """Sources whose raw tables were never materialized: the first ingest run materializes them (empty if no
    file came) so that the models reading them can build."""
    return {t.source for t in RAW_TABLES if instance.get_latest_materialization_event(_key(t)) is None}


def _key(table: RawTable) -> dg.AssetKey:
    return dg.AssetKey([RAW_SCHEMA, table.name])


def _run_request(new: list, extra_sources: set[str]) -> dg.RunRequest:
    shas = sorted(sha for _, sha in new)
    sources = sorted({landed.source for landed, _ in new} | extra_sources)
    return dg.RunRequest(
        run_key=hashlib.sha256("".join(shas).encode()).hexdigest()[:24],
        asset_selection=[_key(t) for t in RAW_TABLES if t.source in sources],
        tags={"radar/new_files": str(len(new)), "radar/sources": ",".join(sources)},
    )


@dg.sensor(job=ingest_job, minimum_interval_seconds=15, default_status=dg.DefaultSensorStatus.RUNNING)
def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    """Watches RADAR_LANDING_DIR; one run per batch of new files, keyed by their content hashes."""
    state = json.loads(context.cursor) if context.cursor else {"fingerprints": {}, "seen": []}
    landing = settings.landing_dir()
    # A file changed less than settle_seconds ago may still be being written (for writers that cannot rename).
    found = scan(landing, state["fingerprints"], set(state["seen"]), time.time(), settings.settle_seconds())
    cursor = json.dumps(
        {"fingerprints": found.fingerprints, "seen": sorted({*state["seen"], *(sha for _, sha in found.new)})}
    )
    summary = f"{len(found.new)} new, {found.already_seen} seen before, {len(found.settling)} still settling"
    context.log.info(f"{landing}: {summary}")
    for landed in found.settling:
        context.log.info(f"waiting for {landed.path} to settle")
    if not found.new:
        return dg.SensorResult(skip_reason=f"no new complete files ({summary})", cursor=cursor)
    for landed, sha in found.new:
        context.log.info(f"new: {landed.path} ({sha[:12]})")
    return dg.SensorResult(run_requests=[_run_request(found.new, _never_loaded(context.instance))], cursor=cursor)
