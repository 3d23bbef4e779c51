"""How dbt resources appear in Dagster: keys that join dbt sources to the ingest assets, one group per layer."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from ingest.schema import RAW_SCHEMA

# A model rebuilds after any of its upstream assets updates: only the part of the graph below the raw tables
# that received files. Unlike eager(), it does not build a model merely because it is missing (before any data
# arrived there is nothing to build from); like eager(), it waits until everything it reads exists.
FOLLOWS_UPSTREAM = (
    dg.AutomationCondition.any_deps_updated().since_last_handled()
    & ~dg.AutomationCondition.any_deps_missing()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
).with_label("follows_upstream")
# The mapping seeds have no upstream: they are (re)built while missing from the warehouse or when edited.
SEED_PRESENT = (
    (dg.AutomationCondition.missing() | dg.AutomationCondition.code_version_changed())
    & ~dg.AutomationCondition.in_progress()
).with_label("seed_present")


class RadarDbtTranslator(DagsterDbtTranslator):
    def __init__(self):
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([RAW_SCHEMA, dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> dg.AutomationCondition | None:
        """Seeds build whenever missing or changed; models follow their upstream (see FOLLOWS_UPSTREAM)."""
        if dbt_resource_props["resource_type"] == "seed":
            return SEED_PRESENT
        return FOLLOWS_UPSTREAM

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return RAW_SCHEMA
        return dbt_resource_props["schema"]
