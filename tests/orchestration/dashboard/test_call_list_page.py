"""The call-list page over HTTP on 127.0.0.1, on the tiny serving file with hand-made call-list rows
(analytics_files.CALLS): a rep's queue in words, filters, sort, CSV, CRM links and an unknown rep."""

import csv
import io

import pytest

from orchestration.dashboard import pages
from tests.orchestration.dashboard.html_tables import read_table
from tests.orchestration.dashboard.serving_files import dashboard_client, page_text

BASE = "https://acme.my.salesforce.com"


@pytest.fixture
def http(analytics_serving):
    with dashboard_client(analytics_serving) as client:
        yield client


def _lead_ids(http, query: str = "") -> list[str]:
    response = http.get(f"/calls{query}")
    assert response.status_code == 200
    return [row.attributes["data-lead-id"] for row in read_table(response.text, "call-list").rows]


def test_each_reps_queue_in_rank_order_with_the_reason_in_words_and_the_wait_in_days_and_hours(http):
    table = read_table(http.get("/calls").text, "call-list")

    assert table.headers == ["Rank", "Lead", "Company", "Title", "Reason", "Waiting", "Rep", "Team", "Age (days)",
                             "Touches", "Last touch (UTC)", "Next step due", "Lead ID"]
    assert [row.cells[:7] for row in table.rows] == [
        ["1", "", "Kilo", "CEO", "Stale: no touch within the cadence", "8 d 8 h", "Ann"],
        ["1", "Hal Hart", "Hotel", "VP Sales", "Replied: nobody has answered back", "3 d 4 h", "Bob"],
        ["2", "Ivy Ito", "India", "", "Never touched, past the first-touch SLA", "1 d 6 h", "Bob"],
        ["3", "Jay Jones", "Juliet", "Engineer", "Follow-up due today", "later today", "Bob"],
        ["1", "Lou Lee", "Lima", "Director", "Attempts used up: set a disposition", "30 min", "Cy"],
    ]
    assert [row.cells[-1] for row in table.rows] == ["C4", "C1", "C2", "C3", "C5"]


@pytest.mark.parametrize(
    ("query", "lead_ids"),
    [
        ("?team=East", ["C4", "C1", "C2", "C3"]),
        ("?rep=r2", ["C1", "C2", "C3"]),
        ("?team=East&reason=stale", ["C4"]),
        ("?sort=hours_waiting&order=desc", ["C4", "C1", "C2", "C5", "C3"]),
        ("?sort=reason&order=asc", ["C1", "C2", "C3", "C4", "C5"]),  # by the reasons' priority, not their names
        ("?sort=rank_in_owner&order=asc", ["C4", "C1", "C5", "C2", "C3"]),  # every rep's first lead first
        ("?sort=company&order=desc&rep=r2", ["C3", "C2", "C1"]),
    ],
)
def test_filters_and_sorts_apply_on_the_server(http, query, lead_ids):
    assert _lead_ids(http, query) == lead_ids


def test_a_rep_with_nothing_to_do_is_told_so(http):
    html = http.get("/calls?rep=r1&reason=sla_breached").text

    assert read_table(html, "call-list").rows == []
    assert "Nothing on this call list: no open lead of Ann matching these filters needs action." in page_text(html)
    assert "<h2>Call list: Ann</h2>" in html and "<title>Call list: Ann · Follow-up Radar</title>" in html


def test_the_rep_list_offers_the_teams_reps_and_keeps_the_choice(http):
    html = http.get("/calls?team=East&rep=r2").text
    reps = html.split('<select name="rep">', 1)[1].split("</select>", 1)[0]

    assert '<option value="r2" selected>Bob</option>' in reps and "r3" not in reps


def test_the_page_shows_the_first_hundred_and_the_csv_every_lead(analytics_serving, monkeypatch):
    monkeypatch.setattr(pages, "CALL_LIST_LIMIT", 2)
    with dashboard_client(analytics_serving) as http:
        html = http.get("/calls").text
        exported = list(csv.reader(io.StringIO(http.get("/call-list.csv").text)))

    assert len(read_table(html, "call-list").rows) == 2
    assert "Showing 2 of 5 leads that need action." in page_text(html)
    assert [row[-1] for row in exported[1:]] == ["C4", "C1", "C2", "C3", "C5"]


def test_the_csv_holds_the_marts_values_with_the_reason_in_words_and_as_its_code(http):
    response = http.get("/call-list.csv?rep=r2&sort=hours_waiting&order=asc")
    rows = list(csv.reader(io.StringIO(response.text)))

    assert response.headers["content-disposition"] == 'attachment; filename="call-list.csv"'
    assert rows[0] == ["Rank", "Lead", "Company", "Title", "Reason", "Reason code", "Hours waiting",
                       "Waiting since (UTC)", "Rep", "Team", "Age (days)", "Touches", "Last touch (UTC)",
                       "Next step due", "Lead ID"]
    assert rows[1] == ["3", "Jay Jones", "Juliet", "Engineer", "Follow-up due today", "cadence_lapses_today", "-3.0",
                       "2024-03-05T15:00:00Z", "Bob", "East", "13", "3", "2024-03-02T12:00:00Z", "", "C3"]
    assert [row[-1] for row in rows[1:]] == ["C3", "C2", "C1"]


def test_with_a_salesforce_base_url_each_lead_links_to_its_record_on_the_page_and_in_the_csv(analytics_serving):
    with dashboard_client(analytics_serving, crm_base_url=BASE) as http:
        table = read_table(http.get("/calls?team=East").text, "call-list")
        exported = list(csv.reader(io.StringIO(http.get("/call-list.csv?team=East").text)))

    assert [row.links[1] for row in table.rows] == [f"{BASE}/C4", f"{BASE}/C1", f"{BASE}/C2", f"{BASE}/C3"]
    assert table.rows[0].cells[1] == "C4"  # no name: the link says the lead id
    assert exported[0][-2:] == ["Lead ID", "CRM link"]
    assert [row[-1] for row in exported[1:]] == [f"{BASE}/C4", f"{BASE}/C1", f"{BASE}/C2", f"{BASE}/C3"]


def test_without_a_salesforce_base_url_there_is_no_link(http):
    html = http.get("/calls").text
    exported = http.get("/call-list.csv").text

    assert 'class="crm"' not in html and "salesforce.com" not in html
    assert "CRM link" not in exported


@pytest.mark.parametrize("path", ["/calls", "/call-list.csv"])
def test_an_unknown_rep_or_team_gets_a_page_that_says_so_and_links_back(http, path):
    rep = http.get(f"{path}?team=East&rep=005GONE&reason=stale")
    team = http.get(f"{path}?team=North&rep=r1")

    assert rep.status_code == 404 and "<h2>Unknown rep</h2>" in rep.text
    assert ('No rep with owner_id "005GONE" owns leads in the published marts: the link may be old or mistyped. '
            "Choose a rep from the list on the call list.") in page_text(rep.text)
    assert 'href="/calls?team=East&amp;reason=stale"' in rep.text
    assert team.status_code == 404
    assert 'No team "North" in the published marts: choose one of East, West.' in page_text(team.text)
    assert 'href="/calls?rep=r1"' in team.text


def test_a_reason_it_does_not_know_is_refused_naming_the_reasons(http):
    response = http.get("/calls?reason=busy")

    assert response.status_code == 400
    assert ('"busy" is not a reason to choose: choose one of replied_unanswered, sla_breached, next_step_overdue, '
            "cadence_lapses_today, stale, awaiting_disposition.") in page_text(response.text)


def test_a_serving_file_without_the_call_list_says_so(tiny_serving):
    with dashboard_client(tiny_serving) as http:
        page, export = http.get("/calls"), http.get("/call-list.csv")

    assert page.status_code == 200 and "This serving file holds no marts.call_list" in page_text(page.text)
    assert export.status_code == 404
