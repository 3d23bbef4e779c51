"""The dashboard over HTTP, served by uvicorn on 127.0.0.1, on a tiny hand-made serving file."""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import httpx
import pytest
from starlette.datastructures import QueryParams

from orchestration.dashboard import create_app
from orchestration.dashboard.app import PLOTLY_JS, PLOTLY_JS_URL, _without_state, parse_filters
from orchestration.dashboard.page import Filters
from tests.live_server import running
from tests.orchestration.dashboard.serving_files import (
    add_monitoring,
    alert_row,
    page_text,
    read_page,
    tiny_serving_file,
)


@pytest.fixture
def client(tiny_serving: Path) -> Iterator[httpx.Client]:
    with _client(tiny_serving) as http:
        yield http


@contextmanager
def _client(serving_db: Path) -> Iterator[httpx.Client]:
    with running(create_app(serving_db)) as url, httpx.Client(base_url=url) as http:
        yield http


def _lead_ids(page: str) -> list[str]:
    return [row[0] for row in read_page(page).rows]


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
    assert "4 matching neglected leads, oldest first." in text


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
    for query in ("?rep=r3", "?rep=nobody", "?rep=r1&state=never_touched"):
        response = client.get(f"/{query}")
        assert response.status_code == 200
        assert 'id="neglected-leads"' not in response.text
        assert "No neglected leads match these filters." in response.text
    assert 'No rep with owner_id "nobody" owns leads' in page_text(client.get("/?rep=nobody").text)


def test_an_unknown_state_is_refused_with_the_states_to_choose_from(client):
    response = client.get("/?rep=r2&state=active")

    assert response.status_code == 400
    text = page_text(response.text)
    assert '"active" is not a follow-up state of neglected leads: choose one of never_touched, stale.' in text
    assert 'href="?rep=r2#neglected"' in response.text


def test_filter_parsing_and_the_way_back_from_a_bad_state():
    assert parse_filters(QueryParams("rep=+r1+&state=stale")) == Filters(rep="r1", state="stale")
    assert parse_filters(QueryParams("rep=&state=")) == Filters()
    assert _without_state(QueryParams("state=x")) == "."
    assert _without_state(QueryParams("rep=a+b&state=x")) == "?rep=a+b#neglected"


def test_without_a_serving_file_the_page_says_to_run_the_pipeline_first(tmp_path):
    with _client(tmp_path / "serving.duckdb") as http:
        response = http.get("/")

    assert response.status_code == 503
    assert "run `make run` first" in response.text
    assert "Traceback" not in response.text


def test_a_serving_file_that_is_not_duckdb_gives_a_clear_error_page(tmp_path):
    broken = tmp_path / "serving.duckdb"
    broken.write_text("not a database")

    with _client(broken) as http:
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
    with _client(tiny_serving) as http:
        response = http.get("/")

    assert response.status_code == 200
    text = page_text(response.text)
    assert "Company follow-up coverage n/a 0 of 0 due leads" in text
    assert "No neglected leads match these filters." in text
