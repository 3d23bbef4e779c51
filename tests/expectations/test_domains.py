"""Expected ranges clamped to what a measure can take: counts whole and not negative, shares within 0..1."""

from datetime import date, timedelta

import pytest

from expectations.drift import BREACHED, DOMAINS, OK, Drift, Threshold, judge
from expectations.measures import load_measures
from orchestration.alerting.notification import expected_text

START = date(2024, 1, 1)
BOTH = Drift(direction="both", sensitivity=3.5, window_days=28, min_history=7)


def series(values: list[float]) -> dict[date, float]:
    return {START + timedelta(days=i): v for i, v in enumerate(values)}


def test_a_count_range_is_whole_and_never_below_zero():
    values = [1, 3, 2, 4, 1, 3, 2, 4, 1, 3, 2, 4, 1, 3]  # median 2.5, MAD 1: 2.5 -/+ 5.19 unclamped
    last = START + timedelta(days=len(values))
    raw = judge(series([*values, 2]), last, drift=BOTH)
    assert raw.expected_low == pytest.approx(-2.69, abs=0.01) and raw.expected_high == pytest.approx(7.69, abs=0.01)
    clamped = judge(series([*values, 2]), last, drift=BOTH, domain=DOMAINS["count"])
    assert (clamped.expected_low, clamped.expected_high) == (None, 7.0)
    assert expected_text("new_leads", clamped.expected_low, clamped.expected_high) == "<= 7"
    assert judge(series([*values, 8]), last, drift=BOTH, domain=DOMAINS["count"]).state == BREACHED
    assert judge(series([*values, 7]), last, drift=BOTH, domain=DOMAINS["count"]).state == OK


def test_a_count_low_bound_rounds_up_to_the_fewest_whole_units_in_range():
    values = [10.0] * 14
    last = START + timedelta(days=14)
    rule = Drift(direction="drop", sensitivity=1, min_history=7, min_spread=1.3)  # 10 - 1.3 = 8.7
    judged = judge(series([*values, 9]), last, drift=rule, domain=DOMAINS["count"])
    assert judged.expected_low == 9.0 and judged.state == OK
    assert judge(series([*values, 8]), last, drift=rule, domain=DOMAINS["count"]).state == BREACHED


def test_a_share_range_stays_within_0_and_1():
    values = [0.5, 0.9] * 7  # median 0.7, MAD 0.2: 0.7 -/+ 1.04
    last = START + timedelta(days=len(values))
    judged = judge(series([*values, 0.7]), last, Threshold(min=0.6), BOTH, DOMAINS["share"])
    assert (judged.expected_low, judged.expected_high) == (0.6, None)


def test_every_shipped_measure_declares_what_its_values_can_be():
    units = {m.key: m.unit for m in load_measures()}
    assert units["new_leads:company"] == units["outbound_touches:company"] == "count"
    assert units["follow_up_coverage:rep"] == units["rejected_row_share:company"] == "share"
    assert units["data_freshness_hours:company"] == "hours"
