"""Serving files for the dashboard's tests: a tiny hand-made one with known numbers, the alerting's monitoring
tables written into a copy of any serving file, and readers of the rendered page (chart figures, table rows)."""

import html
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import httpx

from orchestration.dashboard import create_app
from tests.live_server import running
from tests.rollup import create_rollup

AS_OF = datetime(2024, 3, 5, 12)
# (day, owner_id, owner_name, team, open_leads, due_leads, covered_leads, never_touched_leads, stale_leads). On
# 2024-03-04 team East covers 1 of 4 due leads (25%) although its reps' ratios average 50%: the dashboard must
# show 25%.
COVERAGE = [
    (date(2024, 3, 3), "r1", "Ann", "East", 2, 2, 2, 0, 0),
    (date(2024, 3, 3), "r2", "Bob", "East", 2, 2, 1, 0, 1),
    (date(2024, 3, 3), "r3", "Cy", "West", 1, 1, 1, 0, 0),
    (date(2024, 3, 4), "r1", "Ann", "East", 1, 1, 1, 0, 0),
    (date(2024, 3, 4), "r2", "Bob", "East", 3, 3, 0, 1, 2),
    (date(2024, 3, 4), "r3", "Cy", "West", 1, 0, 0, 0, 0),
]
# Seven days before 2024-03-04, for the week-over-week changes: the company covered 3 of 4 (75%; -50 points by
# 03-04), had 4 open leads (+1) and 1 neglected (+2); East covered 3 of 3 (-75 points), 3 open (+1), 0 neglected.
WEEK_BEFORE = [
    (date(2024, 2, 26), "r1", "Ann", "East", 1, 1, 1, 0, 0),
    (date(2024, 2, 26), "r2", "Bob", "East", 2, 2, 2, 0, 0),
    (date(2024, 2, 26), "r3", "Cy", "West", 1, 1, 0, 1, 0),
]
COUNTS = ("open_leads", "due_leads", "covered_leads", "never_touched_leads", "stale_leads")
# (lead_id, lead_name, company, lead_source, owner_id, owner_name, team, is_open, age_days, aging_bucket,
# follow_up_state); each lead was created age_days before AS_OF.
LEADS = [
    ("L1", "Ada Ames", "Acme", "Web", "r1", "Ann", "East", True, 3, "0-7d", "active"),
    ("L2", "Bea Banks", "Beta Ltd", "Referral", "r1", "Ann", "East", True, 95, "90d+", "stale"),
    ("L3", "Cal Cruz", "Cobalt", "Web", "r2", "Bob", "East", True, 20, "15-30d", "never_touched"),
    ("L4", "Dee Diaz", "Delta Co", "Event", "r2", "Bob", "East", True, 40, "31-60d", "stale"),
    ("L5", None, "Echo", None, "r2", "Bob", "East", True, 9, "8-14d", "stale"),
    ("L6", "Fay Fox", "Foxtrot", "Web", "r3", "Cy", "West", False, 12, "8-14d", "closed"),
    ("L7", "Gus Gray", "Golf", "Partner", "r3", "Cy", "West", True, 1, "0-7d", "new"),
]
# marts.lead_state_counts of the leads, shaped as dbt's: one row per scope with its open and neglected leads.
LEAD_STATE_COUNTS = """
create table marts.lead_state_counts as
select
    case when grouping(team) = 1 then 'company' when grouping(owner_id) = 1 then 'team' else 'rep' end as scope_type,
    case when grouping(team) = 1 then 'company' when grouping(owner_id) = 1 then coalesce(team, '(no team)')
        else owner_id end as scope,
    case when grouping(team) = 1 then 'company' when grouping(owner_id) = 1 then coalesce(team, '(no team)')
        else coalesce(max(owner_name), owner_id) end as scope_label,
    case when grouping(team) = 0 then team end as team,
    count(*) filter (where is_open) as open_leads,
    count(*) filter (where is_neglected) as neglected_leads
from marts.lead_aging
group by grouping sets ((), (team), (team, owner_id))
"""
MEASURE_HISTORY = """
create table monitoring.measure_history (
    measure varchar, scope_type varchar, scope varchar, day date, value double, expected_low double,
    expected_high double, state varchar, severity varchar, as_of timestamp
)"""
ALERTS = """
create table monitoring.alerts (
    incident_id varchar, dedup_key varchar, measure varchar, scope_type varchar, scope varchar, severity varchar,
    status varchar, opened_on date, opened_at timestamp, resolved_on date, resolved_at timestamp,
    last_value double, expected_low double, expected_high double, summary varchar
)"""


def tiny_serving_file(path: Path) -> Path:
    """The marts' tables with the columns the dashboard reads, holding COVERAGE and LEADS."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.metric_parameters (as_of timestamp, aging_bucket_edges varchar)")
        con.execute("insert into marts.metric_parameters values (?, '7,14,30,60,90')", [AS_OF])
        con.execute(
            "create table marts.follow_up_coverage_daily (day date, owner_id varchar, owner_name varchar, "
            f"team varchar, {', '.join(f'{c} integer' for c in COUNTS)}, follow_up_coverage double)"
        )
        _insert_coverage(con, COVERAGE)
        con.execute(
            "create table marts.lead_aging (lead_id varchar, lead_name varchar, company varchar, lead_source varchar, "
            "owner_id varchar, owner_name varchar, team varchar, is_open boolean, age_days integer, "
            "aging_bucket varchar, follow_up_state varchar, touches integer, days_since_last_touch integer, "
            "last_touch_at timestamp, created_at timestamp, is_neglected boolean)"
        )
        con.executemany(
            f"insert into marts.lead_aging values ({', '.join('?' * 11)}, 1, 2, ?, ?, ?)",
            [(*lead, AS_OF, AS_OF - timedelta(days=lead[8]), lead[10] in ("stale", "never_touched")) for lead in LEADS],
        )
        con.execute(LEAD_STATE_COUNTS)
    return path


def add_week_before(path: Path) -> None:
    """The coverage rows of WEEK_BEFORE added, and the rollup rebuilt with them."""
    with duckdb.connect(str(path)) as con:
        _insert_coverage(con, WEEK_BEFORE)


def _insert_coverage(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    con.executemany(
        "insert into marts.follow_up_coverage_daily values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*row, row[6] / row[5] if row[5] else None) for row in rows],
    )
    con.execute("drop table if exists marts.follow_up_coverage_rollup_daily")
    create_rollup(con, COUNTS)


def add_monitoring(path: Path, history: list[tuple], alerts: list[tuple]) -> None:
    """Write the alerting's two tables, with the agreed columns, into the serving file at `path`."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists monitoring")
        con.execute(MEASURE_HISTORY)
        con.execute(ALERTS)
        if history:
            con.executemany(f"insert into monitoring.measure_history values ({', '.join('?' * 10)})", history)
        if alerts:
            con.executemany(f"insert into monitoring.alerts values ({', '.join('?' * 15)})", alerts)


def history_row(scope_type: str, scope: str, day: date, low: float | None, measure: str = "follow_up_coverage"):
    return (measure, scope_type, scope, day, 0.5, low, None, "ok", "warning", AS_OF)


def alert_row(incident_id: str, scope_type: str, scope: str, status: str, opened_on: date, resolved_on=None,
              measure: str = "follow_up_coverage", summary: str = "coverage below its threshold"):
    opened_at = datetime.combine(opened_on, datetime.min.time())
    resolved_at = datetime.combine(resolved_on, datetime.min.time()) if resolved_on else None
    return (
        incident_id, f"{measure}:{scope_type}:{scope}", measure, scope_type, scope, "critical", status, opened_on,
        opened_at, resolved_on, resolved_at, 0.1, 0.6, None, summary,
    )


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, dict] = {}
        self.rows: list[list[str]] = []
        self._in_table = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "data-figure" in attributes:
            self.figures[attributes["id"]] = json.loads(attributes["data-figure"])
        if tag == "table" and attributes.get("id") == "neglected-leads":
            self._in_table = True
        elif self._in_table and tag == "tr":
            self.rows.append([])
        elif self._in_table and tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def read_page(html: str) -> _Page:
    """The page's chart figures (by element id) and the neglected-leads table's body rows."""
    parsed = _Page()
    parsed.feed(html)
    parsed.rows = [row for row in parsed.rows if row]  # the header row has th cells only
    return parsed


def trace(figure: dict, kind: str, scope: str) -> dict:
    """The figure's trace of one kind ('coverage' or 'threshold') for one scope."""
    [found] = [t for t in figure["data"] if t.get("meta", [None])[0] == kind and t["meta"][2] == scope]
    return found


def page_text(page: str) -> str:
    """The page's text with tags dropped and whitespace collapsed, as a reader sees it."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@contextmanager
def dashboard_client(serving_db: Path, **options) -> Iterator[httpx.Client]:
    """The dashboard app over a serving file, served on 127.0.0.1, and an HTTP client for it."""
    with running(create_app(serving_db, **options)) as url, httpx.Client(base_url=url) as http:
        yield http
