import dagster as dg

radar_job = dg.define_asset_job(
    "radar_job",
    selection=dg.AssetSelection.all(),
    description="One full pipeline run: load new landing files, then dbt build (seeds, models, tests).",
)
