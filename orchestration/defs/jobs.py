import dagster as dg

from ingest.schema import RAW_SCHEMA

TRANSFORM_GROUPS = ("staging", "intermediate", "marts")
# The tracked measures and alerts (defs/alerts/), then the files published for BI tools (defs/serving/): both
# follow the marts wherever the marts are rebuilt.
MONITORING_GROUP = "monitoring"
SERVING_GROUP = "serving"

radar_job = dg.define_asset_job(
    "radar_job",
    selection=dg.AssetSelection.all(),
    description="One full pipeline run: load new landing files, dbt build (seeds, models, tests), evaluate the "
    "tracked measures and alerts, publish the marts.",
)

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.groups(RAW_SCHEMA),
    description="Load new landing files into the raw tables (launched by the landing sensor).",
)

daily_marts_job = dg.define_asset_job(
    "daily_marts_job",
    selection=dg.AssetSelection.groups(*TRANSFORM_GROUPS, MONITORING_GROUP, SERVING_GROUP),
    description="Rebuild staging, intermediate and marts, with their tests, as of a given time; evaluate the "
    "tracked measures and alerts; publish the marts.",
)
