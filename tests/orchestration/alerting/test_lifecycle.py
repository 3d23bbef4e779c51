"""The alert lifecycle, stepping the as-of time day by day through incidents and recoveries, with every channel
delivering over real HTTP to servers on 127.0.0.1."""

from datetime import datetime, timedelta

import duckdb
import httpx
import pytest

from expectations.drift import BREACHED, NO_DATA, NOT_ARMED, OK
from expectations.measures import load_measures
from orchestration.alerting import lifecycle
from orchestration.alerting.channels import Channel, configured_channels
from orchestration.alerting.delivery import RetryPolicy
from orchestration.alerting.evaluate import AlertSettings, evaluate
from orchestration.alerting.triage import DATA_PROBLEM, FOLLOW_UP_PROBLEM
from orchestration.dashboard import create_app
from tests.live_server import running
from tests.orchestration.alerting.steps import (
    COMPANY_KEY,
    INCIDENT,
    QUICK,
    REP_KEY,
    ROUTING_KEY,
    TEAM_KEY,
    bodies_for,
    incident_story,
    pages_for,
    rows,
    step_through,
)
from tests.orchestration.alerting.world import Story, build


def test_step_opens_once_keeps_quiet_reminds_and_resolves():
    t = datetime(2024, 3, 1)
    incident = lifecycle.OpenIncident("i1", t)
    assert lifecycle.step(None, BREACHED, t, None) == lifecycle.OPEN
    assert lifecycle.step(incident, BREACHED, t + timedelta(days=3), None) == lifecycle.UPDATE
    assert lifecycle.step(incident, BREACHED, t + timedelta(hours=23), 24) == lifecycle.UPDATE
    assert lifecycle.step(incident, BREACHED, t + timedelta(hours=24), 24) == lifecycle.REMIND
    assert lifecycle.step(incident, OK, t, None) == lifecycle.RESOLVE
    assert lifecycle.step(incident, NOT_ARMED, t, None) == lifecycle.RESOLVE
    assert lifecycle.step(incident, NO_DATA, t, None) is None
    assert lifecycle.step(None, OK, t, None) is None


def test_one_cause_sends_one_firing_and_one_resolved_per_channel_at_its_highest_scope(tmp_path, channels):
    story = incident_story()
    warehouse = build(tmp_path / "w.duckdb", story)
    step_through(warehouse, story, range(40, 58))

    # The company, team East and U1 went out of range together: one incident, paged at the company.
    assert {b["dedup_key"] for b in channels["webhook"].accepted} == {COMPANY_KEY}
    assert [b["status"] for b in bodies_for(channels["webhook"], COMPANY_KEY)] == ["firing", "resolved"]
    assert [b["event_action"] for b in channels["pagerduty"].accepted] == ["trigger", "resolve"]
    assert [b["text"].split(":")[0] for b in channels["slack"].accepted] == ["FIRING", "RESOLVED"]
    firing, resolved = bodies_for(channels["webhook"], COMPANY_KEY)
    assert firing["day"] == story.day(INCIDENT[0]).isoformat()
    assert firing["value"] == pytest.approx((2 + 15 * 3 + 3 * (INCIDENT[0] % 2)) / 80)
    assert [(b["scope_type"], b["scope"], b["label"]) for b in firing["beneath"]] == [
        ("team", "East", "East"), ("rep", "U1", "Ann Rep")
    ]
    assert firing["beneath"][1]["value"] == pytest.approx(0.1)
    assert firing["beneath"][1]["expected"]["low"] == pytest.approx(0.6, abs=0.03)
    assert "beneath it: team East 45.0%, rep Ann Rep 10.0%" in firing["summary"]
    assert firing["run_url"] == f"http://127.0.0.1:3000/runs/run{INCIDENT[0]}"
    assert resolved["day"] == story.day(INCIDENT[-1] + 1).isoformat()
    assert resolved["incident_id"] == firing["incident_id"]

    incidents = rows(warehouse, "select dedup_key, status, opened_on, resolved_on from monitoring.alerts")
    assert incidents == [(COMPANY_KEY, "resolved", story.day(INCIDENT[0]), story.day(INCIDENT[-1] + 1))]
    deliveries = rows(warehouse, "select channel, transition, status, attempts from monitoring.alert_deliveries")
    assert sorted(deliveries) == sorted(
        (c, t, "delivered", 1) for c in ("webhook", "slack", "pagerduty") for t in ("firing", "resolved")
    )


def test_a_team_breach_carries_its_reps_and_a_reps_own_breach_goes_to_chat_not_to_paging(tmp_path, channels):
    team_story = incident_story(covered_during=8)
    step_through(build(tmp_path / "team.duckdb", team_story), team_story, range(40, INCIDENT[0] + 1))
    [team_page] = channels["webhook"].accepted
    assert team_page["dedup_key"] == TEAM_KEY
    assert [(b["scope_type"], b["scope"]) for b in team_page["beneath"]] == [("rep", "U1")]
    assert [p["dedup_key"].split("@")[0] for p in channels["pagerduty"].accepted] == [TEAM_KEY]

    rep_story = incident_story(covered_during=11)
    step_through(build(tmp_path / "rep.duckdb", rep_story), rep_story, range(40, INCIDENT[0] + 1))
    assert [b["dedup_key"] for b in channels["webhook"].accepted] == [TEAM_KEY, REP_KEY]
    assert REP_KEY in channels["slack"].accepted[-1]["blocks"][-1]["elements"][0]["text"]
    assert len(channels["slack"].accepted) == 2
    assert len(channels["pagerduty"].accepted) == 1  # the rep's incident is not paged


def test_paging_a_reps_incident_is_a_routing_setting(tmp_path, channels, monkeypatch):
    monkeypatch.setenv("RADAR_PAGERDUTY_SCOPES", "company,team,rep,job")
    monkeypatch.setenv("RADAR_PAGERDUTY_SEVERITY", "warning")  # the rep's coverage is a warning
    monkeypatch.setenv("RADAR_SLACK_SEVERITY", "error")  # chat: errors only; the rep's incident is a warning
    story = incident_story(covered_during=11)
    step_through(build(tmp_path / "w.duckdb", story), story, range(40, INCIDENT[0] + 1))
    assert [p["dedup_key"].split("@")[0] for p in channels["pagerduty"].accepted] == [REP_KEY]
    assert channels["slack"].accepted == []
    assert [b["dedup_key"] for b in channels["webhook"].accepted] == [REP_KEY]


def test_every_page_says_since_when_the_cause_is_out_of_range(tmp_path, channels):
    story = incident_story()
    warehouse = build(tmp_path / "w.duckdb", story)
    step_through(warehouse, story, range(INCIDENT[0] + 3, INCIDENT[0] + 4))  # a fresh warehouse, 4 days in
    [firing] = channels["webhook"].accepted
    since = story.day(INCIDENT[0]).isoformat()
    assert (firing["since"], firing["days_out"]) == (since, 4)
    assert f"out of range since {since} (4 days)" in firing["summary"]
    rep = firing["beneath"][-1]
    assert (rep["scope"], rep["since"], rep["days_out"]) == ("U1", since, 4)
    slack = channels["slack"].accepted[0]["blocks"]
    assert {"type": "mrkdwn", "text": f"*Out of range*\nout of range since {since} (4 days)"} in slack[2]["fields"]
    assert "rep Ann Rep: 10.0% (expected >= " in slack[3]["text"]["text"]
    assert f"), out of range since {since} (4 days)" in slack[3]["text"]["text"]
    assert f"out of range since {since} (4 days)" in channels["pagerduty"].accepted[0]["payload"]["summary"]
    step_through(warehouse, story, range(INCIDENT[-1] + 1, INCIDENT[-1] + 2))
    resolved = channels["webhook"].accepted[-1]
    assert f"was out of range since {since} (7 days)" in resolved["summary"]


def test_every_channel_links_the_runbook_absolutely_and_the_dashboard_serves_it(tmp_path, channels, monkeypatch):
    with running(create_app(tmp_path / "serving.duckdb")) as dashboard:
        monkeypatch.setenv("RADAR_DASHBOARD_URL", dashboard)
        story = incident_story()
        step_through(build(tmp_path / "w.duckdb", story), story, range(40, INCIDENT[0] + 1),
                     AlertSettings.from_env())
        url = f"{dashboard}/runbooks/follow_up_coverage"
        [webhook] = channels["webhook"].accepted
        assert webhook["runbook_url"] == url
        assert f"<{url}|Runbook>" in channels["slack"].accepted[0]["blocks"][-1]["elements"][0]["text"]
        assert {"href": url, "text": "Runbook"} in channels["pagerduty"].accepted[0]["links"]
        page = httpx.get(url)
    assert page.status_code == 200 and "Follow-up coverage dropped" in page.text


def test_a_channel_answering_500_then_200_delivers_once(tmp_path, channels):
    story = incident_story()
    warehouse = build(tmp_path / "w.duckdb", story)
    step_through(warehouse, story, range(40, INCIDENT[0]))
    channels["webhook"].fail_next(500)
    step_through(warehouse, story, range(INCIDENT[0], INCIDENT[0] + 3))

    accepted = [(b["dedup_key"], b["status"]) for b in channels["webhook"].accepted]
    assert sorted(accepted) == sorted(set(accepted))  # nothing delivered twice
    assert (COMPANY_KEY, "firing") in accepted
    assert len(channels["webhook"].received) == len(accepted) + 1  # the one 500
    attempts = rows(warehouse, "select sum(attempts), count(*) filter (where status = 'delivered'), count(*) "
                    "from monitoring.alert_deliveries where channel = 'webhook'")
    assert attempts[0][1] == attempts[0][2]  # all delivered
    assert attempts[0][0] == attempts[0][2] + 1  # one extra try for the 500


def test_a_channel_down_for_the_whole_incident_keeps_its_deliveries_and_sends_them_in_order_later(
    tmp_path, channels, monkeypatch
):
    story = incident_story()
    warehouse = build(tmp_path / "w.duckdb", story)
    monkeypatch.setenv("RADAR_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/down")  # nothing listens on port 9
    step_through(warehouse, story, range(40, 55))

    failed = rows(warehouse, "select transition, status, attempts > 0, last_error from monitoring.alert_deliveries "
                  f"where channel = 'webhook' and dedup_key = '{COMPANY_KEY}' order by delivery_id")
    assert [(t, s, tried) for t, s, tried, _ in failed] == [("firing", "failed", True), ("resolved", "pending", False)]
    assert "unreachable" in failed[0][3] and "127.0.0.1" not in failed[0][3]

    monkeypatch.setenv("RADAR_ALERT_WEBHOOK_URL", channels["webhook"].url)  # the channel is back
    step_through(warehouse, story, range(55, 57))
    assert [b["status"] for b in bodies_for(channels["webhook"], COMPANY_KEY)] == ["firing", "resolved"]
    statuses = rows(warehouse, "select distinct status from monitoring.alert_deliveries where channel = 'webhook'")
    assert statuses == [("delivered",)]


def test_a_failed_delivery_waits_for_its_backoff(tmp_path, channels, monkeypatch):
    story = incident_story()
    warehouse = build(tmp_path / "w.duckdb", story)
    monkeypatch.setenv("RADAR_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/down")
    slow_retry = AlertSettings(
        retry=RetryPolicy(tries_per_evaluation=1, backoff_seconds=3 * 86400, max_backoff_seconds=7 * 86400)
    )
    step_through(warehouse, story, range(40, INCIDENT[0] + 1), slow_retry)
    monkeypatch.setenv("RADAR_ALERT_WEBHOOK_URL", channels["webhook"].url)
    step_through(warehouse, story, range(INCIDENT[0] + 1, INCIDENT[0] + 3), slow_retry)  # 2 days: not yet due
    assert bodies_for(channels["webhook"], COMPANY_KEY) == []
    step_through(warehouse, story, range(INCIDENT[0] + 3, INCIDENT[0] + 4), slow_retry)
    assert [b["status"] for b in bodies_for(channels["webhook"], COMPANY_KEY)] == ["firing"]


def test_reminders_repeat_a_firing_incident_on_the_interval(tmp_path, channels):
    story = incident_story()
    warehouse = build(tmp_path / "w.duckdb", story)
    reminding = AlertSettings(reminder_hours=48, retry=QUICK.retry)
    step_through(warehouse, story, range(40, 54), reminding)
    webhook = bodies_for(channels["webhook"], COMPANY_KEY)
    assert [(b["status"], b["reminder"]) for b in webhook] == [
        ("firing", False), ("firing", True), ("firing", True), ("firing", True), ("resolved", False)
    ]
    assert [b["event_action"] for b in pages_for(channels["pagerduty"], COMPANY_KEY)] == ["trigger", "resolve"]


def test_triage_names_the_rep_who_moved_the_measure_and_the_oldest_neglected_leads(tmp_path, channels):
    story = incident_story()
    warehouse = build(tmp_path / "w.duckdb", story)
    step_through(warehouse, story, range(40, INCIDENT[0] + 1))
    triage = bodies_for(channels["webhook"], COMPANY_KEY)[0]["triage"]
    assert triage["verdict"] == FOLLOW_UP_PROBLEM
    assert triage["movers"][0]["scope"] == "East"  # the company's breakdown is by team
    assert triage["neglected_leads"] == 4  # U1's three and U3's one
    assert [lead["lead_id"] for lead in triage["oldest_neglected_leads"]][:3] == ["N-U1-0", "N-U3-0", "N-U1-1"]

    team_story = incident_story(covered_during=8)
    step_through(build(tmp_path / "team.duckdb", team_story), team_story, range(40, INCIDENT[0] + 1))
    triage = bodies_for(channels["webhook"], TEAM_KEY)[0]["triage"]
    assert (triage["movers"][0]["scope"], triage["movers"][0]["label"]) == ("U1", "Ann Rep")
    assert triage["neglected_leads"] == 3  # U1's three; U3 is in team West
    assert [lead["lead_id"] for lead in triage["oldest_neglected_leads"]] == ["N-U1-0", "N-U1-1", "N-U1-2"]
    assert any(line.startswith(FOLLOW_UP_PROBLEM) for line in triage["lines"])


def test_when_the_activity_feed_stops_a_coverage_drop_is_likely_a_data_problem(tmp_path, channels):
    stop = 45  # from this day on no files arrive: no touches recorded, leads go stale, coverage falls
    story = Story(
        covered=lambda rep, i: 15 + (i % 2) if i < stop else max(15 - 4 * (i - stop + 1), 0),
        leads_created=lambda i: 5 + (i % 2) if i < stop else 0,
        touches=lambda i: 50 + (i % 3) if i < stop else 0,
        hours_since_activity=lambda i: 2.0 if i < stop else 2.0 + 24 * (i - stop + 1),
    )
    warehouse = build(tmp_path / "w.duckdb", story)
    step_through(warehouse, story, range(40, stop + 3))
    firing = [b for b in channels["webhook"].accepted if b["measure"] == "follow_up_coverage"]
    assert firing, "the coverage drop raised no alert"
    for body in firing:
        assert body["triage"]["verdict"] == DATA_PROBLEM
        assert any("data_freshness_hours" in f or "new_leads" in f for f in body["triage"]["unhealthy_feeds"])
    freshness = [b for b in channels["webhook"].accepted if b["measure"] == "data_freshness_hours"]
    assert [b["status"] for b in freshness] == ["firing"]


def test_secrets_stay_out_of_the_monitoring_tables(tmp_path, channels):
    story = incident_story()
    warehouse = build(tmp_path / "w.duckdb", story)
    step_through(warehouse, story, range(40, 48))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in ("monitoring.alerts", "monitoring.alert_deliveries", "monitoring.measure_history"):
            text = str(con.execute(f"select * from {table}").fetchall())
            assert ROUTING_KEY not in text
            assert channels["slack"].url not in text and channels["webhook"].url not in text
    assert ROUTING_KEY not in repr(configured_channels())


def test_no_channel_configured_still_records_the_incident(tmp_path, monkeypatch):
    for name in ("RADAR_ALERT_WEBHOOK_URL", "RADAR_SLACK_WEBHOOK_URL", "RADAR_PAGERDUTY_ROUTING_KEY"):
        monkeypatch.delenv(name, raising=False)
    story = incident_story()
    warehouse = build(tmp_path / "w.duckdb", story)
    outcomes = step_through(warehouse, story, range(40, INCIDENT[0] + 1))
    assert [e.incident_id.split("@")[0] for e in outcomes[-1].changed(lifecycle.OPEN)] == [COMPANY_KEY]
    assert rows(warehouse, "select count(*) from monitoring.alert_deliveries") == [(0,)]


def test_a_measure_that_cannot_be_computed_is_reported_and_the_others_still_alert(tmp_path, channels):
    story = incident_story()
    warehouse = build(tmp_path / "w.duckdb", story)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("alter table intermediate.int_activity_daily rename column outbound_touches to touches")
    [outcome] = step_through(warehouse, story, range(INCIDENT[0], INCIDENT[0] + 1))
    assert list(outcome.errors) == ["outbound_touches:company"]
    assert "touches" in outcome.errors["outbound_touches:company"]
    assert COMPANY_KEY in {b["dedup_key"] for b in channels["webhook"].accepted}


def test_an_incident_of_a_scope_that_disappears_resolves_instead_of_firing_forever(tmp_path, channels):
    story = incident_story(covered_during=11)  # U1 alone out of range: a rep's own incident
    warehouse = build(tmp_path / "w.duckdb", story)
    step_through(warehouse, story, range(40, INCIDENT[0] + 1))
    with duckdb.connect(str(warehouse)) as con:  # U1 leaves the company: the mart no longer has them
        con.execute("delete from marts.follow_up_coverage_rollup_daily where scope_type = 'rep' and scope = 'U1'")
    step_through(warehouse, story, range(INCIDENT[0] + 1, INCIDENT[0] + 2))
    assert [b["status"] for b in bodies_for(channels["webhook"], REP_KEY)] == ["firing", "resolved"]
    resolved = bodies_for(channels["webhook"], REP_KEY)[1]
    assert "no longer measured" in resolved["summary"]
    assert rows(warehouse, f"select status from monitoring.alerts where dedup_key = '{REP_KEY}'") == [("resolved",)]
    incident = lifecycle.OpenIncident("i", datetime(2024, 1, 1))
    assert lifecycle.step(incident, lifecycle.GONE, datetime(2024, 1, 2), None) == lifecycle.RESOLVE
    assert lifecycle.step(None, lifecycle.GONE, datetime(2024, 1, 2), None) is None


def test_an_incident_and_its_queued_notifications_are_recorded_together_or_not_at_all(tmp_path):
    def refuse(notification):
        raise RuntimeError("rendering failed")

    story = incident_story()
    warehouse = build(tmp_path / "w.duckdb", story)
    as_of = story.as_of_after(INCIDENT[0])
    with duckdb.connect(str(warehouse)) as con:
        with pytest.raises(RuntimeError, match="rendering failed"):
            evaluate(con, load_measures(), as_of, [Channel("webhook", "http://127.0.0.1:9/", refuse)], as_of, QUICK)
        assert con.execute("select count(*) from monitoring.alerts").fetchone() == (0,)
        assert con.execute("select count(*) from monitoring.alert_deliveries").fetchone() == (0,)
    step_through(warehouse, story, range(INCIDENT[0], INCIDENT[0] + 1))  # the next evaluation opens it whole
    assert rows(warehouse, f"select status from monitoring.alerts where dedup_key = '{COMPANY_KEY}'") == [("firing",)]
