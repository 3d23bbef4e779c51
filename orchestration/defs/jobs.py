import dagster as dg

from orchestration.defs.ingest.assets import mailbox_files, salesforce_files, sendgrid_files

TRANSFORM_GROUPS = ("staging", "intermediate", "marts")
# The tracked measures and alerts (defs/alerts/), then the files published for BI tools (defs/serving/): both
# follow the marts wherever the marts are rebuilt.
MONITORING_GROUP = "monitoring"
SERVING_GROUP = "serving"
# Everything a run does after the ingest: the dbt build with its tests, the marts' checks, the measures and
# alerts, the publish.
DOWNSTREAM_OF_RAW = dg.AssetSelection.groups(*TRANSFORM_GROUPS, MONITORING_GROUP, SERVING_GROUP)
# The checks of the raw tables that are not part of their load: dbt's source freshness (defs/quality/
# freshness.py). Named by what they are not, so this module needs no parsed dbt project.
_INGEST = (salesforce_files, mailbox_files, sendgrid_files)
RAW_TABLE_CHECKS = dg.AssetSelection.checks_for_assets(*_INGEST) - dg.AssetSelection.checks(*_INGEST)

radar_job = dg.define_asset_job(
    "radar_job",
    selection=dg.AssetSelection.all(),
    description="One pipeline run: load new landing files, dbt build (seeds, models, tests), check the marts, "
    "evaluate the tracked measures and alerts, publish the marts, check the sources' freshness (dbt). The "
    "landing sensor runs it for the sources of each batch of files.",
)

daily_marts_job = dg.define_asset_job(
    "daily_marts_job",
    selection=DOWNSTREAM_OF_RAW | RAW_TABLE_CHECKS,
    description="Rebuild staging, intermediate and marts, with their tests, as of a given time; check the marts; "
    "evaluate the tracked measures and alerts; publish the marts; check the sources' freshness (dbt).",
)
