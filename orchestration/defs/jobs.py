import dagster as dg

TRANSFORM_GROUPS = ("staging", "intermediate", "marts")
# The tracked measures and alerts (defs/alerts/), then the files published for BI tools (defs/serving/): both
# follow the marts wherever the marts are rebuilt.
MONITORING_GROUP = "monitoring"
SERVING_GROUP = "serving"
# Everything a run does after the ingest: the dbt build with its tests, the marts' checks, the measures and
# alerts, the publish.
DOWNSTREAM_OF_RAW = dg.AssetSelection.groups(*TRANSFORM_GROUPS, MONITORING_GROUP, SERVING_GROUP)

radar_job = dg.define_asset_job(
    "radar_job",
    selection=dg.AssetSelection.all(),
    description="One pipeline run: load new landing files, dbt build (seeds, models, tests), check the marts, "
    "evaluate the tracked measures and alerts, publish the marts. The landing sensor runs it for the sources "
    "of each batch of files.",
)

daily_marts_job = dg.define_asset_job(
    "daily_marts_job",
    selection=DOWNSTREAM_OF_RAW,
    description="Rebuild staging, intermediate and marts, with their tests, as of a given time; check the marts; "
    "evaluate the tracked measures and alerts; publish the marts.",
)
