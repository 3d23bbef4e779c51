"""How the pages write waits, rates, intervals and codes for a reader."""

import math

import pytest

from orchestration.dashboard import formats


@pytest.mark.parametrize(
    ("hours", "shown"),
    [
        (76.0, "3 d 4 h"), (24.0, "1 d 0 h"), (23.999, "23 h 59 min"), (5.0, "5 h"), (5.5, "5 h 30 min"),
        (0.75, "45 min"), (0.01, "under a minute"), (0.0, "under a minute"), (-0.01, "later today"),
        (-23.5, "later today"), (None, ""),
    ],
)
def test_a_wait_reads_in_days_hours_and_minutes_and_a_negative_one_as_later_today(hours, shown):
    assert formats.waiting(hours) == shown


def test_rates_intervals_and_points_read_as_percentages_and_a_missing_value_as_a_dash():
    assert formats.percent(0.386) == "39%" and formats.percent(None) == "\N{EN DASH}"
    assert formats.interval(0.332, 0.4434) == "33\N{EN DASH}44%"
    assert formats.interval(None, None) == "\N{EN DASH}"
    assert formats.points(-15.0) == "-15.0 pts" and formats.points(0.04) == "+0.0 pts"


def test_hours_say_when_a_percentile_was_not_reached():
    assert formats.hours(5.25) == "5.2 h"
    assert formats.hours(math.inf) == "not reached"
    assert formats.metric_value(math.inf, "hours") == "not reached"
    assert formats.metric_value(3, "count") == "3" and formats.metric_value(0.5, "rate") == "50%"
    assert formats.metric_value(2.25, "decimal") == "2.2" and formats.metric_value(3, "decimal") == "3"  # a rank median


def test_codes_read_as_words():
    assert formats.label("c_level") == "c level"
    assert formats.label("true") == "yes" and formats.label("false") == "no"
    assert formats.label("1-10") == "1-10"
