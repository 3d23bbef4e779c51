"""The segments page over HTTP on 127.0.0.1, on the tiny serving file with hand-made segment rows
(analytics_files.SEGMENTS): the all row as reference, the signal, greyed unreportable rows, filters, sort, CSV."""

import csv
import io

import duckdb
import pytest

from tests.orchestration.dashboard.analytics_files import wilson
from tests.orchestration.dashboard.html_tables import read_table
from tests.orchestration.dashboard.serving_files import dashboard_client, page_text, read_page


@pytest.fixture
def http(analytics_serving):
    with dashboard_client(analytics_serving) as client:
        yield client


def _segments(http, query: str = "") -> list[str]:
    response = http.get(f"/segments{query}")
    assert response.status_code == 200
    return [row.attributes["data-segment"] for row in read_table(response.text, "segments").rows]


def test_the_all_row_comes_first_then_each_dimension_reportable_segments_first_by_neglect_rate(http):
    html = http.get("/segments").text
    table = read_table(html, "segments")

    assert [row.attributes["data-segment"] for row in table.rows] == [
        "all", "Retail", "Finance", "Media", "US", "unmapped", "c_level", "true",
    ]
    reference, retail, finance, media, us, unmapped, c_level, decision_maker = table.rows
    assert reference.attributes["class"] == "reference"
    assert reference.cells[:6] == ["All leads", "", "200", "60", "30% n 200", "24\N{EN DASH}37%"]
    assert retail.cells[:9] == ["Industry", "Retail", "80", "40", "50% n 80", "39\N{EN DASH}61%", "+20.0 pts", "over",
                                "67% of 60"]
    assert finance.cells[6:8] == ["-15.0 pts", "under"]
    assert c_level.cells[:2] == ["Seniority", "c level"] and decision_maker.cells[:2] == ["Decision maker", "yes"]
    assert [row.greyed for row in table.rows] == [False, False, False, True, False, True, False, False]
    assert media.cells[4:8] == ["80% n 10", "49\N{EN DASH}94%", "+50.0 pts", "inconclusive"]
    assert unmapped.cells[4] == "\N{EN DASH} n 0" and us.cells[7] == "inconclusive"
    assert retail.cells[10:12] == ["33% n 120", "50% n 40"]  # disposition over leads, conversion over dispositioned
    # In a reportable row, a rate or mean over fewer than min_cell_n leads is greyed on its own.
    assert c_level.cells[10:14] == ["38% n 40", "50% n 15", "3.5 n 15", "1.2 n 8"]
    assert ["unreportable" in classes for classes in c_level.classes[10:14]] == [False, True, True, True]
    assert not any("unreportable" in classes for classes in retail.classes)
    assert "fewer than 20 open leads" in page_text(html)  # min_cell_n as the marts were built with


def test_the_chart_draws_each_rate_with_its_interval_coloured_by_signal_beside_all_leads(http):
    figure = read_page(http.get("/segments").text).figures["chart-segments"]

    kinds = {trace["meta"][0]: trace for trace in figure["data"]}
    assert set(kinds) == {"over", "under", "inconclusive", "unreportable"}
    assert kinds["over"]["y"] == ["Industry · Retail"] and kinds["over"]["x"] == [0.5]
    low, high = wilson(40, 80)
    assert kinds["over"]["error_x"]["arrayminus"] == [pytest.approx(0.5 - low)]
    assert kinds["over"]["error_x"]["array"] == [pytest.approx(high - 0.5)]
    assert kinds["unreportable"]["y"] == ["Industry · Media"]  # unmapped has no open lead: no rate to draw
    [line] = figure["layout"]["shapes"]
    assert line["x0"] == line["x1"] == pytest.approx(0.3)
    assert figure["layout"]["yaxis"]["categoryarray"][:3] == ["Industry · Retail", "Industry · Finance",
                                                               "Industry · Media"]


@pytest.mark.parametrize(
    ("query", "segments"),
    [
        ("?dimension=industry", ["all", "Retail", "Finance", "Media"]),
        ("?signal=over", ["all", "Retail"]),
        ("?dimension=country&signal=inconclusive", ["all", "US", "unmapped"]),
        # A rate ranks the reportable segments only: the greyed ones follow, either way.
        ("?sort=neglect_rate&order=desc", ["all", "Retail", "c_level", "US", "true", "Finance", "Media", "unmapped"]),
        ("?sort=neglect_rate&order=asc", ["all", "Finance", "true", "US", "c_level", "Retail", "Media", "unmapped"]),
        ("?sort=open_leads&order=desc", ["all", "US", "Retail", "Finance", "true", "c_level", "Media", "unmapped"]),
        ("?sort=segment&order=asc&dimension=industry", ["all", "Finance", "Media", "Retail"]),
    ],
)
def test_filters_and_sorts_apply_on_the_server_and_keep_the_all_row_on_top(http, query, segments):
    assert _segments(http, query) == segments


def test_headers_link_to_their_sort_keeping_the_filters(http):
    html = http.get("/segments?dimension=industry&sort=neglect_rate&order=desc").text

    assert ('<th aria-sort="descending" data-key="neglect_rate" title="neglected over open leads; n: open leads">'
            '<a href="?dimension=industry&amp;sort=neglect_rate&amp;order=asc#segments-table">Neglect rate ▼</a>'
            ) in html
    assert 'href="segments.csv?dimension=industry&amp;sort=neglect_rate&amp;order=desc"' in html
    assert '<option value="industry" selected>Industry</option>' in html


def test_the_csv_holds_the_marts_values_for_the_view_the_all_row_first(http):
    response = http.get("/segments.csv?dimension=industry&sort=neglect_rate&order=desc")
    rows = list(csv.reader(io.StringIO(response.text)))

    assert response.headers["content-disposition"] == 'attachment; filename="segments.csv"'
    assert rows[0][:10] == ["Dimension", "Segment", "Open leads", "Neglected leads", "Neglect rate",
                            "Neglect rate, 95% low", "Neglect rate, 95% high", "Vs all leads (points)", "Signal",
                            "Reportable"]
    assert [row[:2] for row in rows[1:]] == [["all", "all"], ["industry", "Retail"], ["industry", "Finance"],
                                             ["industry", "Media"]]
    low, high = wilson(40, 80)
    assert rows[2][2:10] == ["80", "40", "0.5", str(low), str(high), "20.0", "over", "True"]
    assert rows[4][8:10] == ["inconclusive", "False"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?dimension=team", '"team" is not a dimension to choose: choose one of industry, employee_band,'),
        ("?signal=high", '"high" is not a signal to choose: choose one of over, under, inconclusive.'),
        ("?sort=email", '"email" is not a column of the segments: choose one of dimension, segment,'),
        ("?sort=leads&order=up", '"up" is not a sort order: choose asc or desc.'),
    ],
)
def test_a_filter_or_sort_it_cannot_apply_is_refused_saying_why(http, query, message):
    for path in ("/segments", "/segments.csv"):
        response = http.get(f"{path}{query}")
        assert response.status_code == 400
        assert message in page_text(response.text)


def test_a_serving_file_without_the_mart_says_so(tiny_serving):
    with dashboard_client(tiny_serving) as http:
        page, export = http.get("/segments"), http.get("/segments.csv")

    assert page.status_code == 200
    assert "This serving file holds no marts.lead_segment_profile" in page_text(page.text)
    assert export.status_code == 404 and "holds no marts.lead_segment_profile" in page_text(export.text)


def test_a_segment_profile_without_rows_shows_an_empty_table(analytics_serving):
    with duckdb.connect(str(analytics_serving)) as con:
        con.execute("delete from marts.lead_segment_profile")
    with dashboard_client(analytics_serving) as http:
        response = http.get("/segments")

    assert response.status_code == 200
    assert "0 segments" in page_text(response.text)
    assert read_table(response.text, "segments").rows == []
