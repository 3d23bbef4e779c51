"""The dashboard in a headless Chromium, used as a reader uses it: choosing filters in the form, clicking headers
to sort, downloading the CSV files, and following a link to a rep that is not there."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.dashboard import create_app
from tests.live_server import running
from tests.orchestration.dashboard.browser import Browser

LEAD_IDS = "Array.from(document.querySelectorAll('#neglected-leads tbody tr td:last-child'), td => td.textContent)"
CHARTS_DRAWN = "document.body.dataset.chartsDrawnMs"


@pytest.fixture
def browser(chromium, tiny_serving, tmp_path) -> Iterator[tuple[Browser, str, Path]]:
    downloads = tmp_path / "downloads"
    with running(create_app(tiny_serving, crm_base_url="https://acme.my.salesforce.com")) as url:
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


def test_the_filters_chosen_in_the_form_apply_and_stay_chosen(browser):
    page, url, _ = browser
    page.open(f"{url}/")
    assert page.wait_until(CHARTS_DRAWN)
    assert page.evaluate(LEAD_IDS) == ["L2", "L4", "L3", "L5"]

    _choose(page, {"team": "East", "from": "2024-02-10", "to": "2024-02-25"})

    assert page.evaluate("location.search") == "?team=East&rep=&state=&from=2024-02-10&to=2024-02-25"
    assert page.evaluate(LEAD_IDS) == ["L3", "L5"]  # East's neglected leads created 02-10 to 02-25
    assert page.evaluate("document.querySelector('#filters [name=team]').value") == "East"
    assert page.evaluate("document.querySelector('#filters [name=from]').value") == "2024-02-10"
    reps = "Array.from(document.querySelectorAll('#filters [name=rep] option'), o => o.value)"
    assert page.evaluate(reps) == ["", "r1", "r2"]  # only East's reps to choose from
    assert page.wait_until(CHARTS_DRAWN)

    _choose(page, {"rep": "r2", "state": "never_touched"})
    assert page.evaluate(LEAD_IDS) == ["L3"]

    page.navigated("document.getElementById('clear-filters').click()")
    assert page.evaluate("location.search") == "" and page.evaluate(LEAD_IDS) == ["L2", "L4", "L3", "L5"]


def test_clicking_a_header_sorts_by_it_and_clicking_again_reverses_keeping_the_filters(browser):
    page, url, _ = browser
    page.open(f"{url}/?state=stale")
    header = "document.querySelector('#neglected-leads th[data-key=company]')"

    page.navigated(f"{header}.querySelector('a').click()")
    assert page.evaluate(LEAD_IDS) == ["L2", "L4", "L5"]  # Beta Ltd, Delta Co, Echo
    assert page.evaluate(f"{header}.getAttribute('aria-sort')") == "ascending"

    page.navigated(f"{header}.querySelector('a').click()")
    assert page.evaluate(LEAD_IDS) == ["L5", "L4", "L2"]
    assert page.evaluate(f"{header}.getAttribute('aria-sort')") == "descending"
    assert page.evaluate("location.search") == "?state=stale&sort=company&order=desc"

    _choose(page, {"team": "East"})  # the form keeps the sort
    assert page.evaluate(LEAD_IDS) == ["L5", "L4", "L2"]


def test_each_csv_link_downloads_the_table_it_is_under_for_the_view_shown(browser):
    page, url, _ = browser
    page.open(f"{url}/?team=East&sort=lead_source&order=asc")

    leads = page.download("document.getElementById('csv-neglected-leads').click()")
    coverage = page.download("document.getElementById('csv-coverage').click()")
    aging = page.download("document.getElementById('csv-aging').click()")

    rows = list(csv.reader(io.StringIO(leads.read_text())))
    assert leads.name == "neglected-leads.csv"
    assert rows[0][:3] == ["Lead", "Company", "Source"] and rows[0][-2:] == ["Lead ID", "CRM link"]
    assert [row[-2] for row in rows[1:]] == page.evaluate(LEAD_IDS) == ["L4", "L2", "L3", "L5"]
    assert rows[1][-1] == "https://acme.my.salesforce.com/L4"
    scopes = {tuple(row[1:3]) for row in csv.reader(io.StringIO(coverage.read_text()))}
    assert scopes == {("Scope", "Name"), ("company", "company"), ("team", "East"), ("rep", "Ann"), ("rep", "Bob")}
    assert aging.read_text().splitlines()[0] == "Rep,Team,Aging bucket,Open leads"


def test_a_link_to_an_unknown_rep_shows_why_and_the_way_back(browser):
    page, url, _ = browser
    page.open(f"{url}/?rep=005NOTAREP&state=stale")

    assert page.evaluate("document.title") == "Unknown rep · Follow-up Radar"
    assert 'No rep with owner_id "005NOTAREP"' in page.evaluate("document.getElementById('message').innerText")
    page.navigated("document.querySelector('#message a').click()")
    assert page.evaluate("location.search") == "?state=stale"
    assert page.evaluate(LEAD_IDS) == ["L2", "L4", "L5"]
