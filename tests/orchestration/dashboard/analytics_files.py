"""The follow-up analytics marts the scorecard, segments and call-list pages read, written into the tiny serving
file (serving_files.py) with hand-made rows whose expected rendering the tests state.

Each table is created from its mart's dbt contract (the data types in dbt_project/models/marts/_marts__models.yml),
so a renamed or retyped column fails these tests as it would fail the page.
"""

import math
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import duckdb
import yaml

from tests.orchestration.dashboard.serving_files import AS_OF

MARTS_YAML = Path(__file__).parents[3] / "dbt_project" / "models" / "marts" / "_marts__models.yml"
MIN_CELL_N = 20  # not METRICS.md's default 30: the pages must read it from marts.metric_parameters
Z = 1.96

# (dimension, segment, leads, dispositioned, open, neglected); the all row's neglect rate is 60 / 200 = 30%.
SEGMENTS = [
    ("all", "all", 400, 200, 200, 60),
    ("industry", "Retail", 120, 40, 80, 40),  # 50%, interval 39-61%: over
    ("industry", "Finance", 90, 30, 60, 9),  # 15%, interval 8-26%: under
    ("industry", "Media", 15, 5, 10, 8),  # 80% of 10 open leads: not reportable, inconclusive
    ("country", "US", 150, 30, 120, 36),  # 30%: inconclusive
    ("country", "unmapped", 4, 4, 0, 0),  # no open lead: no rate
    ("seniority", "c_level", 40, 15, 25, 8),  # 32%: inconclusive, reportable at 25 >= 20
    ("is_decision_maker", "true", 60, 20, 40, 10),  # 25%: inconclusive
]
# (owner_id, owner_name, team, lead_id, lead_name, company, title, reason, reason_priority, hours_waiting,
# rank_in_owner), as the mart ranks them per owner.
CALLS = [
    ("r2", "Bob", "East", "C1", "Hal Hart", "Hotel", "VP Sales", "replied_unanswered", 1, 76.0, 1),  # 3 d 4 h
    ("r2", "Bob", "East", "C2", "Ivy Ito", "India", None, "sla_breached", 2, 30.5, 2),  # 1 d 6 h
    ("r2", "Bob", "East", "C3", "Jay Jones", "Juliet", "Engineer", "cadence_lapses_today", 4, -3.0, 3),
    ("r1", "Ann", "East", "C4", None, "Kilo", "CEO", "stale", 5, 200.25, 1),  # 8 d 8 h
    ("r3", "Cy", "West", "C5", "Lou Lee", "Lima", "Director", "awaiting_disposition", 6, 0.5, 1),  # 30 min
]

# The weeks of the scorecard: nine complete ones up to the week of 2024-02-26 (complete at 03-04 00:00 <= AS_OF,
# 2024-03-05 12:00), and the running week of 2024-03-04.
LAST_COMPLETE = date(2024, 2, 26)
RUNNING = date(2024, 3, 4)
WEEKS = [LAST_COMPLETE - timedelta(weeks=back) for back in range(8, -1, -1)]
REPS = {"r1": ("Ann", "East"), "r2": ("Bob", "East"), "r3": ("Cy", "West")}
# (week, owner) -> (first_touch_within_sla_rate, speed_cohort_leads, speed_to_lead_p90_hours, new_leads).
# Ann's usual SLA rate: the lower median of her seven weeks with a value, 0.7 (the week of 01-22 has no cohort).
ANN_SLA = [0.6, 0.8, 0.7, None, 0.9, 0.5, 0.75, 0.65]
SCORECARD = {
    **{(week, "r1"): (rate, 0 if rate is None else 4, None if rate is None else 5.0, 3)
       for week, rate in zip(WEEKS[:-1], ANN_SLA, strict=True)},
    **{(week, "r2"): (0.8, 30, 20.0, 9) for week in WEEKS[:-1]},
    **{(week, "r3"): (0.6, 40, 10.0, 12) for week in WEEKS[:-1]},
    (LAST_COMPLETE, "r1"): (0.5, 10, 5.0, 4),  # 10 < 20: greyed
    (LAST_COMPLETE, "r2"): (0.9, 25, None, 10),  # P90 not reached: its rank falls on a never-touched lead
    (LAST_COMPLETE, "r3"): (0.7, 40, 12.5, 15),
    **{(RUNNING, owner): (0.01, 50, 99.0, 1) for owner in REPS},  # the running week: never compared
}


def add_analytics(path: Path, *, scorecard: bool = True) -> None:
    """The parameters, segments, call list and (unless told not to) scorecard written into the serving file."""
    with duckdb.connect(str(path)) as con:
        for name, kind, value in [("min_cell_n", "integer", MIN_CELL_N), ("benchmark_never_follow_up", "double", 0.48),
                                  ("benchmark_gave_up_after_one", "double", 0.44),
                                  ("benchmark_calls_to_reach", "double", 8.0)]:
            con.execute(f"alter table marts.metric_parameters add column {name} {kind} default {value}")
        _create(con, "lead_segment_profile", contract("lead_segment_profile"))
        _insert(con, "lead_segment_profile", [_segment(*row) for row in SEGMENTS])
        _create(con, "call_list", contract("call_list"))
        _insert(con, "call_list", [_call(*row) for row in CALLS])
        if scorecard:
            _create(con, "rep_scorecard_weekly", contract("rep_scorecard_weekly"))
            _insert(con, "rep_scorecard_weekly", [_scorecard_row(week, owner, *values)
                                                  for (week, owner), values in SCORECARD.items()])


@cache
def contract(model: str) -> dict[str, str]:
    """The columns of a mart and their data types, from its enforced dbt contract."""
    [found] = [m for m in yaml.safe_load(MARTS_YAML.read_text())["models"] if m["name"] == model]
    return {column["name"]: column["data_type"] for column in found["columns"]}


def wilson(k: int, n: int) -> tuple[float | None, float | None]:
    if n == 0:
        return None, None
    p = k / n
    center = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return max(0.0, center - half), min(1.0, center + half)


def _segment(dimension, segment, leads, dispositioned, open_leads, neglected) -> dict:
    rate = neglected / open_leads if open_leads else None
    low, high = wilson(neglected, open_leads)
    reference = SEGMENTS[0][5] / SEGMENTS[0][4]
    reportable = open_leads >= MIN_CELL_N
    signal = ("over" if reportable and low > reference else "under" if reportable and high < reference
              else "inconclusive")
    return {
        "dimension": dimension, "segment": segment, "leads": leads, "dispositioned_leads": dispositioned,
        "neglected_leads": neglected, "exhausted_leads": 0, "working_leads": open_leads - neglected,
        "open_leads": open_leads, "converted_leads": dispositioned // 2, "neglect_rate": rate,
        "neglect_rate_ci_low": low, "neglect_rate_ci_high": high, "disposition_rate": dispositioned / leads,
        "conversion_rate": 0.5, "share_of_all_neglected": neglected / SEGMENTS[0][5],
        "neglect_rate_vs_all_pp": None if rate is None else (rate - reference) * 100, "is_reportable": reportable,
        "neglect_signal": signal, "mean_touches_dispositioned": 3.5, "mean_touches_neglected": 1.25,
    }


def _call(owner_id, owner_name, team, lead_id, name, company, title, reason, priority, hours, rank) -> dict:
    return {
        "owner_id": owner_id, "owner_name": owner_name, "team": team, "lead_id": lead_id, "lead_name": name,
        "company": company, "title": title, "reason": reason, "reason_priority": priority,
        "waiting_since": AS_OF - timedelta(hours=hours), "hours_waiting": hours, "age_days": 10 + rank,
        "touches": rank, "last_touch_at": AS_OF - timedelta(days=rank), "next_step_due_on": None,
        "rank_in_owner": rank,
    }


def _scorecard_row(week: date, owner: str, sla_rate, cohort, p90, new_leads) -> dict:
    name, team = REPS[owner]
    row = dict.fromkeys(contract("rep_scorecard_weekly"))
    return {**row, "week_start": week, "owner_id": owner, "owner_name": name, "team": team,
            "rep_is_active": owner != "r3", "is_complete": week + timedelta(days=7) <= AS_OF.date(),
            "new_leads": new_leads, "speed_cohort_leads": cohort, "first_touch_within_sla_rate": sla_rate,
            "speed_to_lead_p90_hours": p90,
            "speed_to_lead_p50_hours": None if cohort == 0 else (p90 or 30.0) / 2, "still_untouched_leads": 0,
            "touches": 2 * new_leads,
            "calls_with_outcome": 0, "mature_emails": 0, "unanswered_settled_leads": 0, "dispositioned_leads": 0,
            "first_connect_leads": 0, "stopped_after_response_leads": 0, "open_leads_at_end": 30,
            "next_step_coverage": 0.5, "leads_with_overdue_next_step": 1}


def _create(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str]) -> None:
    con.execute(f"create table marts.{table} ({', '.join(f'{name} {kind}' for name, kind in columns.items())})")


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    names = list(rows[0])
    con.executemany(f"insert into marts.{table} ({', '.join(names)}) values ({', '.join('?' * len(names))})",
                    [[row[name] for name in names] for row in rows])
