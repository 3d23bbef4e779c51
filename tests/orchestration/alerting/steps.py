"""Stepping the as-of time day by day over a scripted warehouse (world.py), each day as a run does it."""

from pathlib import Path

import duckdb

from expectations.measures import load_measures
from orchestration.alerting.channels import channel_problems, configured_channels
from orchestration.alerting.delivery import RetryPolicy, deliver_pending
from orchestration.alerting.evaluate import AlertSettings, Outcome, evaluate
from tests.orchestration.alerting.receiver import Receiver
from tests.orchestration.alerting.world import Story

INCIDENT = range(45, 52)  # days on which U1 (team East) stops following up
COMPANY_KEY = "follow-up-radar/follow_up_coverage/company/company"
TEAM_KEY = "follow-up-radar/follow_up_coverage/team/East"
REP_KEY = "follow-up-radar/follow_up_coverage/rep/U1"
ROUTING_KEY = "R0UTINGKEY-not-for-logs"
QUICK = AlertSettings(retry=RetryPolicy(pause_seconds=0.01, backoff_seconds=0))


def incident_story(covered_during: int = 2) -> Story:
    """U1 covers `covered_during` of 20 due leads on the incident's days: at 2 the company, team East and U1 are
    out of range together (one cause, paged at the company); at 8 team East and U1; at 11 U1 alone."""
    return Story(covered=lambda rep, i: covered_during if rep == "U1" and i in INCIDENT else 15 + (i % 2))


def step_through(warehouse: Path, story: Story, days: range, settings: AlertSettings = QUICK) -> list[Outcome]:
    """Each day as a run does it: evaluate and queue with the warehouse open, then deliver."""
    outcomes = []
    measures = load_measures()
    for i in days:
        as_of = story.as_of_after(i)
        with duckdb.connect(str(warehouse)) as con:
            queue_for = configured_channels(usable_only=False)
            outcomes.append(evaluate(con, measures, as_of, queue_for, as_of, settings, run_id=f"run{i}"))
        deliver_pending(lambda: duckdb.connect(str(warehouse)), configured_channels(), as_of, settings.retry,
                        problems=channel_problems())
    return outcomes


def bodies_for(hook: Receiver, key: str, field: str = "dedup_key") -> list[dict]:
    return [b for b in hook.accepted if b.get(field) == key]


def pages_for(hook: Receiver, key: str) -> list[dict]:
    """PagerDuty events of the incidents of one dedup key (PagerDuty's dedup_key is the incident)."""
    return [b for b in hook.accepted if b["dedup_key"].startswith(f"{key}@")]


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()
