"""Runbook links are absolute: `<base>/<measure>`, served by the dashboard's process at /runbooks/<measure>."""

import httpx

from expectations.measures import load_measures
from orchestration.alerting.evaluate import AlertSettings
from orchestration.alerting.runbooks import PIPELINE_RUN, readme_runbooks, runbook_for, runbook_url
from orchestration.dashboard import create_app
from tests.live_server import running


def test_every_measure_and_the_pipeline_run_alerts_have_a_runbook_in_the_readme():
    names = {m.name for m in load_measures()} | {PIPELINE_RUN}
    assert {name for name in names if runbook_for(name) is None} == set()
    assert set(readme_runbooks()) >= {m.runbook for m in load_measures()}


def test_the_runbook_base_defaults_to_the_dashboard_and_can_be_configured():
    assert AlertSettings.from_env({}).runbook_base_url == "http://127.0.0.1:8501/runbooks"
    dashboard = AlertSettings.from_env({"RADAR_DASHBOARD_URL": "https://radar.example.com/"})
    assert runbook_url(dashboard.runbook_base_url, "new_leads") == "https://radar.example.com/runbooks/new_leads"
    wiki = AlertSettings.from_env({"RADAR_RUNBOOK_BASE_URL": "https://wiki.example/oncall/radar/"})
    assert runbook_url(wiki.runbook_base_url, "new_leads") == "https://wiki.example/oncall/radar/new_leads"


def test_the_dashboard_serves_each_measures_runbook_and_refuses_an_unknown_one(tmp_path):
    with running(create_app(tmp_path / "absent.duckdb")) as url, httpx.Client(base_url=url) as http:
        coverage = http.get("/runbooks/follow_up_coverage")
        pipeline = http.get(f"/runbooks/{PIPELINE_RUN}")
        unknown = http.get("/runbooks/no_such_measure")
    assert coverage.status_code == 200
    assert "Runbook: Follow-up coverage dropped / outbound touches fell." in coverage.text
    assert "<code>marts.lead_aging</code>" in coverage.text  # the README's Markdown rendered
    assert pipeline.status_code == 200 and "radar reprocess FILE_ID" in pipeline.text
    assert unknown.status_code == 404 and "no_such_measure" in unknown.text
