"""The dashboard on the demo's published marts: the scripted incident is a visible drop, the alerting's tables
are drawn over the charts, the analytics pages show the marts' rows, and a headless Chromium renders the pages
as a user sees them."""

import socket
import statistics
import struct
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import httpx
import pytest

from ingest.demo import write_demo
from orchestration.dashboard import create_app
from orchestration.dashboard.scorecard_metrics import METRICS
from orchestration.runner import run_pipeline
from tests.live_server import running
from tests.orchestration.dashboard.html_tables import read_table
from tests.orchestration.dashboard.serving_files import page_text, read_page, trace

pytestmark = pytest.mark.slow

END = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
WARM_UP_DAYS = 21  # as in test_demo_incident: coverage settles after about three weeks
RADAR = str(Path(sys.executable).parent / "radar")
WINDOW = (1400, 2600)


@pytest.fixture(scope="module")
def demo(tmp_path_factory, instance):
    """The demo written and run once through the pipeline; the marts published beside the warehouse."""
    root = tmp_path_factory.mktemp("dashboard-demo")
    result = write_demo(root / "landing", end=END)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("RADAR_LANDING_DIR", str(root / "landing"))
        env.setenv("RADAR_WAREHOUSE", str(root / "warehouse.duckdb"))
        env.setenv("RADAR_AS_OF", END.strftime("%Y-%m-%d %H:%M:%S"))
        assert run_pipeline(instance).success
    return result, root / "serving.duckdb"


def _page(serving_db: Path, query: str = "") -> str:
    with running(create_app(serving_db)) as url:
        response = httpx.get(f"{url}/{query}")
    assert response.status_code == 200
    return response.text


def _usual_and_incident_days(series: dict, incident_start: date) -> tuple[float, list[float]]:
    first_day = min(series) + timedelta(days=WARM_UP_DAYS)
    usual = statistics.median(v for d, v in series.items() if first_day <= d < incident_start)
    return usual, [v for d, v in sorted(series.items()) if d >= incident_start]


def _by_day(chart_trace: dict) -> dict[date, float]:
    return {date.fromisoformat(d): v for d, v in zip(chart_trace["x"], chart_trace["y"], strict=True) if v is not None}


def test_the_incident_is_a_drop_in_the_teams_and_the_reps_chart_data(demo):
    result, serving_db = demo
    figures = read_page(_page(serving_db)).figures
    team = _by_day(trace(figures["chart-coverage-teams"], "coverage", result.incident_team))
    rep = _by_day(trace(figures["chart-coverage-reps"], "coverage", result.incident_rep_id))

    usual, during = _usual_and_incident_days(team, result.incident_start.date())
    assert len(during) >= 6
    assert during[-1] <= usual - 0.15 and during[-1] == min(during)
    rep_usual, rep_during = _usual_and_incident_days(rep, result.incident_start.date())
    assert rep_usual >= 0.7 and rep_during[-1] <= rep_usual / 3


def test_the_neglected_leads_table_filters_the_demo_by_rep_and_state(demo):
    result, serving_db = demo
    page = read_page(_page(serving_db, f"?rep={result.incident_rep_id}&state=stale"))

    assert page.rows, "the away rep has stale leads"
    assert {row[3] for row in page.rows} == {result.incident_rep_name}
    assert {row[7] for row in page.rows} == {"stale"}
    ages = [int(row[5]) for row in page.rows]
    assert ages == sorted(ages, reverse=True)


def test_the_pipelines_own_alerts_and_thresholds_are_drawn(demo):
    result, serving_db = demo
    with duckdb.connect(str(serving_db), read_only=True) as con:
        lows = dict(con.execute(
            "select day, expected_low from monitoring.measure_history where measure = 'follow_up_coverage' "
            "and scope_type = 'team' and scope = ? and expected_low is not null", [result.incident_team],
        ).fetchall())
        # One incident per cause: the company's, carrying the team and the rep out of range beneath it.
        [(opened_on, last_day, summary)] = con.execute(
            "select opened_on, (select max(day) from marts.follow_up_coverage_daily), summary from monitoring.alerts "
            "where measure = 'follow_up_coverage' and status = 'firing'",
        ).fetchall()
    html = _page(serving_db)
    figures = read_page(html).figures

    threshold = trace(figures["chart-coverage-teams"], "threshold", result.incident_team)
    assert threshold["line"]["dash"] == "dash"
    assert _by_day(threshold) == pytest.approx(lows)
    teams = figures["chart-coverage-teams"]  # its first panel is the company's
    firing = [s for s in teams["layout"]["shapes"] if s["x1"] == f"{last_day}T12:00:00"]
    assert f"{opened_on - timedelta(days=1)}T12:00:00" in {s["x0"] for s in firing}
    assert "firing" in [a["text"] for a in teams["layout"]["annotations"]]
    assert f"follow_up_coverage · company · since {opened_on}" in page_text(html)
    assert result.incident_team in summary and result.incident_rep_name in summary


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_dashboard(serving_db: Path) -> tuple[subprocess.Popen, str]:
    """`radar dashboard` as a user starts it, answering on 127.0.0.1."""
    port = _free_port()
    server = subprocess.Popen(
        [RADAR, "dashboard", "--port", str(port), "--serving-db", str(serving_db)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            httpx.get(url, timeout=5)
            return server, url
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    pytest.fail(f"radar dashboard did not answer on {url}: {server.communicate()[0]}")


def _chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={profile}",
         "--virtual-time-budget=20000", *args],
        capture_output=True, text=True, timeout=180,
    )


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_a_headless_browser_renders_the_titles_charts_and_neglected_leads(demo, chromium, tmp_path):
    _, serving_db = demo
    server, url = _start_dashboard(serving_db)
    try:
        dom = _chromium(chromium, tmp_path / "profile", "--dump-dom", url)
        screenshot = tmp_path / "dashboard.png"
        shot = _chromium(chromium, tmp_path / "profile", f"--window-size={WINDOW[0]},{WINDOW[1]}",
                         f"--screenshot={screenshot}", url)
    finally:
        server.terminate()
        server.wait(10)

    assert dom.returncode == 0, dom.stderr[-2000:]
    page = dom.stdout
    for title in ("Follow-up Radar", "Open incidents", "Follow-up coverage: company and teams",
                  "Follow-up coverage per rep", "Aging of open leads per rep", "Neglected leads"):
        assert title in page
    assert "data-charts-drawn-ms=" in page, "every Plotly.newPlot resolved"
    for chart in ("chart-coverage-teams", "chart-coverage-reps", "chart-aging"):
        drawn = page.split(f'id="{chart}"', 1)[1].split("</section>", 1)[0]
        assert 'class="main-svg"' in drawn, f"plotly.js drew {chart}"
    assert len(read_page(page).rows) == 100
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert _png_size(screenshot) == WINDOW and screenshot.stat().st_size > 50_000


def test_the_segments_page_shows_every_segment_of_the_published_mart_greying_the_unreportable(demo):
    _, serving_db = demo
    with duckdb.connect(str(serving_db), read_only=True) as con:
        published = con.execute(
            "select dimension, segment, is_reportable, neglect_signal from marts.lead_segment_profile"
        ).fetchall()
    rows = read_table(_page(serving_db, "segments"), "segments").rows

    shown = [(row.attributes["data-dimension"], row.attributes["data-segment"]) for row in rows]
    assert shown[0] == ("all", "all") and sorted(shown) == sorted((d, s) for d, s, *_ in published)
    greyed = {(row.attributes["data-dimension"], row.attributes["data-segment"]) for row in rows if row.greyed}
    assert greyed == {(d, s) for d, s, reportable, _ in published if not reportable} != set()
    assert {row.attributes["data-signal"] for row in rows} == {signal for *_, signal in published}


def test_the_segments_page_flags_the_industry_the_demo_plants_as_neglected(demo):
    result, serving_db = demo
    [industry] = set(result.neglected_industry.values())
    rows = read_table(_page(serving_db, "segments?dimension=industry&signal=over"), "segments").rows

    assert [row.attributes["data-segment"] for row in rows] == ["all", industry]
    assert rows[1].cells[7] == "over" and not rows[1].greyed


def test_the_call_list_page_shows_each_reps_queue_in_the_marts_rank_order(demo):
    _, serving_db = demo
    with duckdb.connect(str(serving_db), read_only=True) as con:
        owner, queue = con.execute(
            "select owner_id, list(lead_id order by rank_in_owner) from marts.call_list group by owner_id "
            "order by count(*) desc, owner_id limit 1"
        ).fetchone()
    rows = read_table(_page(serving_db, f"calls?rep={owner}"), "call-list").rows

    assert [row.attributes["data-lead-id"] for row in rows] == queue[:100]
    assert [row.cells[0] for row in rows] == [str(rank) for rank in range(1, len(rows) + 1)]
    assert all(row.cells[5] for row in rows), "every lead says how long it has waited"


def test_a_headless_browser_draws_the_segments_chart(demo, chromium, tmp_path):
    _, serving_db = demo
    server, url = _start_dashboard(serving_db)
    try:
        dom = _chromium(chromium, tmp_path / "profile", "--dump-dom", f"{url}segments")
    finally:
        server.terminate()
        server.wait(10)

    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "data-charts-drawn-ms=" in dom.stdout
    drawn = dom.stdout.split('id="chart-segments"', 1)[1].split("</section>", 1)[0]
    assert 'class="main-svg"' in drawn, "plotly.js drew the segments chart"


def test_the_scorecard_page_shows_every_rep_on_the_last_complete_week_greying_small_cells(demo):
    _, serving_db = demo
    with duckdb.connect(str(serving_db), read_only=True) as con:
        week, min_cell_n = con.execute(
            "select max(week_start), (select max(min_cell_n) from marts.metric_parameters) "
            "from marts.rep_scorecard_weekly where is_complete"
        ).fetchone()
        published = con.execute(
            "select owner_id, first_touch_within_sla_rate, speed_cohort_leads, next_step_coverage, open_leads_at_end "
            "from marts.rep_scorecard_weekly where week_start = ?", [week],
        ).fetchall()
    html = _page(serving_db, "scorecard")
    rows = {row.attributes["data-owner-id"]: row for row in read_table(html, "scorecard").rows}

    assert f"Rep scorecard: week of {week}" in page_text(html)
    assert set(rows) == {owner for owner, *_ in published}
    column = {"sla": 5, "next_step": 2 + [m.key for m in METRICS].index("next_step_coverage")}
    for owner, sla, cohort, coverage, open_at_end in published:
        for key, rate, n in (("sla", sla, cohort), ("next_step", coverage, open_at_end)):
            shown = "\N{EN DASH}" if rate is None else f"{rate:.0%}"
            assert rows[owner].cells[column[key]].startswith(f"{shown} n {n} usual ")
            assert ("unreportable" in rows[owner].classes[column[key]]) == (n < min_cell_n)
