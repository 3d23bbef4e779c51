"""`make run`'s story: the demo's scripted incident shows in the coverage mart built through Dagster, raises
coverage alerts delivered once to a webhook, and a later run after the reps catch up resolves them once. The demo's
planted habits (a rep who gives up after one attempt, a rep who never touches one industry's leads) are found by
the scorecard and the segments, page exactly those reps, and head `make run`'s summary."""

import csv
import statistics
from datetime import UTC, datetime, timedelta

import pytest

from ingest.demo import write_demo
from orchestration.runner import run_pipeline
from orchestration.summary import render
from tests.conftest import query
from tests.orchestration.alerting.receiver import receiver
from tests.orchestration.text_tables import cells

pytestmark = pytest.mark.slow

END = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
WARM_UP_DAYS = 21  # the simulation starts with no history: coverage settles after about three weeks


COVERAGE_CHECKS = {"follow_up_coverage_company", "follow_up_coverage_team", "follow_up_coverage_rep"}
# The away rep's new leads go untouched: never-touched leads pile up, and in the last complete week more than a
# tenth of their new leads were never touched (speed to lead not reached).
INCIDENT_CHECKS = {"never_touched_due_leads_company", "speed_to_lead_p90_hours_rep"}
HABIT_CHECKS = {"never_followed_up_rate_rep", "speed_to_lead_p90_hours_rep"}
WEEKLY = ("never_followed_up_rate", "gave_up_after_one_rate", "speed_to_lead_p90_hours", "next_step_coverage",
          "stopped_after_response_leads")


@pytest.fixture(scope="module")
def webhook():
    with receiver() as hook:
        yield hook


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, instance, webhook):
    root = tmp_path_factory.mktemp("demo")
    demo = write_demo(root / "landing", end=END)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RADAR_LANDING_DIR", str(root / "landing"))
        env.setenv("RADAR_WAREHOUSE", str(root / "warehouse.duckdb"))
        env.setenv("RADAR_AS_OF", END.strftime("%Y-%m-%d %H:%M:%S"))
        env.setenv("RADAR_ALERT_WEBHOOK_URL", webhook.url)
        result = run_pipeline(instance)
    return demo, result, root / "warehouse.duckdb"


@pytest.fixture(scope="module")
def recovery_run(demo_run, instance, webhook):
    """The reps call every neglected lead two hours after the demo ends; the next day's run sees coverage back."""
    _, _, warehouse = demo_run
    fired = list(webhook.accepted)
    landing = warehouse.parent / "landing"
    _write_catch_up_calls(landing / "salesforce" / "Task_catch_up.csv", warehouse, END + timedelta(hours=2))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RADAR_LANDING_DIR", str(landing))
        env.setenv("RADAR_WAREHOUSE", str(warehouse))
        env.setenv("RADAR_AS_OF", (END + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S"))
        env.setenv("RADAR_ALERT_WEBHOOK_URL", webhook.url)
        result = run_pipeline(instance)
    return fired, result


def _write_catch_up_calls(path, warehouse, at: datetime) -> None:
    leads = query(warehouse, "select lead_id, owner_id from marts.lead_aging where is_neglected order by lead_id")
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    header = ["Id", "WhoId", "OwnerId", "Subject", "TaskSubtype", "CallDisposition", "CallDurationInSeconds",
              "Status", "ActivityDate", "CompletedDateTime", "CreatedDate", "LastModifiedDate", "IsDeleted"]
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for n, lead in enumerate(leads):
            writer.writerow([f"00T9C{n:013d}", lead["lead_id"], lead["owner_id"], "Call", "Call", "Left Voicemail",
                             "20", "Completed", f"{at:%Y-%m-%d}", stamp, stamp, stamp, "false"])


def _coverage_by_day(warehouse, where: str) -> dict:
    rows = query(
        warehouse,
        f"""
        select day, sum(covered_leads) / nullif(sum(due_leads), 0) as coverage
        from marts.follow_up_coverage_daily where {where} group by day order by day
        """,
    )
    return {r["day"]: r["coverage"] for r in rows}


def _usual_and_last(coverage: dict, demo) -> tuple[float, float]:
    first_day = min(coverage) + timedelta(days=WARM_UP_DAYS)
    incident_day = demo.incident_start.date()
    usual = statistics.median(v for d, v in coverage.items() if first_day <= d < incident_day)
    return usual, coverage[max(coverage)]


def test_demo_runs_clean_but_for_its_incident_and_planted_habits(demo_run):
    _, result, warehouse = demo_run
    assert result.success
    assert query(warehouse, "select count(*) as n from raw._rejected_rows") == [{"n": 0}]
    failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
    assert failed == COVERAGE_CHECKS | INCIDENT_CHECKS | HABIT_CHECKS


def test_the_incident_fires_one_coverage_alert_carrying_the_team_and_the_rep(demo_run, webhook):
    demo, _, _ = demo_run
    # one cause: the company, the team and the rep out of range together
    [alert] = [b for b in webhook.accepted if b["measure"] == "follow_up_coverage"]
    assert alert["dedup_key"] == "follow-up-radar/follow_up_coverage/company/company"
    assert alert["status"] == "firing"
    beneath = {(b["scope_type"], b["scope"]): b for b in alert["beneath"]}
    assert {("team", demo.incident_team), ("rep", demo.incident_rep_id)} <= set(beneath)
    assert beneath[("rep", demo.incident_rep_id)]["label"] == demo.incident_rep_name
    assert alert["triage"]["verdict"] == "likely a follow-up problem"
    assert alert["triage"]["movers"][0]["scope"] == demo.incident_team
    assert alert["days_out"] >= 1 and f"out of range since {alert['since']}" in alert["summary"]
    assert alert["runbook_url"] == "http://127.0.0.1:8501/runbooks/follow_up_coverage"


def test_incident_rep_coverage_drops_well_below_their_usual_level(demo_run):
    demo, _, warehouse = demo_run
    usual, last = _usual_and_last(_coverage_by_day(warehouse, f"owner_id = '{demo.incident_rep_id}'"), demo)
    assert usual >= 0.7
    assert last <= usual / 3


def test_incident_team_coverage_drops(demo_run):
    demo, _, warehouse = demo_run
    usual, last = _usual_and_last(_coverage_by_day(warehouse, f"team = '{demo.incident_team}'"), demo)
    assert last <= usual - 0.15


def _planted(demo, habit: str) -> str:
    [rep] = [rep for rep, h in demo.rep_habits.items() if h == habit]
    return rep


def test_the_scorecard_finds_exactly_the_rep_who_gives_up_after_one_attempt(demo_run):
    demo, _, warehouse = demo_run
    beyond = query(warehouse, """
        select owner_id, count(*) as weeks from marts.rep_scorecard_weekly, marts.metric_parameters
        where is_complete and unanswered_settled_leads >= min_cell_n
            and (never_followed_up_vs_benchmark_pp > 0 or gave_up_after_one_vs_benchmark_pp > 0)
        group by owner_id""")
    [found] = beyond
    assert found["owner_id"] == _planted(demo, "one_and_done") and found["weeks"] >= 3


def test_the_segments_find_exactly_the_neglected_industry_and_the_scorecard_its_rep(demo_run):
    demo, _, warehouse = demo_run
    [(rep, industry)] = demo.neglected_industry.items()
    over = query(warehouse, "select segment from marts.lead_segment_profile where dimension = 'industry' "
                            "and neglect_signal = 'over'")
    assert over == [{"segment": industry}]
    [most] = query(warehouse, "select dimension, segment from marts.lead_segment_profile where is_reportable "
                              "order by neglect_rate_vs_all_pp desc limit 1")
    assert most == {"dimension": "industry", "segment": industry}
    # Speed to lead not reached: more than a tenth of a week's new leads never touched. Before the incident's week
    # that is only the rep who ignores the industry, every week.
    not_reached = query(warehouse, f"""
        select owner_id, count(*) as weeks, sum(still_untouched_leads) as untouched
        from marts.rep_scorecard_weekly, marts.metric_parameters
        where is_complete and speed_cohort_leads >= min_cell_n and speed_to_lead_p90_hours is null
            and week_start + 7 <= date '{demo.incident_start.date()}'
        group by owner_id""")
    [found] = not_reached
    assert found["owner_id"] == rep and found["weeks"] >= 8 and found["untouched"] > 100


def test_the_weekly_measures_page_exactly_the_planted_reps(demo_run, webhook):
    demo, _, _ = demo_run
    weekly = {(b["measure"], b["scope"]): b for b in webhook.accepted if b["measure"] in WEEKLY}
    [(neglecter, _)] = demo.neglected_industry.items()
    quits = _planted(demo, "one_and_done")
    assert set(weekly) == {
        ("never_followed_up_rate", quits), ("speed_to_lead_p90_hours", quits),
        ("speed_to_lead_p90_hours", neglecter), ("speed_to_lead_p90_hours", demo.incident_rep_id),
    }
    assert weekly[("speed_to_lead_p90_hours", neglecter)]["value"] is None
    assert "not reached in the week of" in weekly[("speed_to_lead_p90_hours", neglecter)]["summary"]
    assert weekly[("never_followed_up_rate", quits)]["runbook_url"].endswith("/runbooks/never_followed_up_rate")


def test_make_runs_summary_heads_with_the_call_lists_and_the_planted_reps_as_outliers(demo_run):
    demo, result, warehouse = demo_run
    report = render(warehouse, END, result.get_asset_check_evaluations(), result.run_id)
    calls = cells(report.split("Call list:")[1].split("\n\n")[0])
    reps = {name for name, *_ in calls}
    assert len(reps) == len(demo.rep_habits) and len(calls) == 3 * len(reps)
    outliers = cells(report.split("Scorecard outliers:")[1].split("\n\n")[0])
    names = {row[2]: row for row in outliers}
    labels = {r["owner_id"]: r["name"] for r in query(
        warehouse, "select owner_id, max(owner_name) as name from marts.call_list group by 1")}
    [(neglecter, _)] = demo.neglected_industry.items()
    planted = {labels[_planted(demo, "one_and_done")], labels[neglecter], demo.incident_rep_name}
    assert set(names) == planted
    assert {(row[2], row[3]) for row in outliers if row[4] == "not reached"} == {
        (labels[neglecter], "speed to lead P90"), (demo.incident_rep_name, "speed to lead P90")
    }


# Last: the recovery run changes the warehouse the tests above read.
def test_after_the_reps_catch_up_the_next_run_resolves_each_alert_once(recovery_run, webhook):
    fired, result = recovery_run
    assert result.success
    resolved = [b for b in webhook.accepted if b["status"] == "resolved"]
    daily = [b for b in fired if b["measure"] not in WEEKLY]  # a weekly measure waits for the week to end
    assert sorted(b["dedup_key"] for b in resolved) == sorted(b["dedup_key"] for b in daily)
    assert [b for b in webhook.accepted if b["status"] == "firing"] == fired  # nothing fired again
    assert {b["incident_id"] for b in resolved} == {b["incident_id"] for b in daily}
