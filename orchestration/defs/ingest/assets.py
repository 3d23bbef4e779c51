"""One asset per raw table; each source's files load in one step (a file can fill several tables)."""

import dagster as dg

from ingest.loader import FileOutcome, connect, load_source
from ingest.schema import RAW_SCHEMA, RAW_TABLES, RawTable
from orchestration.lib.pools import WAREHOUSE_POOL
from orchestration.lib.radar_settings import RadarSettings

SOURCE_DESCRIPTIONS = {
    "salesforce": "Salesforce Data Export CSVs from landing/salesforce/ (Lead, Task, User, LeadHistory).",
    "mailbox": "mbox mailbox exports from landing/mailbox/.",
    "sendgrid": "SendGrid Event Webhook bodies from landing/sendgrid/ (*.json arrays, *.jsonl).",
}


def _spec(table: RawTable) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=[RAW_SCHEMA, table.name],
        description=table.description,
        group_name=RAW_SCHEMA,
        kinds={"python", "duckdb"},
        metadata={
            "dagster/column_schema": dg.TableSchema(
                columns=[dg.TableColumn(c.name, c.type, description=c.description or None) for c in table.columns]
            ),
            "dagster/table_name": table.qualified,
        },
    )


def _file_summary(outcomes: list[FileOutcome]) -> dict:
    return {
        "new_files": len(outcomes),
        "files_failed": sum(o.status == "failed" for o in outcomes),
        "rows_loaded": sum(o.rows_loaded for o in outcomes),
        "rows_rejected": sum(o.rows_rejected for o in outcomes),
        "sample_reasons": dg.MetadataValue.md(
            "\n".join(f"- `{o.path}`: {r}" for o in outcomes for r in o.reasons[:3]) or "none"
        ),
    }


def _ingest_asset(source: str) -> dg.AssetsDefinition:
    tables = [t for t in RAW_TABLES if t.source == source]

    @dg.multi_asset(name=f"{source}_files", specs=[_spec(t) for t in tables], pool=WAREHOUSE_POOL)
    def _load(context: dg.AssetExecutionContext, radar: RadarSettings):
        con = connect(radar.warehouse_path)
        try:
            outcomes = load_source(con, radar.landing_path, source)
            counts = {t.name: con.execute(f"select count(*) from {t.qualified}").fetchone()[0] for t in tables}
        finally:
            con.close()
        context.log.info(f"{source}: {len(outcomes)} new file(s) from {radar.landing_path / source}")
        summary = _file_summary(outcomes)
        for table in tables:
            yield dg.MaterializeResult(
                asset_key=[RAW_SCHEMA, table.name],
                metadata={
                    **summary,
                    "rows_added": sum(o.rows_by_table.get(table.name, 0) for o in outcomes),
                    "dagster/row_count": counts[table.name],
                },
            )

    _load.__doc__ = SOURCE_DESCRIPTIONS[source]
    return _load


salesforce_files = _ingest_asset("salesforce")
mailbox_files = _ingest_asset("mailbox")
sendgrid_files = _ingest_asset("sendgrid")
