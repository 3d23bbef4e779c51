"""The drift and threshold rules on constructed series with known answers."""

from datetime import date, timedelta

import pytest

from expectations.drift import BREACHED, NO_DATA, NOT_ARMED, OK, Drift, Threshold, judge, judge_drift

START = date(2024, 1, 1)  # a Monday


def series(values: list[float | None]) -> dict[date, float | None]:
    return {START + timedelta(days=i): v for i, v in enumerate(values)}


def last_day(values: list) -> date:
    return START + timedelta(days=len(values) - 1)


def wobble(n: int, centre: float = 0.7, step: float = 0.01) -> list[float]:
    """A steady series with a small regular wobble: centre -/+ step."""
    return [centre + (step if i % 2 else -step) for i in range(n)]


def test_the_score_is_the_distance_from_the_median_in_robust_standard_deviations():
    history = [1.0, 2.0, 3.0, 4.0, 5.0]  # median 3, MAD 1
    low, high, score = judge_drift(0.0, history, Drift(direction="both", sensitivity=2, min_history=5))
    assert score == pytest.approx(-3 / 1.4826)
    assert low == pytest.approx(3 - 2 * 1.4826)
    assert high == pytest.approx(3 + 2 * 1.4826)


def test_a_steady_series_stays_in_range():
    values = wobble(60)
    verdicts = [judge(series(values), START + timedelta(days=d), drift=Drift()) for d in range(28, 60)]
    assert {v.state for v in verdicts} == {OK}


def test_a_step_drop_breaches_on_its_first_day_and_a_spike_rule_ignores_it():
    values = [*wobble(40), 0.45]
    verdict = judge(series(values), last_day(values), drift=Drift())
    assert verdict.state == BREACHED
    assert verdict.score < -3.5
    assert verdict.baseline_median == pytest.approx(0.7)
    assert verdict.expected_low == pytest.approx(0.7 - 3.5 * 1.4826 * 0.01)
    assert verdict.expected_high is None
    assert judge(series(values), last_day(values), drift=Drift(direction="spike")).state == OK


def test_a_slow_decline_slips_past_drift_but_not_past_a_static_threshold():
    values = [0.75 - 0.005 * i for i in range(60)]  # half a point a day: the window keeps up with it
    days = [START + timedelta(days=d) for d in range(28, 60)]
    assert {judge(series(values), d, drift=Drift(min_spread=0.02)).state for d in days} == {OK}
    both = [judge(series(values), d, Threshold(min=0.6), Drift(min_spread=0.02)) for d in days]
    first_breach = next(v for v in both if v.state == BREACHED)
    assert first_breach.value < 0.6 <= values[first_breach.day.toordinal() - START.toordinal() - 1]


def test_min_spread_keeps_a_flat_history_from_alarming_on_a_tiny_move():
    values = [*([0.7] * 30), 0.69]
    assert judge(series(values), last_day(values), drift=Drift()).state == BREACHED
    assert judge(series(values), last_day(values), drift=Drift(min_spread=0.02)).state == OK


def test_same_weekday_compares_mondays_with_mondays():
    # Weekdays around 50 touches, weekends near 0: a normal Saturday is not a drop when only Saturdays count.
    values = [(5.0 if (START + timedelta(days=i)).weekday() >= 5 else 50.0 + (i % 3)) for i in range(62)]
    saturday = START + timedelta(days=61)
    assert saturday.weekday() == 5
    weekly = Drift(window_days=56, min_history=4, same_weekday=True, min_spread=1)
    assert judge(series(values), saturday, drift=weekly).state == OK
    assert judge(series(values), saturday, drift=Drift(window_days=28, min_history=14)).state == BREACHED
    values[-1] = 3.0
    assert judge(series(values), saturday, drift=weekly).state == OK  # within a Saturday's usual spread
    monday = START + timedelta(days=63)
    values += [5.0, 5.0]  # a Monday as quiet as a weekend day
    assert judge(series(values), monday, drift=weekly).state == BREACHED


def test_a_short_history_does_not_arm():
    values = [*wobble(10), 0.1]
    verdict = judge(series(values), last_day(values), drift=Drift(min_history=14))
    assert verdict.state == NOT_ARMED
    assert verdict.expected_low is None
    assert judge(series(values), last_day(values), Threshold(min=0.6), Drift(min_history=14)).state == BREACHED


def test_missing_days_are_left_out_of_the_baseline_and_count_against_arming():
    values: list[float | None] = wobble(40)
    for i in range(12, 39, 2):
        values[i] = None  # every other day of the window is missing: 14 values remain in 28 days
    values.append(0.45)
    assert judge(series(values), last_day(values), drift=Drift(min_history=14)).state == BREACHED
    assert judge(series(values), last_day(values), drift=Drift(min_history=15)).state == NOT_ARMED


def test_a_day_without_a_value_has_no_data():
    values = [*wobble(30), None]
    assert judge(series(values), last_day(values), Threshold(min=0.6), Drift()).state == NO_DATA


def test_a_null_value_breaches_a_threshold_it_cannot_reach_only_where_the_measure_says_so():
    values = {START: 12.0, START + timedelta(days=7): None}  # a weekly P90 whose rank fell on an untouched lead
    week = START + timedelta(days=7)
    not_reached = judge(values, week, Threshold(max=24), null_breaches=True)
    assert (not_reached.state, not_reached.value, not_reached.expected_high) == (BREACHED, None, 24)
    assert judge(values, week, Threshold(max=24)).state == NO_DATA
    assert judge(values, week + timedelta(days=7), Threshold(max=24), null_breaches=True).state == NO_DATA  # no cell
    assert judge(values, START, Threshold(max=24), null_breaches=True).state == OK


def test_a_weekly_series_drifts_against_the_weeks_of_its_window():
    weekly = {START + timedelta(days=7 * i): v for i, v in enumerate([*wobble(12), 0.45])}
    last = START + timedelta(days=7 * 12)
    rule = Drift(window_days=84, min_history=4)  # twelve weeks
    verdict = judge(weekly, last, drift=rule)
    assert verdict.state == BREACHED and verdict.baseline_median == pytest.approx(0.7)
    assert judge(weekly, last, drift=Drift(window_days=21, min_history=4)).state == NOT_ARMED  # three weeks


def test_a_spike_rule_on_a_count():
    values = [*([10.0, 12.0, 11.0, 9.0] * 8), 30.0]
    assert judge(series(values), last_day(values), drift=Drift(direction="spike", min_history=14)).state == BREACHED
    assert judge(series(values), last_day(values), drift=Drift(direction="drop", min_history=14)).state == OK


def test_a_threshold_alone_arms_at_once():
    assert judge(series([0.5]), START, Threshold(min=0.6)).state == BREACHED
    assert judge(series([0.7]), START, Threshold(min=0.6)).state == OK
    assert judge(series([40.0]), START, Threshold(max=36)).state == BREACHED


@pytest.mark.parametrize(
    "kwargs", [{"direction": "down"}, {"sensitivity": 0}, {"window_days": 0}, {"min_history": 0}, {"min_spread": -1}]
)
def test_bad_drift_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        Drift(**kwargs)
