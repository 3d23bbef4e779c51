"""The dashboard's reads of the published marts, on a tiny hand-made serving file with known numbers."""

from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.dashboard import leads, marts, page
from orchestration.dashboard.filters import Filters


def _series(serving: Path) -> dict[tuple[str, str], marts.Series]:
    with marts.open_serving(serving) as con:
        return {(s.scope_type, s.scope): s for s in marts.coverage_series(con)}


def test_team_and_company_coverage_are_sums_over_reps_not_averages_of_ratios(tiny_serving):
    series = _series(tiny_serving)

    assert series[("team", "East")].days == [date(2024, 3, 3), date(2024, 3, 4)]
    assert series[("team", "East")].coverage == [0.75, 0.25]  # 1/4 on the 4th, though Ann 100% and Bob 0%
    assert series[("company", "company")].coverage == [0.8, 0.25]
    assert series[("team", "West")].coverage == [1.0, None]  # no due lead: no coverage, not 0%


def test_series_come_company_first_then_teams_then_reps_by_team_and_name(tiny_serving):
    series = list(_series(tiny_serving).values())

    assert [(s.scope_type, s.label) for s in series] == [
        ("company", "Company"), ("team", "East"), ("team", "West"),
        ("rep", "Ann (East)"), ("rep", "Bob (East)"), ("rep", "Cy (West)"),
    ]
    assert [s.scope for s in series if s.scope_type == "rep"] == ["r1", "r2", "r3"]
    assert series[4].coverage == [0.5, 0.0]


def test_aging_distribution_counts_open_leads_per_rep_in_the_natural_bucket_order(tiny_serving):
    with marts.open_serving(tiny_serving) as con:
        aging = marts.aging_distribution(con)

    assert aging.buckets == ["0-7d", "8-14d", "15-30d", "31-60d", "61-90d", "90d+"]
    assert aging.reps == ["Ann", "Bob", "Cy"]
    assert aging.counts == {
        "0-7d": [1, 0, 1], "8-14d": [0, 1, 0], "15-30d": [0, 1, 0], "31-60d": [0, 1, 0], "61-90d": [0, 0, 0],
        "90d+": [1, 0, 0],  # L6 (8-14d, Cy) is closed: not counted
    }


@pytest.mark.parametrize(
    ("edges", "labels"),
    [
        ("7,14,30,60,90", ["0-7d", "8-14d", "15-30d", "31-60d", "61-90d", "90d+"]),
        ("7, 14", ["0-7d", "8-14d", "14d+"]),
        ("", []),
    ],
)
def test_bucket_labels_name_the_buckets_as_the_lead_aging_model_does(edges, labels):
    assert marts.bucket_labels(edges) == labels


def test_buckets_the_edges_do_not_name_follow_in_order_of_their_lower_edge():
    assert sorted(["120d+", "91-120d", "x"], key=marts._lower_edge) == ["x", "91-120d", "120d+"]


def test_reps_sharing_a_name_are_told_apart_by_owner_id():
    assert marts._distinct_names({"a": "Kim", "b": "Lee", "c": "Kim"}) == ["Kim (a)", "Lee", "Kim (c)"]


def test_reps_carry_their_team_and_neglected_lead_counts(tiny_serving):
    with marts.open_serving(tiny_serving) as con:
        reps = marts.reps(con)

    assert reps == [
        marts.Rep("r1", "Ann", "East", 1), marts.Rep("r2", "Bob", "East", 3), marts.Rep("r3", "Cy", "West", 0)
    ]


@pytest.mark.parametrize(
    ("filters", "limit", "lead_ids", "total"),
    [
        (Filters(), None, ["L2", "L4", "L3", "L5"], 4),
        (Filters(rep="r2"), None, ["L4", "L3", "L5"], 3),
        (Filters(state="stale"), None, ["L2", "L4", "L5"], 3),
        (Filters(rep="r2", state="never_touched"), None, ["L3"], 1),
        (Filters(), 2, ["L2", "L4"], 4),
        (Filters(rep="r3"), None, [], 0),
        (Filters(team="East", end=date(2024, 2, 14)), None, ["L2", "L4", "L3"], 3),
        (Filters(sort="lead_name", order="desc"), None, ["L4", "L3", "L2", "L5"], 4),  # no name: last
    ],
)
def test_neglected_leads_filtered_sorted_limited_and_counted(tiny_serving, filters, limit, lead_ids, total):
    with marts.open_serving(tiny_serving) as con:
        neglected = leads.neglected_leads(con, filters, limit=limit)

    assert [row[-1] for row in neglected.table.rows] == lead_ids
    assert neglected.total == total
    assert neglected.links == [None] * len(lead_ids)


def test_teams_are_those_of_the_rollup(tiny_serving):
    with marts.open_serving(tiny_serving) as con:
        assert marts.teams(con) == ["East", "West"]


def test_a_lead_without_a_team_is_in_the_no_team_team(tiny_serving):
    with duckdb.connect(str(tiny_serving)) as con:
        con.execute("update marts.lead_aging set team = null where owner_id = 'r1'")
    with marts.open_serving(tiny_serving) as con:
        neglected = leads.neglected_leads(con, Filters(team=marts.NO_TEAM))

    assert [row[-1] for row in neglected.table.rows] == ["L2"]


def test_the_crm_link_is_the_base_url_and_the_lead_id():
    assert leads.record_url("https://acme.my.salesforce.com/", "00Q5g0000000003EAA") == (
        "https://acme.my.salesforce.com/00Q5g0000000003EAA"
    )
    assert leads.record_url(None, "00Q5g0000000003EAA") is None
    assert leads.record_url("https://acme.my.salesforce.com", "a/b?c") == "https://acme.my.salesforce.com/a%2Fb%3Fc"


def test_time_zone_aware_timestamps_read_as_utc(tiny_serving):
    with duckdb.connect(str(tiny_serving)) as con:
        con.execute("alter table marts.lead_aging alter created_at type timestamptz using created_at || '+00'")
        con.execute("update marts.lead_aging set created_at = timestamptz '2024-02-25 23:30:00-02' "
                    "where lead_id = 'L5'")  # 2024-02-26 01:30 UTC
    with marts.open_serving(tiny_serving) as con:
        from_26th = leads.neglected_leads(con, Filters(start=date(2024, 2, 26)))
        table = leads.neglected_leads(con, Filters(rep="r2", sort="lead_id", order="asc")).table

    assert [row[-1] for row in from_26th.table.rows] == ["L5"]
    assert page._cell(table.rows[-1][-2]) == "2024-02-26 01:30"
    assert table.to_csv().splitlines()[-1].endswith(",2024-02-26T01:30:00Z,L5")


def test_a_missing_serving_file_is_its_own_error(tmp_path):
    with pytest.raises(marts.ServingFileMissing), marts.open_serving(tmp_path / "serving.duckdb"):
        pass
