"""dbt's source freshness (the `freshness` blocks of the sources' YAML) as Dagster checks on the raw tables: is
the newest record of each source recent enough at the run's as-of time? `dbt source freshness` runs through
dagster-dbt; the project's `collect_freshness` macro (dbt_project/macros/source_freshness.sql) makes dbt judge
the age at the as-of time T, not at the wall clock, so a run with a fixed as-of gives the same verdicts
whenever it runs.

The check can be subset: a landing-sensor run that loads one source checks that source's tables (Dagster adds
the checks of the raw tables a run selects), `radar run` checks them all, and the daily rebuild, which loads
nothing, checks them all too (exports that stopped arriving start no run of their own)."""

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb
from dagster._core.storage.asset_check_execution_record import COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES
from dagster_dbt import DbtCliResource

from ingest.schema import RAW_SCHEMA
from orchestration.lib import dbt_builds, dbt_output
from orchestration.lib.dbt_project import build_environment, ensure_manifest, run_folder
from orchestration.lib.radar_settings import RadarSettings, format_as_of
from orchestration.lib.warehouse import WAREHOUSE_POOL, Warehouse, retry_if_locked

FRESHNESS_CHECK = "dbt_source_freshness"
# dbt's statuses: "pass", "warn" (past warn_after), "error" (past error_after), "runtime error" (a failed query).
_ERRORS = ("error", "runtime error")
_COMPLETED = set(COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES)  # not this run's own planned evaluation


@dataclass(frozen=True)
class FreshSource:
    """A dbt source table with a freshness rule and the raw table it is."""

    unique_id: str
    selector: str  # `source:salesforce.salesforce_leads`
    key: dg.AssetKey
    rule: str  # `warn after 2 days, error after 7 days`


def _rule(freshness: dict) -> str:
    parts = [
        f"{name.replace('_', ' ')} {after['count']} {after['period']}s"
        for name in ("warn_after", "error_after")
        if (after := freshness.get(name) or {}).get("count")
    ]
    return ", ".join(parts)


def fresh_sources(manifest_path: Path) -> list[FreshSource]:
    """Every source table of the manifest with a warn_after or error_after (users and recipients have none)."""
    sources = json.loads(manifest_path.read_text())["sources"].values()
    return [
        FreshSource(s["unique_id"], f"source:{s['source_name']}.{s['name']}", dg.AssetKey([RAW_SCHEMA, s["name"]]),
                    _rule(s.get("freshness") or {}))
        for s in sorted(sources, key=lambda s: s["unique_id"])
        if _rule(s.get("freshness") or {})
    ]  # fmt: skip


def check_result(result: dict, source: FreshSource, recorded: dict[str, str]) -> dg.AssetCheckResult:
    """One entry of dbt's sources.json as the source table's check: passed, or WARN (warn_after), or ERROR
    (error_after, or a query that failed); `recorded` says what it was judged on (as-of, ledger)."""
    status = result["status"]
    metadata = {"status": status, "rule": source.rule, **recorded}
    if "max_loaded_at" in result:
        metadata |= {
            "newest_record_at": result["max_loaded_at"],
            "judged_at": result["snapshotted_at"],  # dbt's "now": the as-of (macros/source_freshness.sql)
            "age_hours": round(result["max_loaded_at_time_ago_in_s"] / 3600, 1),
        }
    else:
        metadata["error"] = result.get("message") or "dbt could not compute the freshness"
    return dg.AssetCheckResult(
        asset_key=source.key, check_name=FRESHNESS_CHECK, passed=status == "pass",
        severity=dg.AssetCheckSeverity.ERROR if status in _ERRORS else dg.AssetCheckSeverity.WARN, metadata=metadata,
    )  # fmt: skip


def _summary(results: list[dict], as_of: str, log: Path) -> str:
    counted = ", ".join(f"{n} {status}" for status, n in sorted(Counter(r["status"] for r in results).items()))
    return f"dbt source freshness as of {as_of}: {len(results)} source table(s): {counted} (full log: {log})"


def _ledger(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> str | None:
    """What the raw tables were loaded from (`12 files, up to file_id 40`); None before the first load."""
    if not warehouse.file.exists():
        return None
    with warehouse.connect(context, read_only=True) as con:
        try:
            files, last = con.execute("select count(*), coalesce(max(file_id), 0) from raw._files").fetchone()
        except duckdb.CatalogException:
            return None
    return f"{files} files, up to file_id {last}"


def _unchanged(context: dg.AssetCheckExecutionContext, source: FreshSource, as_of: str, ledger: str | None):
    """The source's last verdict when it was reached at this as-of on this ledger: the same records, the same
    verdict, so nothing is asked of dbt (a run with nothing new costs nothing)."""
    key = dg.AssetCheckKey(source.key, FRESHNESS_CHECK)
    records = context.instance.event_log_storage.get_asset_check_execution_history(key, limit=1, status=_COMPLETED)
    last = records[0].evaluation if records else None
    if ledger is None or last is None or {"as_of", "ledger"} - set(last.metadata):
        return None
    if (last.metadata["as_of"].value, last.metadata["ledger"].value) != (as_of, ledger):
        return None
    return dg.AssetCheckResult(
        asset_key=source.key, check_name=FRESHNESS_CHECK, passed=last.passed, severity=last.severity,
        metadata={**last.metadata, "rechecked": False},
    )  # fmt: skip


def _run_dbt(context: dg.AssetCheckExecutionContext, dbt: DbtCliResource, sources: list[FreshSource],
             as_of: datetime) -> dict[str, dict]:  # fmt: skip
    """`dbt source freshness` on the sources at the as-of: dbt's result per source, by unique id."""
    with (run_folder() as target, build_environment(as_of, dbt_builds.project_version()),
          dbt_output.to_log_file(context.run.run_id) as log):  # fmt: skip
        args = ["source", "freshness", "--select", " ".join(s.selector for s in sources)]
        dbt.cli(args, target_path=target, raise_on_error=False).wait()
        written = target / "sources.json"
        if not written.exists():
            raise dg.Failure(f"dbt source freshness wrote no results (its log: {log})", allow_retries=False)
        results = {r["unique_id"]: r for r in json.loads(written.read_text())["results"]}
    for result in results.values():
        retry_if_locked(RuntimeError(result.get("message") or ""), context.op_execution_context)
    context.log.info(_summary(list(results.values()), format_as_of(as_of), log))
    return results


def freshness_check(sources: list[FreshSource]) -> dg.AssetChecksDefinition:
    by_key = {source.key: source for source in sources}

    @dg.multi_asset_check(
        specs=[
            dg.AssetCheckSpec(FRESHNESS_CHECK, asset=source.key, description="`dbt source freshness` at the run's "
                              f"as-of time: the newest record at or before it is within the rule ({source.rule}).")
            for source in sources
        ],
        name=FRESHNESS_CHECK,
        can_subset=True,
        pool=WAREHOUSE_POOL,  # dbt opens the warehouse: no writer may run meanwhile
    )
    def _check(context: dg.AssetCheckExecutionContext, dbt: DbtCliResource, radar: RadarSettings,
               warehouse: Warehouse):  # fmt: skip
        """The selected source tables' freshness, in one `dbt source freshness`, unless nothing was loaded and
        the as-of is the same since a table's last verdict."""
        selected = [by_key[key.asset_key] for key in sorted(context.selected_asset_check_keys)]
        as_of = radar.resolve_as_of(context)
        ledger = _ledger(context, warehouse)
        kept = {s: result for s in selected if (result := _unchanged(context, s, format_as_of(as_of), ledger))}
        if kept:
            context.log.info(f"dbt source freshness: {len(kept)} source table(s) unchanged since their last check")
        asked = [s for s in selected if s not in kept]
        results = _run_dbt(context, dbt, asked, as_of) if asked else {}
        recorded = {"as_of": format_as_of(as_of), **({"ledger": ledger} if ledger else {})}
        for source in selected:
            if source in kept:
                yield kept[source]
                continue
            missing = {"status": "runtime error", "message": f"dbt reported nothing for {source.selector}"}
            yield check_result(results.get(source.unique_id, missing), source, recorded)

    return _check


dbt_source_freshness = freshness_check(fresh_sources(ensure_manifest()))
