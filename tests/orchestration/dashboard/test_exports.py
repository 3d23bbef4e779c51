"""The CSV file of each table on the dashboard, over HTTP on 127.0.0.1, on the tiny hand-made serving file."""

import csv
import io

import httpx

from orchestration.dashboard import page as page_module
from tests.orchestration.dashboard.serving_files import dashboard_client, page_text, read_page


def _csv(http: httpx.Client, path: str) -> list[list[str]]:
    response = http.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="{path[1:].split("?")[0]}"'
    return list(csv.reader(io.StringIO(response.text)))


def test_the_neglected_leads_csv_has_every_match_with_human_headers_in_the_pages_order(tiny_serving):
    with dashboard_client(tiny_serving) as http:
        plain = _csv(http, "/neglected-leads.csv?state=stale&sort=company")
    with dashboard_client(tiny_serving, crm_base_url="https://acme.my.salesforce.com") as http:
        linked = _csv(http, "/neglected-leads.csv?rep=r2")

    assert plain[0] == [
        "Lead", "Company", "Source", "Rep", "Team", "Age (days)", "Aging bucket", "Follow-up state", "Touches",
        "Days since last touch", "Last touch (UTC)", "Created (UTC)", "Lead ID",
    ]
    assert plain[1] == ["Bea Banks", "Beta Ltd", "Referral", "Ann", "East", "95", "90d+", "stale", "1", "2",
                        "2024-03-05T12:00:00Z", "2023-12-01T12:00:00Z", "L2"]
    assert [row[-1] for row in plain[1:]] == ["L2", "L4", "L5"]
    assert linked[0][-2:] == ["Lead ID", "CRM link"]
    assert [row[-2:] for row in linked[1:]] == [[f"L{n}", f"https://acme.my.salesforce.com/L{n}"] for n in (4, 3, 5)]


def test_the_csv_shows_more_than_the_page_limit(tiny_serving, monkeypatch):
    monkeypatch.setattr(page_module, "ROW_LIMIT", 2)
    with dashboard_client(tiny_serving) as http:
        page = http.get("/").text
        exported = _csv(http, "/neglected-leads.csv")

    assert [row[-1] for row in read_page(page).rows] == ["L2", "L4"]
    assert "Showing 2 of 4 matching neglected leads." in page_text(page)
    assert [row[-1] for row in exported[1:]] == ["L2", "L4", "L3", "L5"]


def test_the_charts_data_exports_as_csv_for_the_same_filters(client):
    coverage = _csv(client, "/coverage.csv?team=West")
    aging = _csv(client, "/aging.csv?team=East&from=2024-02-20")

    assert coverage == [
        ["Day", "Scope", "Name", "Team", "Reps", "Open leads", "Due leads", "Covered leads", "Neglected leads",
         "Follow-up coverage"],
        ["2024-03-03", "company", "company", "", "3", "5", "5", "4", "1", "0.8"],
        ["2024-03-04", "company", "company", "", "3", "5", "4", "1", "3", "0.25"],
        ["2024-03-03", "team", "West", "West", "1", "1", "1", "1", "0", "1.0"],
        ["2024-03-04", "team", "West", "West", "1", "1", "0", "0", "0", ""],
        ["2024-03-03", "rep", "Cy", "West", "1", "1", "1", "1", "0", "1.0"],
        ["2024-03-04", "rep", "Cy", "West", "1", "1", "0", "0", "0", ""],
    ]
    assert aging == [["Rep", "Team", "Aging bucket", "Open leads"], ["Ann", "East", "0-7d", "1"],
                     ["Bob", "East", "8-14d", "1"]]


def test_an_unknown_csv_is_not_found(client):
    response = client.get("/leads.csv")

    assert response.status_code == 404
    assert "There is no /leads.csv to download." in page_text(response.text)
