"""One asset per raw table; each source's files load in one step (a file can fill several tables)."""

from pathlib import Path

import dagster as dg

from expectations.suites import BLOCKING, raw_parameters
from ingest.failures import WarehouseWriteFailed
from ingest.lake import export_raw
from ingest.loader import FileOutcome, connect, load_source, quarantine
from ingest.schema import RAW_SCHEMA, RAW_TABLES, RawTable
from orchestration import settings
from orchestration.alerting.run_alerts import reprocess_fix
from orchestration.lib.gx_checks import GX_CHECK, RawValidation, raw_check_result, validate_new_rows
from orchestration.lib.radar_settings import RadarSettings
from orchestration.lib.warehouse import WAREHOUSE_POOL, Warehouse

SOURCE_DESCRIPTIONS = {
    "salesforce": "Salesforce Data Export CSVs from landing/salesforce/ (Lead, Task, User, LeadHistory).",
    "mailbox": "mbox mailbox exports from landing/mailbox/.",
    "sendgrid": "SendGrid Event Webhook bodies from landing/sendgrid/ (*.json arrays, *.jsonl).",
}
FILES_CHECK = "landed_files_clean"


def _spec(table: RawTable) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=[RAW_SCHEMA, table.name],
        description=table.description,
        group_name=RAW_SCHEMA,
        kinds={"python", "duckdb"},
        owners=["team:data-engineering"],
        metadata={
            "dagster/column_schema": dg.TableSchema(
                columns=[dg.TableColumn(c.name, c.type, description=c.description or None) for c in table.columns]
            ),
            "dagster/table_name": table.qualified,
        },
    )


def _check_spec(table: RawTable) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        FILES_CHECK,
        asset=[RAW_SCHEMA, table.name],
        description="Warns when a file of this run failed, had rejected rows, or loaded with a note in "
        "raw._files.error, such as a guessed encoding (see raw._files, raw._rejected_rows).",
    )


def _gx_check_spec(table: RawTable) -> dg.AssetCheckSpec:
    """Blocking when the table's suite has error expectations: the models below do not build on such rows."""
    return dg.AssetCheckSpec(
        GX_CHECK,
        asset=[RAW_SCHEMA, table.name],
        blocking=BLOCKING[table.name],
        description=f"The Great Expectations suite `{table.name}` on the rows loaded by this run.",
    )


def _new_files(table: RawTable, outcomes: list[FileOutcome]) -> list[int]:
    """This run's files that put rows (or none) into the table."""
    return sorted(o.file_id for o in outcomes if table.name in o.tables and o.status != "failed")


def _reasons(outcomes: list[FileOutcome]) -> dg.MetadataValue:
    lines = [f"- `{o.path}` ({o.status}): {r}" for o in outcomes for r in o.reasons[:3]]
    return dg.MetadataValue.md("\n".join(lines) or "none")


def _materialization(table: RawTable, outcomes: list[FileOutcome], row_count: int) -> dg.MaterializeResult:
    mine = [o for o in outcomes if table.name in o.tables]
    extras = sorted({c for o in mine for c in o.extra_columns})
    return dg.MaterializeResult(
        asset_key=[RAW_SCHEMA, table.name],
        metadata={
            "new_files": len(mine),
            "files_failed": sum(o.status == "failed" for o in mine),
            "rows_added": sum(o.rows_by_table.get(table.name, 0) for o in mine),
            "rows_rejected": sum(o.rows_rejected for o in mine),
            "sample_reasons": _reasons(mine),
            "extra_columns_kept": ", ".join(extras) or "none",
            "dagster/row_count": row_count,
        },
    )


def _files_check(table: RawTable, outcomes: list[FileOutcome]) -> dg.AssetCheckResult:
    """Warns on a failed or partly rejected file, and on one loaded with a note (a guessed encoding)."""
    bad = [o for o in outcomes if table.name in o.tables and (o.status != "loaded" or o.error)]
    return dg.AssetCheckResult(
        asset_key=[RAW_SCHEMA, table.name],
        check_name=FILES_CHECK,
        passed=not bad,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "failed_files": [o.path for o in bad if o.status == "failed"],
            "partly_rejected_files": [o.path for o in bad if o.status == "partial"],
            "files_loaded_with_a_note": [o.path for o in bad if o.status != "failed" and o.error],
            "rows_rejected": sum(o.rows_rejected for o in bad),
            "sample_reasons": _reasons(bad),
        },
    )


def _quarantine_failure(validations: list[RawValidation], quarantined: dict[str, list]) -> dg.Failure:
    """The step's failure, naming each quarantined file, the check and the expectations it failed, and the fix."""
    lines = []
    for v in validations:
        for file_id, path in quarantined.get(v.table.name, []):
            lines.append(
                f"{path} (file_id {file_id}) quarantined by {RAW_SCHEMA}/{v.table.name} {GX_CHECK}: {v.reason}. "
                f"{reprocess_fix(file_id).capitalize()}"
            )
    return dg.Failure(
        description="; ".join(lines),
        metadata={"quarantined_files": dg.MetadataValue.json(quarantined)},
        allow_retries=False,
    )


def _progress(source: str, folder: Path, outcomes: list[FileOutcome]) -> str:
    """`mailbox: 4 new file(s) from ...: 6 rows loaded, 1 rejected, 0 file(s) failed`"""
    loaded, rejected = sum(o.rows_loaded for o in outcomes), sum(o.rows_rejected for o in outcomes)
    failed = sum(o.status == "failed" for o in outcomes)
    return (f"{source}: {len(outcomes)} new file(s) from {folder}: {loaded} rows loaded, {rejected} rejected, "
            f"{failed} file(s) failed")


def _ingest_asset(source: str) -> dg.AssetsDefinition:
    tables = [t for t in RAW_TABLES if t.source == source]

    @dg.multi_asset(
        name=f"{source}_files",
        specs=[_spec(t) for t in tables],
        check_specs=[spec for t in tables for spec in (_check_spec(t), _gx_check_spec(t))],
        pool=WAREHOUSE_POOL,
    )
    def _load(context: dg.AssetExecutionContext, radar: RadarSettings, warehouse: Warehouse):
        validations, quarantined = [], {}
        with warehouse.connect(context, opener=connect) as con:
            # The load's one clock reading, once the warehouse is ours: the ledger's loaded_at, the readers'
            # bounds (a message dated too far after it is rejected) and the raw checks' "not after" all use it.
            # Not the run's as-of: a run as of a past day still loads files delivered today. The ledger records
            # that as-of too, by which the tracked measures date the file (reproducible for a fixed as-of).
            load_time = settings.utc_now()
            try:
                outcomes = load_source(con, radar.landing_path, source, load_time, radar.resolve_as_of(context))
            except WarehouseWriteFailed as exc:  # a full disk: the step's message names the file, no retry
                raise dg.Failure(description=str(exc), allow_retries=False) from exc
            context.log.info(_progress(source, radar.landing_path / source, outcomes))
            parameters = raw_parameters(load_time=load_time)
            for table in tables:
                count = con.execute(f"select count(*) from {table.qualified}").fetchone()[0]
                validation = validate_new_rows(con, table, parameters, _new_files(table, outcomes))
                if validation.at_fault:
                    reason = f"{RAW_SCHEMA}/{table.name} {GX_CHECK}: {validation.reason}"
                    quarantined[table.name] = quarantine(con, validation.at_fault, reason)
                    validations.append(validation)
                yield _materialization(table, outcomes, count)
                yield _files_check(table, outcomes)
                yield raw_check_result(validation, quarantined.get(table.name, []))
            if (lake := settings.lake_dir()) is not None:  # after the quarantines: the lake's ledger has them
                exported = export_raw(con, lake)
                context.log.info(f"lake {lake}: {exported.written} partition(s) written, {exported.removed} "
                                 f"removed, {exported.kept} current")
        if validations:
            raise _quarantine_failure(validations, quarantined)

    _load.__doc__ = SOURCE_DESCRIPTIONS[source]
    return _load


salesforce_files = _ingest_asset("salesforce")
mailbox_files = _ingest_asset("mailbox")
sendgrid_files = _ingest_asset("sendgrid")
