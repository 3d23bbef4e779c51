"""The Dagster definitions load, and the asset graph is what reviewers expect (a change shows here)."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from ingest.schema import RAW_TABLES
from orchestration.definitions import defs
from orchestration.lib.warehouse import WAREHOUSE_POOL

SNAPSHOT = Path(__file__).parent / "graph_snapshot.txt"

EXPECTED_ASSETS = {
    "raw/salesforce_leads", "raw/salesforce_tasks", "raw/salesforce_users", "raw/salesforce_lead_history",
    "raw/mailbox_messages", "raw/mailbox_recipients", "raw/sendgrid_events",
    "staging/lead_status_mapping", "staging/call_disposition_mapping", "staging/title_seniority_rules",
    "staging/title_function_rules", "staging/country_aliases", "staging/icp_criteria",
    "staging/stg_salesforce__leads", "staging/stg_salesforce__tasks", "staging/stg_salesforce__users",
    "staging/stg_salesforce__lead_history", "staging/stg_mailbox__messages", "staging/stg_mailbox__recipients",
    "staging/stg_sendgrid__events",
    "intermediate/int_leads_joined", "intermediate/int_lead_status_spells", "intermediate/int_touches_unioned",
    "intermediate/int_responses_unioned", "intermediate/int_leads_changed", "intermediate/int_lead_follow_up_spells",
    "intermediate/int_activity_daily", "intermediate/metricflow_time_spine", "intermediate/int_lead_segments",
    "intermediate/int_touches_ordered", "intermediate/int_replies_credited",
    "intermediate/int_outbound_emails_credited", "intermediate/int_lead_outcomes",
    "intermediate/int_lead_next_step_spells",
    "marts/lead_aging", "marts/follow_up_coverage_daily", "marts/follow_up_coverage_rollup_daily",
    "marts/lead_state_counts", "marts/metric_parameters", "marts/lead_segment_profile",
    "marts/lead_activity_buckets", "marts/follow_up_depth_outcomes", "marts/response_by_attempt",
    "marts/call_list", "marts/shiny_object_curve", "marts/attention_by_age_weekly", "marts/rep_scorecard_weekly",
    "monitoring/measure_history", "monitoring/alerts", "monitoring/alert_deliveries",
    "serving/published_marts",
}
# Sends to alert channels: it takes the writer's slot itself, only around its two short transactions.
OUTSIDE_THE_POOL = {"monitoring/alert_deliveries"}


def _graph():
    return defs().resolve_asset_graph()


def test_definitions_load_with_the_pipeline_job():
    definitions = defs()
    dg.Definitions.validate_loadable(definitions)
    assert definitions.resolve_job_def("radar_job") is not None


def test_asset_keys_are_the_layers_tables():
    assert {key.to_user_string() for key in _graph().get_all_asset_keys()} == EXPECTED_ASSETS


def test_dbt_sources_join_the_ingest_assets():
    graph = _graph()
    for table in RAW_TABLES:
        assert graph.get(dg.AssetKey(["raw", table.name])).is_materializable
    upstream = {k.to_user_string() for k in graph.get(dg.AssetKey(["staging", "stg_salesforce__leads"])).parent_keys}
    assert upstream == {"raw/salesforce_leads"}
    marts_lineage = graph.get(dg.AssetKey(["marts", "lead_aging"])).parent_keys
    assert dg.AssetKey(["intermediate", "int_touches_unioned"]) in marts_lineage


def test_groups_kinds_and_descriptions():
    graph = _graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.group_name == key.path[0], key
        assert node.description, key
        assert "duckdb" in node.kinds, key
        assert node.owners, key


def test_dbt_assets_are_owned_by_their_dbt_group_owner():
    graph = _graph()
    owners = {key.to_user_string(): graph.get(key).owners for key in graph.get_all_asset_keys()}
    assert owners["marts/lead_aging"] == ["team:analytics-engineering"]
    assert owners["staging/stg_salesforce__leads"] == ["team:analytics-engineering"]
    assert owners["staging/lead_status_mapping"] == ["team:sales-ops"]


def test_every_warehouse_writer_is_in_the_one_writer_pool():
    graph = _graph()
    for key in graph.get_all_asset_keys():
        expected = set() if key.to_user_string() in OUTSIDE_THE_POOL else {WAREHOUSE_POOL}
        assert graph.get(key).pools == expected, key


def test_graph_snapshot():
    """Asset keys and check names; after an intended change: UPDATE_GRAPH_SNAPSHOT=1 pytest -k snapshot."""
    graph = _graph()
    lines = [f"asset {key.to_user_string()}" for key in graph.get_all_asset_keys()]
    lines += [f"check {key.asset_key.to_user_string()} {key.name}" for key in graph.asset_check_keys]
    current = "\n".join(sorted(lines)) + "\n"
    if os.environ.get("UPDATE_GRAPH_SNAPSHOT"):
        SNAPSHOT.write_text(current)
    assert current == SNAPSHOT.read_text()


def test_event_driven_operation_is_on_by_default():
    definitions = defs()
    sensors = {s.name: s for s in definitions.sensors}
    schedules = {s.name: s for s in definitions.schedules}
    assert set(sensors) == {"landing_sensor", "run_failure_alert_sensor", "run_recovery_alert_sensor"}
    assert set(schedules) == {"daily_marts_schedule"}
    assert all(s.default_status == dg.DefaultSensorStatus.RUNNING for s in sensors.values())
    assert schedules["daily_marts_schedule"].default_status == dg.DefaultScheduleStatus.RUNNING
    assert schedules["daily_marts_schedule"].cron_schedule == "15 0 * * *"
    assert sensors["landing_sensor"].job_name == "radar_job"
    published = _graph().get(dg.AssetKey(["serving", "published_marts"]))
    assert {k.to_user_string() for k in published.parent_keys} == {
        "marts/lead_aging", "marts/follow_up_coverage_daily", "marts/follow_up_coverage_rollup_daily",
        "marts/lead_state_counts", "marts/metric_parameters", "marts/lead_segment_profile",
        "marts/lead_activity_buckets", "marts/follow_up_depth_outcomes", "marts/response_by_attempt",
        "marts/call_list", "marts/shiny_object_curve", "marts/attention_by_age_weekly", "marts/rep_scorecard_weekly",
        "monitoring/alerts",
    }
    measured = _graph().get(dg.AssetKey(["monitoring", "measure_history"])).parent_keys
    assert {k.to_user_string() for k in measured} >= {"marts/follow_up_coverage_rollup_daily", "marts/lead_aging"}


def test_no_asset_rebuilds_on_its_own_and_every_job_runs_in_one_process():
    """The run that loaded a batch builds everything below it; no automation launches a second run after it.
    One process per run keeps the run's liveness lock with the process that holds the warehouse."""
    graph = _graph()
    assert all(graph.get(key).automation_condition is None for key in graph.get_all_asset_keys())
    definitions = defs()
    for job in ("radar_job", "daily_marts_job", "__ASSET_JOB"):
        assert definitions.resolve_job_def(job).executor_def.name == "in_process", job


GX_BLOCKING = {
    "raw/salesforce_leads", "raw/salesforce_tasks", "raw/salesforce_users", "raw/salesforce_lead_history",
}


def test_a_gx_check_on_every_raw_table_blocking_where_its_suite_has_errors():
    """Great Expectations stays on the raw loads, where blocking per file matters; the marts' invariants are dbt
    tests (one framework per invariant)."""
    graph = _graph()
    checks = {k.asset_key.to_user_string(): graph.get(k) for k in graph.asset_check_keys if k.name == "gx_expectations"}
    assert set(checks) == {f"raw/{t.name}" for t in RAW_TABLES}
    assert {key for key, check in checks.items() if check.blocking} == GX_BLOCKING
    # They ride along with their asset's materialization, wherever it happens.
    assert all(check.automation_condition is None for check in checks.values())


def test_checks_that_read_the_warehouse_are_in_the_one_writer_pool():
    checks = defs().asset_checks
    assert {key.asset_key.to_user_string() for c in checks for key in c.check_keys} == {
        "raw/salesforce_leads", "raw/salesforce_tasks", "raw/salesforce_lead_history", "raw/mailbox_messages",
        "raw/sendgrid_events",
    }
    assert all(c.node_def.pool == WAREHOUSE_POOL for c in checks)


def test_source_freshness_runs_in_every_job_and_can_be_subset():
    """`radar run` and the daily rebuild check every source; a landing-sensor run selects only its sources' raw
    tables, and Dagster adds their checks: the check must run for a subset of its source tables."""
    definitions = defs()
    (freshness,) = [c for c in definitions.asset_checks if c.node_def.name == "dbt_source_freshness"]
    assert freshness.can_subset
    for job in ("radar_job", "daily_marts_job"):
        checks = definitions.resolve_job_def(job).asset_layer.asset_graph.asset_check_keys
        assert set(freshness.check_keys) <= set(checks), job
    daily = definitions.resolve_job_def("daily_marts_job").asset_layer.asset_graph.asset_check_keys
    assert not {k for k in daily if k.asset_key.path[0] == "raw"} - set(freshness.check_keys), "no ingest check"


def test_the_products_orchestration_hosts_import_no_dagster():
    """alerting/, serving/ and dashboard/ run without Dagster: only the wiring (definitions, defs/, lib/) uses it."""
    modules = [f"orchestration.{package}.{path.stem}" for package in ("alerting", "serving", "dashboard")
               for path in (Path(__file__).parents[2] / "orchestration" / package).glob("*.py")]  # fmt: skip
    code = f"import sys; [__import__(m) for m in {modules!r}]; print('dagster' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert len(modules) > 20 and out.stdout.strip() == "False"


def test_importing_the_jobs_does_not_parse_the_dbt_project():
    """Modules that only need a job or a group name (the sensors, the CLI) stay quick to import."""
    code = "import sys; import orchestration.defs.jobs; print('orchestration.lib.dbt_project' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "False"


def test_each_warehouse_has_a_pool_of_its_own():
    """Runs on two warehouses sharing one Dagster instance do not queue behind each other."""
    code = "from orchestration.lib.warehouse import WAREHOUSE_POOL; print(WAREHOUSE_POOL)"
    pools = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120,
                       env={**os.environ, "RADAR_WAREHOUSE": f"/data/{name}.duckdb"}).stdout.strip()
        for name in ("a", "b", "a")
    ]
    assert pools[0] == pools[2] != pools[1] and all(p.startswith("warehouse-") for p in pools)


def test_loading_the_definitions_does_not_import_great_expectations():
    """GX takes seconds to import: only the steps that validate load it, not every process that loads the code."""
    code = "import sys; from orchestration.definitions import defs; defs(); print('great_expectations' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "False"


def test_every_job_and_the_landing_sensors_runs_deliver_the_alerts():
    """radar run (radar_job), the landing sensor's runs (DOWNSTREAM_OF_RAW) and the daily schedule's."""
    from orchestration.defs.jobs import DOWNSTREAM_OF_RAW

    deliveries = dg.AssetKey(["monitoring", "alert_deliveries"])
    assert deliveries in DOWNSTREAM_OF_RAW.resolve(_graph())
    for job in ("radar_job", "daily_marts_job"):
        assert deliveries in defs().resolve_job_def(job).asset_layer.selected_asset_keys, job
    assert _graph().get(deliveries).parent_keys == {dg.AssetKey(["monitoring", "alerts"])}
