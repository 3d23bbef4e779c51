"""The dashboard's filters: parsed from the query string, and written back into the links of a view."""

from datetime import date

import pytest
from starlette.datastructures import QueryParams

from orchestration.dashboard.filters import BadFilter, Filters, parse_filters, without


def test_filters_are_parsed_with_blanks_meaning_no_filter():
    assert parse_filters(QueryParams("team=+East+&rep=r1&state=stale&from=2024-03-01&to=2024-03-04")) == Filters(
        team="East", rep="r1", state="stale", start=date(2024, 3, 1), end=date(2024, 3, 4)
    )
    assert parse_filters(QueryParams("team=&rep=&state=&from=&to=&sort=&order=")) == Filters()


def test_the_default_order_is_oldest_first_and_another_column_sorts_ascending():
    assert (Filters().sort, Filters().order) == ("age_days", "desc")
    assert parse_filters(QueryParams("sort=company")) == Filters(sort="company", order="asc")
    assert parse_filters(QueryParams("order=asc")) == Filters(order="asc")


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("state=active", "state"), ("from=03/01/2024", "from"), ("to=2024-02-30", "to"),
     ("from=2024-03-02&to=2024-03-01", "to"), ("sort=email", "sort"), ("sort=company&order=down", "order")],
)
def test_a_value_that_cannot_be_applied_names_its_parameter(query, parameter):
    with pytest.raises(BadFilter) as refused:
        parse_filters(QueryParams(query))
    assert refused.value.parameter == parameter


@pytest.mark.parametrize(
    ("filters", "changes", "query"),
    [
        (Filters(), {}, ""),
        (Filters(team="SDR East", start=date(2024, 3, 1)), {}, "team=SDR+East&from=2024-03-01"),
        (Filters(rep="r1", state="stale"), {"rep": None}, "state=stale"),
        (Filters(sort="company", order="desc"), {}, "sort=company&order=desc"),
        (Filters(order="asc"), {}, "order=asc"),
        (Filters(team="East", sort="company", order="asc"), {"team": None}, "sort=company&order=asc"),
    ],
)
def test_a_views_query_keeps_what_differs_from_the_defaults(filters, changes, query):
    assert filters.query(**changes) == query
    assert parse_filters(QueryParams(filters.query(**changes))) == Filters(**{**filters.__dict__, **changes})


def test_sorting_by_a_header_toggles_the_order_of_the_sorted_column_and_starts_others_ascending():
    by_company = Filters(team="East", sort="company", order="asc")

    assert by_company.sorted_by("company") == "team=East&sort=company&order=desc"
    assert by_company.sorted_by("touches") == "team=East&sort=touches&order=asc"
    assert Filters().sorted_by("age_days") == "order=asc"
    assert Filters(order="asc").sorted_by("age_days") == ""


def test_the_way_back_from_a_refused_value_drops_only_that_parameter():
    assert without(QueryParams("state=x"), "state") == "."
    assert without(QueryParams("rep=a+b&state=x"), "state") == "?rep=a+b"
