"""A rep's scorecard cells: this week's figure with its n, and the rep's usual over the weeks before.

The usual is a presentation of the mart's rows, the dashboard's one computation over them: the lower median (the
rank percentile METRICS.md uses) of the rep's weekly values over the weeks that have one (a rate over 0 trials
has none), with not-reached percentiles ranked last. Its n is the sum of those weeks' n.
"""

import math
import statistics
from dataclasses import dataclass

from orchestration.dashboard.scorecard_metrics import METRICS, Metric


@dataclass(frozen=True)
class Cell:
    value: float | None  # math.inf: a percentile not reached
    n: int | None  # None for a count
    reportable: bool
    usual: float | None
    usual_weeks: int  # the weeks the usual is the median of
    usual_n: int | None
    usual_reportable: bool


def cells(week: dict, before: list[dict], min_cell_n: int) -> dict[str, Cell]:
    """Each metric's cell from the rep's row of the week and their rows of the weeks before."""
    return {metric.key: _cell(metric, week, before, min_cell_n) for metric in METRICS}


def _cell(metric: Metric, week: dict, before: list[dict], min_cell_n: int) -> Cell:
    values = [(_value(metric, row), row[metric.n] if metric.n else None) for row in before]
    values = [(value, n) for value, n in values if value is not None]
    usual = statistics.median_low([value for value, _ in values]) if values else None
    if metric.n is None:
        return Cell(week[metric.key], None, True, usual, len(values), None, True)
    n, usual_n = week[metric.n] or 0, sum(n or 0 for _, n in values)
    return Cell(_value(metric, week), n, n >= min_cell_n, usual, len(values), usual_n, usual_n >= min_cell_n)


def _value(metric: Metric, row: dict) -> float | None:
    value = row[metric.key]
    if value is None and metric.not_reached and (row[metric.n] or 0) > 0:
        return math.inf
    return value
