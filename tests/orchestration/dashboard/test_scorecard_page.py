"""The scorecard page over HTTP on 127.0.0.1, on the tiny serving file with hand-made weeks
(analytics_files.SCORECARD): reps side by side on a complete week beside their usual, with n and greyed cells."""

import csv
import io

import duckdb
import pytest

from tests.orchestration.dashboard.html_tables import read_table
from tests.orchestration.dashboard.serving_files import dashboard_client, page_text

SLA = 5  # the column of first_touch_within_sla_rate: after rep, team, new leads, P50 and P90


@pytest.fixture
def http(analytics_serving):
    with dashboard_client(analytics_serving) as client:
        yield client


def _reps(http, query: str = "") -> list[str]:
    response = http.get(f"/scorecard{query}")
    assert response.status_code == 200
    return [row.attributes["data-owner-id"] for row in read_table(response.text, "scorecard").rows]


def test_the_last_complete_week_beside_each_reps_usual_with_n_and_greyed_cells(http):
    html = http.get("/scorecard").text
    ann, bob, cy = read_table(html, "scorecard").rows

    text = page_text(html)
    assert "Rep scorecard: week of 2024-02-26 to 2024-03-03" in text  # not the running week of 2024-03-04
    assert "here the 8 from 2024-01-01 to 2024-02-25" in text and "n below 20" in text
    assert [row.cells[:2] for row in (ann, bob, cy)] == [["Ann", "East"], ["Bob", "East"], ["Cy (inactive)", "West"]]
    # Ann's SLA rate over 10 leads is greyed; her usual is the lower median of her 7 weeks with a cohort.
    assert ann.cells[SLA] == "50% n 10 usual 70% 7 wk, n 28"
    assert "unreportable" in ann.classes[SLA] and "unreportable" not in bob.classes[SLA]
    assert bob.cells[SLA] == "90% n 25 usual 80% 8 wk, n 240"
    assert bob.cells[4] == "not reached n 25 usual 20.0 h 8 wk, n 240"  # P90: its rank falls on an untouched lead
    assert cy.cells[2] == "15 usual 12 8 wk"  # a count: no n, never greyed
    assert "unreportable" not in cy.classes[2]
    assert "0.01" not in html and "99.0 h" not in html  # the running week's figures


def test_the_headers_group_the_figures_and_name_the_seed_benchmarks(http):
    table = read_table(http.get("/scorecard").text, "scorecard")

    assert table.headers[:3] == ["", "Speed to lead: the week's new leads", "Activity in the week"]
    headers = table.headers[6:]  # after the blank corner and the five groups
    assert headers[:3] == ["Rep", "Team", "New leads"]
    assert "Never followed up seed 48%" in headers and "Gave up after one follow-up seed 44%" in headers
    assert "Calls to first connect (mean) seed 8.0" in headers


@pytest.mark.parametrize(
    ("query", "reps"),
    [
        ("", ["r1", "r2", "r3"]),
        ("?team=West", ["r3"]),
        ("?sort=owner_name&order=desc", ["r3", "r2", "r1"]),
        # A rate ranks the reportable cells only: Ann's 10 leads come last either way.
        ("?sort=first_touch_within_sla_rate&order=desc", ["r2", "r3", "r1"]),
        ("?sort=first_touch_within_sla_rate&order=asc", ["r3", "r2", "r1"]),
        # A percentile not reached is the longest time.
        ("?sort=speed_to_lead_p90_hours&order=desc", ["r2", "r3", "r1"]),
        ("?sort=new_leads&order=asc", ["r1", "r2", "r3"]),
    ],
)
def test_team_and_sort_apply_on_the_server(http, query, reps):
    assert _reps(http, query) == reps


def test_an_earlier_week_is_compared_with_the_weeks_before_it(http):
    html = http.get("/scorecard?week=2024-02-19").text
    ann = read_table(html, "scorecard").rows[0]

    assert "Rep scorecard: week of 2024-02-19 to 2024-02-25" in page_text(html)
    assert "here the 7 from 2024-01-01 to 2024-02-18" in page_text(html)
    assert ann.cells[SLA] == "65% n 4 usual 70% 6 wk, n 24"  # median of 0.6, 0.8, 0.7, 0.9, 0.5, 0.75
    assert '<option value="2024-02-19" selected>2024-02-19 to 2024-02-25</option>' in html
    assert '<option value="2024-03-04"' not in html  # the running week is not offered


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?week=2024-03-04", '"2024-03-04" is not the start of a complete week of the scorecard: choose one of the '
                             "Mondays from 2024-01-01 to 2024-02-26."),
        ("?week=2024-02-20", '"2024-02-20" is not the start of a complete week'),
        ("?week=last", '"last" is not a day for "week": write it as YYYY-MM-DD.'),
        ("?sort=calls", '"calls" is not a column of the scorecard: choose one of owner_name, team, new_leads,'),
    ],
)
def test_a_week_or_sort_it_cannot_apply_is_refused_saying_why(http, query, message):
    for path in ("/scorecard", "/scorecard.csv"):
        response = http.get(f"{path}{query}")
        assert response.status_code == 400
        assert message in page_text(response.text)


def test_an_unknown_team_is_not_found(http):
    response = http.get("/scorecard?team=North&week=2024-02-19")

    assert response.status_code == 404
    assert 'href="/scorecard?week=2024-02-19"' in response.text


def test_the_csv_has_each_figure_its_n_and_usual_as_the_marts_values(http):
    response = http.get("/scorecard.csv?team=East")
    header, ann, bob = list(csv.reader(io.StringIO(response.text)))
    column = {name: i for i, name in enumerate(header)}

    assert response.headers["content-disposition"] == 'attachment; filename="scorecard.csv"'
    assert header[:6] == ["Rep", "Owner ID", "Team", "Active", "Week starting", "New leads"]
    sla = column["Touched within the SLA"]
    assert header[sla:sla + 5] == ["Touched within the SLA", "Touched within the SLA, n",
                                   "Touched within the SLA, usual", "Touched within the SLA, usual over weeks",
                                   "Touched within the SLA, usual n"]
    assert ann[:5] == ["Ann", "r1", "East", "True", "2024-02-26"]
    assert ann[sla:sla + 5] == ["0.5", "10", "0.7", "7", "28"]
    p90 = column["Speed to lead P90"]
    assert bob[p90:p90 + 5] == ["", "25", "20.0", "8", "240"]  # not reached: empty, as in the mart
    assert bob[column["New leads, usual"]] == "9"


def test_without_the_scorecard_mart_the_page_says_so(tiny_serving):
    with dashboard_client(tiny_serving) as http:
        page, export = http.get("/scorecard"), http.get("/scorecard.csv")

    assert page.status_code == 200
    assert "This serving file holds no marts.rep_scorecard_weekly" in page_text(page.text)
    assert export.status_code == 404


def test_before_any_week_is_complete_the_page_says_so(analytics_serving):
    with duckdb.connect(str(analytics_serving)) as con:
        con.execute("delete from marts.rep_scorecard_weekly where is_complete")
    with dashboard_client(analytics_serving) as http:
        html = http.get("/scorecard").text

    assert "No week is complete yet" in page_text(html)
    assert read_table(html, "scorecard").rows == []
