"""The rules that judge a measure's daily value: a static threshold, and drift from the measure's own past.

Drift is a robust score of day D's value x against a baseline: the values of the trailing window, the
`window_days` days before D (only the same weekday as D, if `same_weekday`), missing days simply absent:

    m     = median(baseline)
    MAD   = median(|b - m| for b in baseline)
    s     = max(1.4826 * MAD, min_spread)        (1.4826 * MAD estimates a standard deviation)
    score = (x - m) / s

A weekly measure has one value per week, dated by its Monday, so its window holds window_days / 7 values.
It arms once the baseline holds at least `min_history` values. An armed rule is breached when
score < -sensitivity (direction drop), score > sensitivity (spike), or |score| > sensitivity (both); its
expected range is m -/+ sensitivity * s on the watched side(s). `min_spread` keeps a flat history from making any
tiny move an alarm. A threshold rule is breached below `min` or above `max`. A day is breached when any rule is.

The expected range is then clamped to what the measure can take (its Domain): a count is whole and not negative,
a share lies within 0..1, hours are not negative. A bound is rounded inwards to a whole number for a count (for
whole values, `x < 1.3` is `x < 2`), and a bound the measure cannot cross (`>= -1.69` leads) is no bound: the
verdicts stay the same, the range says what can actually happen.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

MAD_TO_SIGMA = 1.4826
DIRECTIONS = ("drop", "spike", "both")

OK, BREACHED, NOT_ARMED, NO_DATA = "ok", "breached", "not_armed", "no_data"


@dataclass(frozen=True)
class Threshold:
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Domain:
    """The values a measure can take: at least `low`, at most `high` (None: unbounded), whole numbers or not."""

    low: float | None = None
    high: float | None = None
    whole: bool = False

    def clamp(self, low: float | None, high: float | None) -> tuple[float | None, float | None]:
        """An expected range as the measure can reach it; a bound it can never cross becomes None."""
        if low is not None:
            low = float(math.ceil(round(low, 9))) if self.whole else low
            low = None if self.low is not None and low <= self.low else low
        if high is not None:
            high = float(math.floor(round(high, 9))) if self.whole else high
            high = None if self.high is not None and high >= self.high else high
        return low, high


UNBOUNDED = Domain()
DOMAINS = {
    "number": UNBOUNDED,
    "count": Domain(low=0, whole=True),
    "share": Domain(low=0, high=1),
    "hours": Domain(low=0),
}


@dataclass(frozen=True)
class Drift:
    direction: str = "drop"
    sensitivity: float = 3.5
    window_days: int = 28
    min_history: int = 14
    same_weekday: bool = False
    min_spread: float = 0.0

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"drift direction must be one of {', '.join(DIRECTIONS)}, not {self.direction!r}")
        if self.sensitivity <= 0 or self.window_days < 1 or self.min_history < 1 or self.min_spread < 0:
            raise ValueError("drift needs sensitivity > 0, window_days >= 1, min_history >= 1, min_spread >= 0")


@dataclass(frozen=True)
class Judgement:
    """One day's verdict: the value, the expected range (None for an unbounded side) and the state."""

    day: date
    value: float | None
    expected_low: float | None
    expected_high: float | None
    state: str
    score: float | None = None
    baseline_median: float | None = None


def baseline(series: Mapping[date, float | None], day: date, rule: Drift) -> list[float]:
    """The values the drift rule compares day `day` with."""
    days = (day - timedelta(days=n) for n in range(1, rule.window_days + 1))
    picked = (d for d in days if not rule.same_weekday or d.weekday() == day.weekday())
    return [series[d] for d in picked if series.get(d) is not None]


def judge_drift(value: float, history: Sequence[float], rule: Drift) -> tuple[float | None, float | None, float | None]:
    """(expected_low, expected_high, score) of one value; all None when the history is too short to arm."""
    if len(history) < rule.min_history:
        return None, None, None
    centre = median(history)
    spread = max(MAD_TO_SIGMA * median(abs(v - centre) for v in history), rule.min_spread)
    if spread == 0:  # a flat history and no min_spread: any move at all is a breach
        score = 0.0 if value == centre else (float("inf") if value > centre else float("-inf"))
    else:
        score = (value - centre) / spread
    low = centre - rule.sensitivity * spread if rule.direction in ("drop", "both") else None
    high = centre + rule.sensitivity * spread if rule.direction in ("spike", "both") else None
    return low, high, score


def judge(
    series: Mapping[date, float | None], day: date, threshold: Threshold | None = None, drift: Drift | None = None,
    domain: Domain = UNBOUNDED, null_breaches: bool = False,
) -> Judgement:
    """The verdict on `day` of a daily series under the measure's rules, its range clamped to `domain`. A day
    absent from the series has no data; a day present with a null value has none either, unless `null_breaches`
    (a threshold that cannot be reached: speed to lead whose percentile falls on a lead never touched)."""
    value = series.get(day)
    if value is None and null_breaches and day in series and threshold is not None:
        return Judgement(day, None, *domain.clamp(threshold.min, threshold.max), BREACHED)
    if value is None:
        return Judgement(day, None, None, None, NO_DATA)
    low = threshold.min if threshold else None
    high = threshold.max if threshold else None
    score = centre = None
    armed = threshold is not None and (low is not None or high is not None)
    if drift is not None:
        history = baseline(series, day, drift)
        drift_low, drift_high, score = judge_drift(value, history, drift)
        if score is not None:
            armed = True
            centre = median(history)
            low = _tighter(low, drift_low, max)
            high = _tighter(high, drift_high, min)
    if not armed:
        return Judgement(day, value, None, None, NOT_ARMED)
    low, high = domain.clamp(low, high)
    breached = (low is not None and value < low) or (high is not None and value > high)
    return Judgement(day, value, low, high, BREACHED if breached else OK, score, centre)


def judge_all(
    series: Mapping[date, float | None], days: Sequence[date], threshold: Threshold | None, drift: Drift | None,
    domain: Domain = UNBOUNDED, null_breaches: bool = False,
) -> list[Judgement]:
    return [judge(series, day, threshold, drift, domain, null_breaches) for day in days]


def _tighter(a: float | None, b: float | None, pick) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return pick(a, b)
