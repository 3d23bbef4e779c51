"""The on-call half: after the marts rebuild, judge every tracked measure, open or resolve incidents and queue
their notifications, inside the run (a failed asset check alone would not fail the run, nor reach a sensor); the
asset monitoring/alert_deliveries (delivery.py) sends them after this step has let go of the warehouse."""

import dagster as dg

from expectations.drift import BREACHED
from expectations.measures import WEEK, Measure, load_measures
from orchestration.alerting import lifecycle
from orchestration.alerting.evaluate import AlertSettings, Evaluation, Outcome, evaluate
from orchestration.alerting.notification import format_value
from orchestration.alerting.pages import value_text
from orchestration.defs.jobs import MONITORING_GROUP
from orchestration.lib.alert_channels import AlertChannels
from orchestration.lib.radar_settings import RadarSettings
from orchestration.lib.warehouse import WAREHOUSE_POOL, Warehouse
from orchestration.settings import utc_now

MEASURE_HISTORY = dg.AssetKey([MONITORING_GROUP, "measure_history"])
ALERTS = dg.AssetKey([MONITORING_GROUP, "alerts"])
MEASURED = [
    dg.AssetKey(["marts", "follow_up_coverage_rollup_daily"]),
    dg.AssetKey(["marts", "lead_aging"]),
    dg.AssetKey(["intermediate", "int_activity_daily"]),
]
MEASURES = load_measures()


def check_name(measure: Measure) -> str:
    return f"{measure.name}_{measure.scope}"


def _check_spec(measure: Measure) -> dg.AssetCheckSpec:
    rules = " and ".join(r for r, on in (("a threshold", measure.threshold), ("a drift rule", measure.drift)) if on)
    period = "in the last complete week" if measure.grain == WEEK else "on the last complete day"
    return dg.AssetCheckSpec(
        check_name(measure), asset=MEASURE_HISTORY,
        description=f"{measure.description} In range per {measure.scope} {period} ({rules}).",
    )


@dg.multi_asset(
    name="monitoring_evaluation",
    specs=[
        dg.AssetSpec(
            MEASURE_HISTORY, deps=MEASURED, group_name=MONITORING_GROUP, kinds={"python", "duckdb"},
            owners=["team:data-engineering"],
            description="Every tracked measure (expectations/measures.yml) per day and scope, with its expected "
            "range and state: monitoring.measure_history.",
        ),
        dg.AssetSpec(
            ALERTS, deps=[MEASURE_HISTORY], group_name=MONITORING_GROUP, kinds={"python", "duckdb"},
            owners=["team:data-engineering"],
            description="Incidents, one per (measure, scope) while out of range (monitoring.alerts), their "
            "notifications queued for each configured channel (monitoring.alert_deliveries).",
        ),
    ],
    check_specs=[_check_spec(m) for m in MEASURES],
    pool=WAREHOUSE_POOL,
)
def monitoring_evaluation(
    context: dg.AssetExecutionContext, radar: RadarSettings, warehouse: Warehouse, alert_channels: AlertChannels
):
    as_of = radar.resolve_as_of(context)
    with warehouse.connect(context) as con:
        outcome = evaluate(
            con, MEASURES, as_of, alert_channels.to_queue(), utc_now(), AlertSettings.from_env(), run_id=context.run_id
        )
        history_rows = con.execute("select count(*) from monitoring.measure_history").fetchone()[0]
    _log(context, outcome)
    yield dg.MaterializeResult(asset_key=MEASURE_HISTORY, metadata={"dagster/row_count": history_rows})
    yield dg.MaterializeResult(asset_key=ALERTS, metadata=_alert_metadata(outcome))
    for measure in MEASURES:
        evaluations = [e for e in outcome.evaluations if e.measure == measure]
        yield _check_result(measure, evaluations, outcome.errors.get(measure.key))


def _check_result(measure: Measure, evaluations: list[Evaluation], error: str | None) -> dg.AssetCheckResult:
    severity = dg.AssetCheckSeverity.ERROR if measure.severity == "error" else dg.AssetCheckSeverity.WARN
    if error is not None:
        return dg.AssetCheckResult(
            asset_key=MEASURE_HISTORY, check_name=check_name(measure), passed=False, severity=severity,
            metadata={"error": f"the measure could not be computed: {error}"},
        )
    breached = [e for e in evaluations if e.judgement.state == BREACHED]
    lines = ["| scope | day | value | expected low | expected high | state |", "|---|---|---|---|---|---|"]
    lines += [
        f"| {e.scope} | {e.judgement.day} | {value_text(measure, e.judgement)} | "
        f"{format_value(measure.name, e.judgement.expected_low)} | "
        f"{format_value(measure.name, e.judgement.expected_high)} | {e.judgement.state} |"
        for e in sorted(evaluations, key=lambda e: (e.judgement.state != BREACHED, e.scope))
    ]
    return dg.AssetCheckResult(
        asset_key=MEASURE_HISTORY, check_name=check_name(measure), passed=not breached, severity=severity,
        metadata={
            "scopes": len(evaluations),
            "breached_scopes": len(breached),
            "values": dg.MetadataValue.md("\n".join(lines)),
        },
    )


def _alert_metadata(outcome: Outcome) -> dict:
    return {
        "opened": [e.incident_id for e in outcome.changed(lifecycle.OPEN)],
        "resolved": [e.incident_id for e in outcome.changed(lifecycle.RESOLVE)],
        "reminded": [e.incident_id for e in outcome.changed(lifecycle.REMIND)],
    }


def _log(context: dg.AssetExecutionContext, outcome: Outcome) -> None:
    for key, error in outcome.errors.items():
        context.log.error(f"measure {key} could not be computed: {error}")
    for e in outcome.changed(lifecycle.OPEN):
        context.log.warning(f"alert firing: {e.incident_id} ({e.judgement.state} on {e.judgement.day})")
    for e in outcome.changed(lifecycle.RESOLVE):
        context.log.info(f"alert resolved: {e.incident_id}")
