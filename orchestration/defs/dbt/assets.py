"""The dbt project as one step: the selected models, seeds and tests in one `dbt build` per run, the incremental
models reading only what changed (see lib/dbt_builds.py for when there is nothing to build, or everything).

A run of the whole project (radar_job, the daily rebuild) is recorded by dbt and moves the incremental models'
watermark; a run of a selection (models materialized by hand) is not, so the next whole run reads from
the last recorded one again: replacing whole leads and days, doing work twice is harmless. Files quarantined
by a raw check stay out of staging (macro new_raw_rows), so they never stop a build."""

import json
from collections.abc import Iterator
from graphlib import TopologicalSorter

import dagster as dg
from dagster_dbt import DagsterDbtCliRuntimeError, DbtCliResource, dbt_assets

from orchestration.lib import dbt_builds, dbt_output
from orchestration.lib.dbt_project import DBT_PROJECT, build_environment, ensure_manifest, run_folder
from orchestration.lib.radar_settings import RadarSettings
from orchestration.lib.table_metadata import with_table_metadata
from orchestration.lib.translator import RadarDbtTranslator
from orchestration.lib.warehouse import WAREHOUSE_POOL, Warehouse, retry_if_locked
from orchestration.serving import publish


@dbt_assets(
    manifest=ensure_manifest(),
    project=DBT_PROJECT,
    dagster_dbt_translator=RadarDbtTranslator(),
    pool=WAREHOUSE_POOL,
)
def follow_up_radar_dbt(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, radar: RadarSettings, warehouse: Warehouse
):
    """Seeds, staging, intermediate and marts in one `dbt build` at the run's as-of time, skipped when no file
    arrived and the as-of time did not move since the last build (and then the steps after it are skipped too,
    unless the last build was never published).

    dbt unit tests check the SQL, not the data: they run in the test suite, not in every pipeline run.
    """
    as_of, version = radar.resolve_as_of(context), dbt_builds.project_version()
    with warehouse.connect(context) as con:
        plan = dbt_builds.plan_build(con, as_of, version)
    context.log.info(f"dbt as of {as_of:%Y-%m-%d %H:%M:%S} UTC: {plan.reason}")
    if not plan.build:
        if publish.published_build(radar.serving_dir_path) == plan.last_build_number:
            return
        # The last build's marts never reached the serving files (its run died after dbt): they go on to the
        # checks, the measures and the publish as they are.
        context.log.info("the last build was not published: passing its models on to the checks and the publish")
        yield from _unchanged(context)
        return
    args = ["build", "--exclude", "test_type:unit", *(["--full-refresh"] if plan.full_refresh else [])]
    events, failure = [], None
    with run_folder() as target, build_environment(as_of, version), dbt_output.to_log_file(context.run_id) as log:
        try:
            events.extend(dbt.cli(args, context=context, target_path=target).stream())  # until dbt exits
        except DagsterDbtCliRuntimeError as error:
            retry_if_locked(error, context)
            failure = error
        results = target / "run_results.json"
        context.log.info(dbt_output.summary(json.loads(results.read_text()) if results.exists() else None, log))
    keys_by_output = {key.to_python_identifier(): key for key in context.selected_asset_keys}
    yield from with_table_metadata(
        events, keys_by_output, warehouse.file, radar.serving_db_path, radar.serving_dir_path
    )
    if failure is not None:
        raise failure


def _unchanged(context: dg.AssetExecutionContext) -> Iterator[dg.MaterializeResult]:
    """A materialization marked not rebuilt for each selected model, in dependency order (Dagster's rule)."""
    selected = context.selected_asset_keys
    deps = context.assets_def.asset_deps
    order = TopologicalSorter({key: deps.get(key, set()) & selected for key in selected}).static_order()
    for key in order:
        yield dg.MaterializeResult(asset_key=key, metadata={"rebuilt": False})
