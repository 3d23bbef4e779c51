import dagster as dg

from orchestration.defs.jobs import MONITORING_GROUP, SERVING_GROUP, TRANSFORM_GROUPS

# The dbt models carry FOLLOWS_UPSTREAM (see lib/translator.py): this sensor evaluates them, so
# after the landing sensor's ingest run only the models downstream of the changed raw tables rebuild, and the
# marts are published again after they rebuild.
automation_sensor = dg.AutomationConditionSensorDefinition(
    "automation_sensor",
    target=dg.AssetSelection.groups(*TRANSFORM_GROUPS, MONITORING_GROUP, SERVING_GROUP),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description=(
        "Rebuilds the dbt models (and runs their tests) after their upstream raw tables change, evaluates the "
        "tracked measures and alerts, then publishes the marts."
    ),
)
