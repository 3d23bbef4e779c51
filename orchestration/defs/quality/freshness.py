"""dbt's source freshness (the `freshness` blocks of the sources' YAML) as Dagster checks on the raw tables: is
the newest record of each source recent enough, by the wall clock? It answers "have the exports stopped
arriving?", which a run started by newly landed files cannot ask, so it runs in the daily rebuild (and when run
by hand), not in the landing sensor's runs."""

import json
from datetime import datetime

import dagster as dg
from dagster_dbt import DbtCliResource

from ingest.schema import RAW_SCHEMA
from orchestration.lib import dbt_builds, dbt_output
from orchestration.lib.dbt_project import build_environment, ensure_manifest, run_folder
from orchestration.lib.radar_settings import RadarSettings
from orchestration.lib.warehouse import WAREHOUSE_POOL

FRESHNESS_CHECK = "dbt_source_freshness"


def _fresh_sources(manifest: dict) -> dict[str, dg.AssetKey]:
    """The raw table of each dbt source with a freshness rule, by the source's unique id."""
    return {
        unique_id: dg.AssetKey([RAW_SCHEMA, source["name"]])
        for unique_id, source in manifest["sources"].items()
        if (source.get("freshness") or {}).get("warn_after", {}).get("count")
        or (source.get("freshness") or {}).get("error_after", {}).get("count")
    }


FRESH_SOURCES = _fresh_sources(json.loads(ensure_manifest().read_text()))
FRESHNESS_CHECKS = dg.AssetSelection.checks(*(dg.AssetCheckKey(key, FRESHNESS_CHECK) for key in FRESH_SOURCES.values()))


def _result(result: dict, key: dg.AssetKey) -> dg.AssetCheckResult:
    status = result["status"]
    metadata = {"status": status}
    if "max_loaded_at" in result:
        newest = datetime.fromisoformat(result["max_loaded_at"])
        metadata |= {
            "newest_record_at": newest.isoformat(),
            "checked_at": result["snapshotted_at"],
            "age_hours": round(result["max_loaded_at_time_ago_in_s"] / 3600, 1),
            "rule": json.dumps({k: v for k, v in result["criteria"].items() if v and v.get("count")}),
        }
    else:
        metadata["error"] = result.get("message") or "dbt could not compute the freshness"
    severity = dg.AssetCheckSeverity.ERROR if status in ("error", "runtime error") else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(
        asset_key=key, check_name=FRESHNESS_CHECK, passed=status == "pass", severity=severity, metadata=metadata
    )


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(FRESHNESS_CHECK, asset=key, description="`dbt source freshness`: the newest record is "
                          "within the source's warn_after/error_after (by the wall clock, not the as-of).")
        for key in FRESH_SOURCES.values()
    ],
    name="dbt_source_freshness",
    pool=WAREHOUSE_POOL,  # dbt opens the warehouse: no writer may run meanwhile
)
def dbt_source_freshness(context: dg.AssetCheckExecutionContext, dbt: DbtCliResource, radar: RadarSettings):
    as_of, version = radar.resolve_as_of(context), dbt_builds.project_version()
    with run_folder() as target, build_environment(as_of, version), dbt_output.to_log_file(context.run.run_id) as log:
        dbt.cli(["source", "freshness"], target_path=target, raise_on_error=False).wait()
        if not (target / "sources.json").exists():
            raise dg.Failure(f"dbt source freshness wrote no results (its log: {log})", allow_retries=False)
        results = json.loads((target / "sources.json").read_text())["results"]
    for result in results:
        if result["unique_id"] in FRESH_SOURCES:
            yield _result(result, FRESH_SOURCES[result["unique_id"]])
