"""The scorecard, segments and call-list pages in a headless Chromium, used as a reader uses them: moving between
the pages, choosing filters in the form, clicking headers to sort, downloading the CSV files, following the CRM
links and a link to a rep that is not there."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.dashboard import create_app
from tests.live_server import running
from tests.orchestration.dashboard.browser import Browser

BASE = "https://acme.my.salesforce.com"
CHARTS_DRAWN = "document.body.dataset.chartsDrawnMs"


def _rows(table: str, attribute: str) -> str:
    return f"Array.from(document.querySelectorAll('#{table} tbody tr'), tr => tr.getAttribute('{attribute}'))"


SEGMENTS = _rows("segments", "data-segment")
GREYED = "Array.from(document.querySelectorAll('#segments tbody tr.unreportable'), tr => tr.dataset.segment)"
LEADS = _rows("call-list", "data-lead-id")
REPS = _rows("scorecard", "data-owner-id")


@pytest.fixture
def browser(chromium, analytics_serving, tmp_path) -> Iterator[tuple[Browser, str, Path]]:
    downloads = tmp_path / "downloads"
    with running(create_app(analytics_serving, crm_base_url=BASE)) as url:
        page = Browser(chromium, tmp_path / "profile", downloads)
        try:
            yield page, url, downloads
        finally:
            page.close()


def _choose(page: Browser, values: dict[str, str]) -> None:
    """Set the filter form's fields as a reader would, then submit it."""
    for name, value in values.items():
        page.evaluate(f"document.querySelector('#filters [name={name}]').value = {value!r}")
    page.navigated("document.getElementById('filters').requestSubmit()")


def _click_header(page: Browser, table: str, key: str) -> None:
    page.navigated(f"document.querySelector('#{table} th[data-key={key}] a').click()")


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text())))


def test_the_navigation_bar_leads_to_each_page_keeping_the_team(browser):
    page, url, _ = browser
    page.open(f"{url}/?team=East&rep=r2")
    current = "document.querySelector('#pages [aria-current=page]').textContent"
    assert page.evaluate(current) == "Overview"

    for label, path, search in [("Call list", "/calls", "?team=East&rep=r2"), ("Scorecard", "/scorecard", "?team=East"),
                                ("Segments", "/segments", ""), ("Overview", "/", "")]:
        link = f"Array.from(document.querySelectorAll('#pages a')).find(a => a.textContent === {label!r})"
        page.navigated(f"{link}.click()")
        assert page.evaluate("location.pathname + location.search") == path + search
        assert page.evaluate(current) == label
        assert page.wait_until(CHARTS_DRAWN)


def test_the_segments_page_draws_its_chart_greys_small_segments_and_filters_sorts_and_exports(browser):
    page, url, _ = browser
    page.open(f"{url}/segments")
    assert page.wait_until(CHARTS_DRAWN)
    assert page.evaluate("document.querySelector('#chart-segments .main-svg') !== null"), "plotly.js drew the chart"
    assert page.evaluate(SEGMENTS) == ["all", "Retail", "Finance", "Media", "US", "unmapped", "c_level", "true"]
    assert page.evaluate(GREYED) == ["Media", "unmapped"]
    grey = "getComputedStyle(document.querySelector('#segments tr.unreportable td')).color"
    assert page.evaluate(grey) == "rgb(156, 163, 175)"

    _choose(page, {"dimension": "industry"})
    assert page.evaluate("location.search") == "?dimension=industry&signal="
    assert page.evaluate(SEGMENTS) == ["all", "Retail", "Finance", "Media"]
    _click_header(page, "segments", "neglect_rate")
    assert page.evaluate(SEGMENTS) == ["all", "Finance", "Retail", "Media"]  # greyed Media last despite its 80%
    _click_header(page, "segments", "neglect_rate")
    assert page.evaluate(SEGMENTS) == ["all", "Retail", "Finance", "Media"]
    assert page.evaluate("location.search") == "?dimension=industry&sort=neglect_rate&order=desc"

    exported = _csv(page.download("document.getElementById('csv-segments').click()"))
    assert [row[1] for row in exported] == ["Segment", "all", "Retail", "Finance", "Media"]
    assert exported[2][8] == "over"


def test_the_call_list_of_a_rep_chosen_in_the_form_links_to_the_crm_and_downloads(browser):
    page, url, downloads = browser
    page.open(f"{url}/calls")
    assert page.evaluate(LEADS) == ["C4", "C1", "C2", "C3", "C5"]

    _choose(page, {"team": "East", "rep": "r2"})
    assert page.evaluate(LEADS) == ["C1", "C2", "C3"]
    waits = "Array.from(document.querySelectorAll('#call-list tbody tr td:nth-child(6)'), td => td.textContent)"
    assert page.evaluate(waits) == ["3 d 4 h", "1 d 6 h", "later today"]
    links = "Array.from(document.querySelectorAll('#call-list a.crm'), a => a.href)"
    assert page.evaluate(links) == [f"{BASE}/C1", f"{BASE}/C2", f"{BASE}/C3"]

    _click_header(page, "call-list", "hours_waiting")
    assert page.evaluate(LEADS) == ["C3", "C2", "C1"]
    exported = page.download("document.getElementById('csv-call-list').click()")
    rows = _csv(exported)
    assert exported.parent == downloads and exported.name == "call-list.csv"
    assert [row[-2:] for row in rows[1:]] == [[lead, f"{BASE}/{lead}"] for lead in ("C3", "C2", "C1")]
    assert rows[1][4:7] == ["Follow-up due today", "cadence_lapses_today", "-3.0"]


def test_without_a_base_url_the_call_list_has_no_crm_links(chromium, analytics_serving, tmp_path):
    with running(create_app(analytics_serving)) as url:
        page = Browser(chromium, tmp_path / "profile", tmp_path / "downloads")
        try:
            page.open(f"{url}/calls?rep=r2")
            assert page.evaluate(LEADS) == ["C1", "C2", "C3"]
            assert page.evaluate("document.querySelectorAll('#call-list a').length") == 12  # sort links only
            assert page.evaluate("document.querySelectorAll('a.crm').length") == 0
        finally:
            page.close()


def test_a_call_list_link_to_an_unknown_rep_shows_why_and_the_way_back(browser):
    page, url, _ = browser
    page.open(f"{url}/calls?team=East&rep=005GONE")

    assert page.evaluate("document.title") == "Unknown rep · Follow-up Radar"
    assert 'No rep with owner_id "005GONE"' in page.evaluate("document.getElementById('message').innerText")
    page.navigated("document.querySelector('#message a').click()")
    assert page.evaluate("location.pathname + location.search") == "/calls?team=East"
    assert page.evaluate(LEADS) == ["C4", "C1", "C2", "C3"]


def test_the_scorecard_greys_small_cells_sorts_by_a_rate_and_downloads(browser):
    page, url, _ = browser
    page.open(f"{url}/scorecard")
    assert page.evaluate(REPS) == ["r1", "r2", "r3"]
    greyed = ("Array.from(document.querySelectorAll('#scorecard td.unreportable"
              "[data-key=first_touch_within_sla_rate]'), td => td.parentElement.dataset.ownerId)")
    assert page.evaluate(greyed) == ["r1"]

    _click_header(page, "scorecard", "first_touch_within_sla_rate")
    assert page.evaluate(REPS) == ["r3", "r2", "r1"]
    _choose(page, {"team": "East", "week": "2024-02-19"})
    assert page.evaluate("location.search") == "?team=East&week=2024-02-19&sort=first_touch_within_sla_rate&order=asc"
    assert page.evaluate(REPS) == ["r2", "r1"]  # Ann's 4 leads are greyed, so she stays last
    assert "week of 2024-02-19" in page.evaluate("document.getElementById('scorecard-week').textContent")

    rows = _csv(page.download("document.getElementById('csv-scorecard').click()"))
    assert [row[:5] for row in rows[1:]] == [["Bob", "r2", "East", "True", "2024-02-19"],
                                             ["Ann", "r1", "East", "True", "2024-02-19"]]
