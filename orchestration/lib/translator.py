"""How dbt resources appear in Dagster: keys that join dbt sources to the ingest assets, one group per layer.

No model carries an automation condition: the whole project is one `dbt build` step, run by the run that
loaded its new files (see defs/ingest/sensors.py) or by the daily schedule."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from ingest.schema import RAW_SCHEMA


class RadarDbtTranslator(DagsterDbtTranslator):
    def __init__(self):
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([RAW_SCHEMA, dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str] | None:
        """The dbt group's owner as a Dagster team (`team:analytics-engineering`)."""
        owner = (dbt_resource_props.get("group") or {}).get("owner") or {}
        return [f"team:{owner['name']}"] if owner.get("name") else None

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return RAW_SCHEMA
        return dbt_resource_props["schema"]
