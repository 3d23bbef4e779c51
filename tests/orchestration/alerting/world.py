"""A warehouse holding just the tables the tracked measures read, filled with a scripted story, so that an
evaluation can step the as-of time day by day in milliseconds. Days after the as-of date are invisible to the
measures, so the whole story is written up front."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from ingest.loader import connect
from tests.rollup import create_rollup

START = date(2024, 1, 1)
REPS = {"U1": ("Ann Rep", "East"), "U2": ("Bob Rep", "East"), "U3": ("Cy Rep", "West"), "U4": ("Di Rep", "West")}


@dataclass
class Story:
    """Per-day figures; the callables take the day's index and return that day's value."""

    days: int = 70
    covered: Callable[[str, int], int] = lambda rep, i: 15 + (i % 2)  # of 20 due leads per rep
    leads_created: Callable[[int], int] = lambda i: 5 + (i % 2)
    touches: Callable[[int], int] = lambda i: 50 + (i % 3)
    hours_since_activity: Callable[[int], float] = lambda i: 2.0
    neglected: dict[str, int] = field(default_factory=lambda: {"U1": 3, "U3": 1})

    def day(self, i: int) -> date:
        return START + timedelta(days=i)

    def as_of_after(self, i: int) -> datetime:
        """An as-of time at which day i is the last complete day."""
        return datetime.combine(self.day(i + 1), datetime.min.time()) + timedelta(hours=12)


def build(path: Path, story: Story) -> Path:
    con = connect(path)  # the raw schema, with its file ledger
    try:
        _coverage(con, story)
        _activity(con, story)
        _lead_aging(con, story)
        _scorecard(con)
    finally:
        con.close()
    return path


def _coverage(con: duckdb.DuckDBPyConnection, story: Story) -> None:
    con.execute("create schema if not exists marts")
    con.execute(
        """create table marts.follow_up_coverage_daily (day date, owner_id varchar, owner_name varchar, team varchar,
        open_leads integer, due_leads integer, covered_leads integer, never_touched_leads integer)"""
    )
    rows = [
        (story.day(i), rep, name, team, 25, 20, story.covered(rep, i), 1)
        for i in range(story.days) for rep, (name, team) in REPS.items()
    ]
    con.executemany("insert into marts.follow_up_coverage_daily values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    create_rollup(con, ("open_leads", "due_leads", "covered_leads", "never_touched_leads"))


def _activity(con: duckdb.DuckDBPyConnection, story: Story) -> None:
    con.execute("create schema if not exists intermediate")
    con.execute(
        """create table intermediate.int_activity_daily (day date, leads_created integer, outbound_touches integer,
        hours_since_activity double)"""
    )
    rows = [
        (story.day(i), story.leads_created(i), story.touches(i), story.hours_since_activity(i))
        for i in range(story.days)
    ]
    con.executemany("insert into intermediate.int_activity_daily values (?, ?, ?, ?)", rows)


def _lead_aging(con: duckdb.DuckDBPyConnection, story: Story) -> None:
    con.execute(
        """create table marts.lead_aging (lead_id varchar, owner_id varchar, owner_name varchar, team varchar,
        created_at timestamp, hours_to_first_touch double, age_days integer, is_neglected boolean)"""
    )
    rows = []
    for i in range(story.days):
        created = datetime.combine(story.day(i), datetime.min.time()) + timedelta(hours=9)
        rows.append((f"L{i:03d}", "U3", "Cy Rep", "West", created, 4.0 + (i % 3), 0, False))
    for rep, count in story.neglected.items():
        name, team = REPS[rep]
        for n in range(count):
            rows.append((f"N-{rep}-{n}", rep, name, team, datetime(2024, 1, 1, 9), None, 60 - n, True))
    con.executemany("insert into marts.lead_aging values (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _scorecard(con: duckdb.DuckDBPyConnection) -> None:
    """The weekly measures' tables, without a week: the story is told in days."""
    con.execute("create table marts.metric_parameters as select 30 as min_cell_n")
    con.execute(
        """create table marts.rep_scorecard_weekly (week_start date, owner_id varchar, team varchar,
        open_leads_at_end integer, open_leads_with_next_step integer, unanswered_settled_leads integer,
        never_followed_up_rate double, gave_up_after_one_rate double, speed_cohort_leads integer,
        speed_to_lead_p90_hours double, stopped_after_response_leads integer)"""
    )
