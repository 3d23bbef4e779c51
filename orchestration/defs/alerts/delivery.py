"""Sending the queued notifications, as a step of its own outside the warehouse writer's pool: it holds the
pool's slot and a connection only for the two short transactions that claim the due deliveries and record their
outcomes, never while a channel answers, so a slow channel never holds the warehouse."""

import dagster as dg

from orchestration.alerting.delivery import Attempt, Claimant, deliver_pending
from orchestration.alerting.evaluate import AlertSettings
from orchestration.defs.alerts.assets import ALERTS
from orchestration.defs.jobs import MONITORING_GROUP
from orchestration.lib import run_liveness
from orchestration.lib.alert_channels import AlertChannels
from orchestration.lib.warehouse import Warehouse
from orchestration.settings import utc_now

ALERT_DELIVERIES = dg.AssetKey([MONITORING_GROUP, "alert_deliveries"])


@dg.asset(
    key=ALERT_DELIVERIES, deps=[ALERTS], group_name=MONITORING_GROUP, kinds={"python", "duckdb"},
    owners=["team:data-engineering"],
    description="The queued notifications sent to their channels (monitoring.alert_deliveries): each delivered "
    "once, in order per dedup key and channel, retried with back-off on later runs. Outside the writer's pool: the "
    "warehouse is held only to claim and to record, never while a channel answers.",
)
def alert_deliveries(
    context: dg.AssetExecutionContext, warehouse: Warehouse, alert_channels: AlertChannels
) -> dg.MaterializeResult:
    problems = alert_channels.problems()
    claimant = Claimant(context.run_id, lambda run_id: run_liveness.is_running(context.instance, run_id))
    attempts = deliver_pending(
        lambda: warehouse.briefly(context), alert_channels.usable(), utc_now(), AlertSettings.from_env().retry,
        claimant=claimant, problems=problems,
    )
    for problem in problems.values():
        context.log.error(problem)
    for a in attempts:
        if not a.delivered:
            context.log.warning(f"delivery to {a.channel} failed ({a.transition} of {a.incident_id}): {a.error}")
    return dg.MaterializeResult(metadata=_metadata(attempts, problems))


def _metadata(attempts: list[Attempt], problems: dict[str, str]) -> dict:
    delivered = sum(a.delivered for a in attempts)
    return {
        "deliveries_sent": delivered,
        "deliveries_failed": len(attempts) - delivered,
        "delivery_errors": [f"{a.channel} {a.transition}: {a.error}" for a in attempts if not a.delivered],
        "channels_off": list(problems.values()),
    }
