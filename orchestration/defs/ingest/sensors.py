"""The landing sensor: each batch of newly arrived, complete files gets one run that carries the whole path
(ingest, dbt build and tests, mart checks, measures and alerts, publish), so nothing waits for another run."""

import hashlib
import json
import time
from pathlib import Path

import dagster as dg

from ingest.landing import Scan, scan
from ingest.schema import RAW_SCHEMA, RAW_TABLES, RawTable
from orchestration import settings
from orchestration.defs.jobs import DOWNSTREAM_OF_RAW, radar_job
from orchestration.lib.radar_settings import AS_OF_TAG, format_as_of
from orchestration.lib.run_liveness import release_dead_runs


def _never_loaded(instance: dg.DagsterInstance) -> set[str]:
    """Sources whose raw tables were never materialized: the first ingest run materializes them (empty if no
    file came) so that the models reading them can build."""
    return {t.source for t in RAW_TABLES if instance.get_latest_materialization_event(_key(t)) is None}


def _key(table: RawTable) -> dg.AssetKey:
    return dg.AssetKey([RAW_SCHEMA, table.name])


def _run_request(context: dg.SensorEvaluationContext, landing: Path, found: Scan) -> dg.RunRequest:
    """The batch's sources' ingest and everything below the raw tables. Keyed by the batch's contents and their
    modification times: a file delivered again under another name adds no run, a file touched again (after
    `radar reprocess`) does."""
    if context.repository_def is None:
        raise dg.DagsterInvariantViolationError("the landing sensor needs its code location's definitions")
    sources = sorted({landed.source for landed, _ in found.new} | _never_loaded(context.instance))
    modified = {sha: found.fingerprints[str(landed.path.relative_to(landing))][1] for landed, sha in found.new}
    stamps = sorted(f"{sha}:{mtime}" for sha, mtime in modified.items())
    downstream = DOWNSTREAM_OF_RAW.resolve(context.repository_def.asset_graph)
    return dg.RunRequest(
        run_key=hashlib.sha256("".join(stamps).encode()).hexdigest()[:24],
        asset_selection=[_key(t) for t in RAW_TABLES if t.source in sources] + sorted(downstream),
        tags={
            "radar/new_files": str(len(found.new)),
            "radar/sources": ",".join(sources),
            AS_OF_TAG: format_as_of(settings.as_of() or settings.utc_now()),
        },
    )


@dg.sensor(job=radar_job, minimum_interval_seconds=15, default_status=dg.DefaultSensorStatus.RUNNING)
def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    """Watches RADAR_LANDING_DIR: one run per batch of new or changed files. Before it asks for a run, it frees
    the warehouse pool of runs that died holding it, so a killed run cannot block the batch."""
    for line in release_dead_runs(context.instance):
        context.log.warning(line)
    state = json.loads(context.cursor) if context.cursor else {}
    landing = settings.landing_dir()
    # A file changed less than settle_seconds ago may still be being written (for writers that cannot rename).
    found = scan(landing, state.get("fingerprints", {}), time.time(), settings.settle_seconds())
    cursor = json.dumps({"fingerprints": found.fingerprints})
    summary = f"{len(found.new)} new, {found.unchanged} unchanged, {len(found.settling)} still settling"
    context.log.info(f"{landing}: {summary}")
    for landed in found.settling:
        context.log.info(f"waiting for {landed.path} to settle")
    if not found.new:
        return dg.SensorResult(skip_reason=f"no new complete files ({summary})", cursor=cursor)
    for landed, sha in found.new:
        context.log.info(f"new: {landed.path} ({sha[:12]})")
    return dg.SensorResult(run_requests=[_run_request(context, landing, found)], cursor=cursor)
