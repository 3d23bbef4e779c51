"""Which channel takes which alert: by default PagerDuty pages errors of the company, a team or a pipeline run;
measures.yml's `routing:` and the RADAR_<CHANNEL>_SEVERITY / _SCOPES variables change it."""

from dataclasses import replace

import pytest

from orchestration.alerting.channels import channel_problems, configured_channels
from orchestration.alerting.routing import Route, RoutingError, route
from tests.orchestration.alerting.test_channels import FIRING

ENV = {"RADAR_PAGERDUTY_ROUTING_KEY": "K", "RADAR_SLACK_WEBHOOK_URL": "https://hooks.example/s"}
REP_WARNING = replace(FIRING, scope_type="rep", scope="U1", severity="warning")


def test_by_default_paging_takes_team_errors_but_not_warnings_or_a_reps_incident():
    pagerduty = route("pagerduty", {})
    assert pagerduty.takes(FIRING)
    assert not pagerduty.takes(replace(FIRING, severity="warning"))
    assert not pagerduty.takes(replace(FIRING, scope_type="rep", scope="U1"))
    assert route("slack", {}).takes(REP_WARNING) and route("webhook", {}).takes(REP_WARNING)


def test_measures_yml_routing_sets_a_channel_and_the_variables_override_it(tmp_path):
    config = tmp_path / "measures.yml"
    config.write_text("routing:\n  slack: {severity: error, scopes: [company]}\n")
    assert route("slack", {}, config) == Route("error", ("company",))
    env = {"RADAR_SLACK_SEVERITY": "warning", "RADAR_SLACK_SCOPES": "team, rep"}
    assert route("slack", env, config) == Route("warning", ("team", "rep"))


def test_a_routing_setting_that_cannot_be_used_turns_its_channel_off_naming_the_variable():
    with pytest.raises(RoutingError, match="RADAR_PAGERDUTY_SCOPES"):
        route("pagerduty", {"RADAR_PAGERDUTY_SCOPES": "company,region"})
    env = {**ENV, "RADAR_PAGERDUTY_SEVERITY": "critical"}
    assert "RADAR_PAGERDUTY_SEVERITY: 'critical' is not one of" in channel_problems(env)["pagerduty"]
    assert [c.name for c in configured_channels(env)] == ["slack"]


def test_a_channel_renders_nothing_for_what_its_route_does_not_take():
    pagerduty = next(c for c in configured_channels(ENV) if c.name == "pagerduty")
    assert pagerduty.bodies(REP_WARNING) == [] and pagerduty.bodies(FIRING) != []
