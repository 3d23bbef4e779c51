"""The marts published for BI tools: a serving DuckDB file and Parquet files, one version of the set per build."""

import dagster as dg
import duckdb

from orchestration.alerting import store
from orchestration.defs.alerts.assets import ALERTS
from orchestration.defs.jobs import SERVING_GROUP
from orchestration.lib.dbt_project import ensure_manifest
from orchestration.lib.radar_settings import RadarSettings
from orchestration.lib.warehouse import WAREHOUSE_POOL, Warehouse, retry_if_locked
from orchestration.serving import publish


@dg.asset(
    key_prefix=[SERVING_GROUP],
    group_name=SERVING_GROUP,
    deps=[*(dg.AssetKey([publish.MART_SCHEMA, name]) for name in publish.MARTS), ALERTS],
    kinds={"duckdb", "parquet"},
    owners=["team:data-engineering"],
    pool=WAREHOUSE_POOL,  # it reads the warehouse: no writer may run meanwhile
)
def published_marts(
    context: dg.AssetExecutionContext, radar: RadarSettings, warehouse: Warehouse
) -> dg.MaterializeResult:
    """The marts for BI tools, which never open the warehouse: a serving DuckDB file (RADAR_SERVING_DB, schema
    marts, with dbt's descriptions as table and column comments, and schema monitoring with the measure history
    and the alerts) and one Parquet file per table (RADAR_SERVING_DIR, the descriptions in its key-value
    metadata), written as a new version of the set and switched to at once (serving/publish.py). Times are UTC-aware
    and the contracts' NOT NULL and keys hold (serving/serving_tables.py).
    """
    docs = publish.mart_docs(ensure_manifest()) + _monitoring_docs()
    try:
        published = publish.publish(warehouse.file, radar.serving_db_path, radar.serving_dir_path, docs)
    except duckdb.IOException as error:
        retry_if_locked(error, context)
        raise
    context.log.info(f"published the marts to {published.serving_db} and {radar.serving_dir_path}")
    return dg.MaterializeResult(metadata=_metadata(published, publish.headline(published.serving_db)))


def _monitoring_docs() -> list[publish.MartDoc]:
    return [
        publish.MartDoc(name, description, columns, schema=store.SCHEMA)
        for name, (description, columns) in store.PUBLISHED.items()
    ]


def _metadata(published: publish.Published, headline: publish.Headline) -> dict:
    return {
        **{f"{name}_rows": count for name, count in published.row_counts.items()},
        "serving_db": dg.MetadataValue.path(str(published.serving_db)),
        "parquet_files": dg.MetadataValue.json({name: str(path) for name, path in published.parquet.items()}),
        "preview": dg.MetadataValue.md(_preview(headline)),
    }


def _preview(headline: publish.Headline) -> str:
    """One Markdown table of the headline numbers, as readers of the published files see them."""
    coverage = "n/a" if headline.coverage is None else f"{headline.coverage:.0%}"
    return "\n".join(
        [
            "| as of | last complete day | company follow-up coverage | neglected leads | open leads |",
            "|---|---|---|---|---|",
            f"| {publish.utc_text(headline.as_of)} | {headline.day} | {coverage} ({headline.covered_leads}/"
            f"{headline.due_leads} due leads covered) | {headline.neglected_leads} | {headline.open_leads} |",
        ]
    )
