"""The dashboard over HTTP, served by uvicorn on 127.0.0.1, on a tiny hand-made serving file."""

import os
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.dashboard import create_app
from orchestration.dashboard.app import PLOTLY_JS, PLOTLY_JS_URL
from tests.orchestration.dashboard.serving_files import (
    add_monitoring,
    add_week_before,
    alert_row,
    dashboard_client,
    page_text,
    read_page,
    tiny_serving_file,
)


def _lead_ids(page: str) -> list[str]:
    return [row[-1] for row in read_page(page).rows]


def test_the_page_shows_the_headline_tiles_charts_and_neglected_leads(client):
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    text = page_text(response.text)
    assert "Company follow-up coverage on 2024-03-04 25% 1 of 4 due leads" in text  # sum/sum, not 50%
    assert "Neglected leads 4" in text and "Open leads 6" in text and "As of 2024-03-05 12:00" in text
    page = read_page(response.text)
    assert set(page.figures) == {"chart-coverage-teams", "chart-coverage-reps", "chart-aging"}
    assert _lead_ids(response.text) == ["L2", "L4", "L3", "L5"]
    assert "4 matching neglected leads." in text


@pytest.mark.parametrize(
    ("query", "lead_ids"),
    [
        ("?rep=r2", ["L4", "L3", "L5"]),
        ("?state=stale", ["L2", "L4", "L5"]),
        ("?rep=r2&state=never_touched", ["L3"]),
        ("?rep=&state=", ["L2", "L4", "L3", "L5"]),
    ],
)
def test_filters_are_get_parameters_applied_on_the_server(client, query, lead_ids):
    response = client.get(f"/{query}")

    assert response.status_code == 200
    assert _lead_ids(response.text) == lead_ids


def test_a_filtered_page_keeps_its_filters_selected(client):
    html = client.get("/?rep=r2&state=stale").text

    assert '<option value="r2" selected>Bob (3)</option>' in html
    assert '<option value="stale" selected>stale</option>' in html


def test_filters_matching_nothing_say_so(client):
    for query in ("?rep=r3", "?rep=r1&state=never_touched", "?team=West"):
        response = client.get(f"/{query}")
        assert response.status_code == 200
        assert 'id="neglected-leads"' not in response.text
        assert "No neglected leads match these filters." in response.text


@pytest.mark.parametrize(
    ("query", "title", "message", "back"),
    [
        ("?rep=nobody&state=stale", "Unknown rep",
         'No rep with owner_id "nobody" owns leads in the published marts', '"/?state=stale"'),
        ("?team=North&rep=r1", "Unknown team", 'No team "North" in the published marts: choose one of East, West.',
         '"/?rep=r1"'),
    ],
)
def test_an_unknown_rep_or_team_gets_a_404_page_that_says_so(client, query, title, message, back):
    for path in ("/", "/neglected-leads.csv"):
        response = client.get(f"{path}{query}")

        assert response.status_code == 404
        assert f"<h2>{title}</h2>" in response.text
        assert message in page_text(response.text)
        assert f"href={back}" in response.text


def test_an_unknown_state_is_refused_with_the_states_to_choose_from(client):
    response = client.get("/?rep=r2&state=active")

    assert response.status_code == 400
    text = page_text(response.text)
    assert '"active" is not a follow-up state of neglected leads: choose one of never_touched, stale.' in text
    assert 'href="?rep=r2"' in response.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=2024-02-30", '"2024-02-30" is not a day for "from": write it as YYYY-MM-DD.'),
        ("?from=2024-03-04&to=2024-03-03", "The date range starts (2024-03-04) after it ends (2024-03-03)"),
        ("?sort=email", '"email" is not a column of the neglected leads: choose one of lead_name, company,'),
        ("?sort=company&order=up", '"up" is not a sort order: choose asc or desc.'),
    ],
)
def test_a_date_or_sort_it_cannot_apply_is_refused_saying_why(client, query, message):
    response = client.get(f"/{query}")

    assert response.status_code == 400
    assert message in page_text(response.text)


def test_without_a_serving_file_the_page_says_to_run_the_pipeline_first(tmp_path):
    with dashboard_client(tmp_path / "serving.duckdb") as http:
        response = http.get("/")

    assert response.status_code == 503
    assert "run `make run` first" in response.text
    assert "Traceback" not in response.text


def test_a_serving_file_that_is_not_duckdb_gives_a_clear_error_page(tmp_path):
    broken = tmp_path / "serving.duckdb"
    broken.write_text("not a database")

    with dashboard_client(broken) as http:
        response = http.get("/")

    assert response.status_code == 500
    assert "could not be read" in response.text


def test_plotly_js_is_served_from_the_plotly_package_and_nothing_is_loaded_from_elsewhere(client):
    html = client.get("/").text
    script = client.get(f"/{PLOTLY_JS_URL}")

    assert script.status_code == 200 and script.content == PLOTLY_JS.read_bytes()
    assert re.findall(r'<script src="([^"]+)"', html) == [PLOTLY_JS_URL]
    assert "http://" not in html and "https://" not in html


def test_each_load_reads_the_file_in_place_and_holds_nothing_open(client, tiny_serving, tmp_path):
    assert "Neglected leads 4" in page_text(client.get("/").text)
    assert not [fd for fd in os.listdir("/proc/self/fd") if _points_at(fd, tiny_serving)]

    newer = tiny_serving_file(tmp_path / ".serving.duckdb.tmp")
    add_monitoring(newer, history=[], alerts=[alert_row("i1", "team", "East", "firing", date(2024, 3, 4))])
    os.replace(newer, tiny_serving)  # as a publish does

    text = page_text(client.get("/").text)
    assert "Open incidents firing critical · follow_up_coverage · team East · since 2024-03-04" in text


def test_open_incidents_show_rep_names_and_say_when_alerting_is_absent(client, tiny_serving):
    assert "No alerting data in this serving file" in client.get("/").text

    add_monitoring(tiny_serving, history=[], alerts=[alert_row("i2", "rep", "r2", "firing", date(2024, 3, 4))])
    text = page_text(client.get("/").text)
    assert "rep Bob (East) · since 2024-03-04 · last 10% (threshold 60%): coverage below its threshold" in text


def test_an_incident_of_another_measure_is_shown_in_its_own_unit(client, tiny_serving):
    hours = alert_row("i3", "company", "company", "firing", date(2024, 3, 4), measure="median_hours_to_first_touch",
                      summary="first touch slow")
    add_monitoring(tiny_serving, history=[], alerts=[(*hours[:11], 30.5, None, 20.0, hours[14])])
    text = page_text(client.get("/").text)
    expected = "median_hours_to_first_touch · company · since 2024-03-04 · last 30.5 h (limit 20.0 h): first touch slow"
    assert expected in text


def _points_at(fd: str, path: Path) -> bool:
    try:
        return os.readlink(f"/proc/self/fd/{fd}") == str(path)
    except OSError:
        return False


def test_marts_without_rows_give_a_page_with_nothing_to_show(tiny_serving):
    with duckdb.connect(str(tiny_serving)) as con:
        con.execute(
            "delete from marts.follow_up_coverage_daily; delete from marts.follow_up_coverage_rollup_daily; "
            "delete from marts.lead_aging"
        )
    with dashboard_client(tiny_serving) as http:
        response = http.get("/")

    assert response.status_code == 200
    text = page_text(response.text)
    assert "Company follow-up coverage n/a 0 of 0 due leads" in text
    assert "No neglected leads match these filters." in text


def _headers(page: str) -> list[str]:
    table = page.split('<table id="neglected-leads">', 1)[1].split("</thead>", 1)[0]
    return [page_text(th).removesuffix(" ▼").removesuffix(" ▲") for th in re.findall(r"<th[^>]*>(.*?)</th>", table)]


def test_the_neglected_leads_table_has_human_headers_and_the_leads_name_company_and_source(client):
    page = client.get("/").text

    assert _headers(page) == [
        "Lead", "Company", "Source", "Rep", "Team", "Age (days)", "Aging bucket", "Follow-up state", "Touches",
        "Days since last touch", "Last touch (UTC)", "Created (UTC)", "Lead ID",
    ]
    first, *_, last = read_page(page).rows
    assert first[:6] == ["Bea Banks", "Beta Ltd", "Referral", "Ann", "East", "95"]
    assert first[-2:] == ["2023-12-01 12:00", "L2"]
    assert last[:3] == ["", "Echo", ""] and last[-1] == "L5"  # no name, no source: empty cells


def test_with_a_salesforce_base_url_each_lead_links_to_its_crm_record(tiny_serving):
    with dashboard_client(tiny_serving, crm_base_url="https://acme.my.salesforce.com/") as http:
        page = http.get("/").text

    links = re.findall(r'<a class="crm" href="([^"]+)" target="_blank" rel="noopener">([^<]+)</a>', page)
    assert links == [
        ("https://acme.my.salesforce.com/L2", "Bea Banks"), ("https://acme.my.salesforce.com/L4", "Dee Diaz"),
        ("https://acme.my.salesforce.com/L3", "Cal Cruz"), ("https://acme.my.salesforce.com/L5", "L5"),
    ]


def test_without_a_salesforce_base_url_there_is_no_crm_link(client):
    page = client.get("/").text

    assert 'class="crm"' not in page and "salesforce.com" not in page
    assert read_page(page).rows[0][0] == "Bea Banks"


def test_a_salesforce_base_url_that_is_not_absolute_is_refused_at_start(tiny_serving):
    with pytest.raises(ValueError, match=re.escape("must be absolute, like https://acme.my.salesforce.com")):
        create_app(tiny_serving, crm_base_url="acme.my.salesforce.com")


def _tiles(page: str) -> str:
    return page_text(page.split('<div class="tiles" id="tiles">', 1)[1].split("</div>\n\n", 1)[0])


def test_tiles_show_the_change_since_seven_days_before_from_the_rollup(tiny_serving):
    add_week_before(tiny_serving)
    with dashboard_client(tiny_serving) as http:
        company, east = http.get("/").text, http.get("/?team=East").text

    assert "Company follow-up coverage on 2024-03-04 25% 1 of 4 due leads touched within the cadence " \
           "-50 pts in 7 days (since 2024-02-26)" in _tiles(company)
    assert "Neglected leads 4 never touched past the first-touch SLA, or stale +2 in 7 days (since 2024-02-26, " \
           "day-end counts)" in _tiles(company)
    assert "Open leads 6 status open at the as-of time +1 in 7 days" in _tiles(company)
    assert '<div class="delta worse">-50 pts' in company and '<div class="delta worse">+2 in 7 days' in company
    assert "East follow-up coverage on 2024-03-04 25% 1 of 4 due leads touched within the cadence -75 pts" in \
        _tiles(east)
    assert "Neglected leads 4 never touched past the first-touch SLA, or stale +3 in 7 days" in _tiles(east)
    assert "Open leads 5 status open at the as-of time +1 in 7 days" in _tiles(east)


def test_without_a_day_seven_days_before_the_tiles_say_there_is_no_change_to_show(client):
    tiles = _tiles(client.get("/").text)

    assert tiles.count("no figure seven days before") == 3


@pytest.mark.parametrize(
    ("query", "lead_ids", "reps"),
    [
        ("?team=East", ["L2", "L4", "L3", "L5"], ["r1", "r2"]),
        ("?team=East&rep=r2", ["L4", "L3", "L5"], ["r1", "r2"]),
        ("?team=West&rep=r2", [], ["r3"]),  # Bob is not in West
        ("?from=2024-02-10&to=2024-02-25", ["L3", "L5"], ["r1", "r2", "r3"]),  # created 02-14 and 02-25 12:00
        ("?from=2024-02-25", ["L5"], ["r1", "r2", "r3"]),
        ("?to=2024-02-24", ["L2", "L4", "L3"], ["r1", "r2", "r3"]),
    ],
)
def test_team_and_date_range_filter_the_neglected_leads_and_the_rep_list(client, query, lead_ids, reps):
    page = client.get(f"/{query}").text

    assert _lead_ids(page) == lead_ids
    rep_select = page.split('<select name="rep">', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="(r\d)"', rep_select) == reps


def test_team_and_date_range_filter_the_charts(client):
    figures = read_page(client.get("/?team=West&from=2024-03-04").text).figures

    teams = figures["chart-coverage-teams"]
    assert [t["meta"][1:] for t in teams["data"]] == [["company", "company"], ["team", "West"]]
    assert {d for t in teams["data"] for d in t["x"]} == {"2024-03-04"}
    assert [t["meta"][2] for t in figures["chart-coverage-reps"]["data"]] == ["r3"]
    assert figures["chart-aging"]["data"][0]["x"] == ["Cy"]


@pytest.mark.parametrize(
    ("query", "lead_ids"),
    [
        ("?sort=lead_source&order=asc", ["L4", "L2", "L3", "L5"]),  # Event, Referral, Web, then no source
        ("?sort=lead_source&order=desc", ["L3", "L2", "L4", "L5"]),  # no source last either way
        ("?sort=age_days&order=asc", ["L5", "L3", "L4", "L2"]),
        ("?sort=company&order=desc&state=stale", ["L5", "L4", "L2"]),
    ],
)
def test_the_table_sorts_on_the_server_by_the_column_asked_for(client, query, lead_ids):
    assert _lead_ids(client.get(f"/{query}").text) == lead_ids


def test_each_header_links_to_its_sort_keeping_the_filters_and_the_sorted_one_to_the_other_order(client):
    page = client.get("/?team=East&sort=company&order=asc").text

    assert '<th data-key="lead_name"><a href="?team=East&amp;sort=lead_name&amp;order=asc#neglected">Lead</a>' in page
    assert ('<th aria-sort="ascending" data-key="company"><a href="?team=East&amp;sort=company&amp;order=desc'
            '#neglected">Company ▲</a>') in page
    assert 'href="neglected-leads.csv?team=East&amp;sort=company&amp;order=asc"' in page
