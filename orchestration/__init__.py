"""Dagster wiring of Follow-up Radar: ingest assets, dbt assets, checks and the `radar` CLI."""
