"""The causes of one evaluation: which scope's incident carries which scopes out of range beneath it."""

from datetime import date

from expectations.drift import BREACHED, OK, Judgement
from expectations.measures import load_measures
from orchestration.alerting.evaluate import Evaluation
from orchestration.alerting.grouping import causes

MEASURES = {m.scope: m for m in load_measures() if m.name == "follow_up_coverage"}
TEAMS = {"U1": "East", "U2": "East", "U3": "West"}
DAY = date(2024, 2, 15)


def verdicts(breached: set[str]) -> list[Evaluation]:
    scopes = [("company", "company"), ("team", "East"), ("team", "West"), *(("rep", r) for r in TEAMS)]
    return [Evaluation(MEASURES[t], s, Judgement(DAY, 0.5, 0.6, None, BREACHED if s in breached else OK))
            for t, s in scopes]


def carried(found) -> dict[str, tuple[str, list[str]]]:
    return {c.root.scope: (c.state, [b.scope for b in c.beneath]) for c in found if c.state == BREACHED}


def test_a_company_breach_carries_every_team_and_rep_out_of_range():
    found = causes(verdicts({"company", "East", "U1", "U3"}), TEAMS, set())
    assert carried(found) == {"company": (BREACHED, ["East", "U1", "U3"])}


def test_a_team_breach_carries_its_reps_and_another_teams_rep_is_its_own_cause():
    found = causes(verdicts({"East", "U1", "U3"}), TEAMS, set())
    assert carried(found) == {"East": (BREACHED, ["U1"]), "U3": (BREACHED, [])}


def test_an_open_incident_stays_firing_while_a_scope_beneath_it_is_out_of_range():
    found = causes(verdicts({"U1"}), TEAMS, {("follow_up_coverage", "company", "company")})
    assert carried(found) == {"company": (BREACHED, ["U1"])}  # not a new page for U1
    back = causes(verdicts(set()), TEAMS, {("follow_up_coverage", "company", "company")})
    assert next(c for c in back if c.root.scope == "company").state == OK  # resolves once all are back


def test_a_reps_incident_opened_before_its_teams_goes_on_by_itself():
    firing = {("follow_up_coverage", "rep", "U1")}
    found = causes(verdicts({"East", "U1"}), TEAMS, firing)
    assert carried(found) == {"East": (BREACHED, ["U1"]), "U1": (BREACHED, [])}
    assert next(c for c in causes(verdicts({"East"}), TEAMS, firing) if c.root.scope == "U1").state == OK
