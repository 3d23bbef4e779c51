"""Publishing the marts for BI tools, without Dagster: the serving file and Parquet files of one version
(publish, serving_tables), the switch between versions (atomic_files), the data dictionary and the report of the
tracked measures read from the published file. defs/serving/ is the Dagster asset that calls it."""
