# DuckDB allows one writing process: every asset that writes the warehouse runs in this pool, whose limit
# the instance's dagster.yaml sets to 1.
WAREHOUSE_POOL = "warehouse"
