"""How the pages write the marts' values for a reader (the CSV files keep the values as the marts hold them)."""

import math

NOT_SHOWN = "\N{EN DASH}"  # no value: a rate over 0 trials, a mean of nothing


def percent(value: float | None) -> str:
    return NOT_SHOWN if value is None else f"{value:.0%}"


def interval(low: float | None, high: float | None) -> str:
    """A Wilson interval in whole percentages: the low and the high bound joined by an en dash, then %."""
    if low is None or high is None:
        return NOT_SHOWN
    return f"{low * 100:.0f}\N{EN DASH}{high * 100:.0f}%"


def points(value: float | None) -> str:
    """A difference of percentages, already in points, signed, one decimal."""
    return NOT_SHOWN if value is None else f"{value:+.1f} pts"


def decimal(value: float | None) -> str:
    """A mean with one decimal; a rank median (an integer) as it is."""
    if value is None:
        return NOT_SHOWN
    return str(value) if isinstance(value, int) else f"{value:.1f}"


def hours(value: float | None) -> str:
    if value is None:
        return NOT_SHOWN
    return "not reached" if math.isinf(value) else f"{value:.1f} h"


def waiting(hours_waiting: float | None) -> str:
    """How long a lead has waited, as a rep reads it: "3 d 4 h", "5 h 20 min", "12 min"; a wait that begins
    later today (a negative one) is "later today"."""
    if hours_waiting is None:
        return ""
    if hours_waiting < 0:
        return "later today"
    minutes = math.floor(hours_waiting * 60)
    days, minutes = divmod(minutes, 24 * 60)
    whole_hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {whole_hours} h"
    if whole_hours:
        return f"{whole_hours} h {minutes} min" if minutes else f"{whole_hours} h"
    return f"{minutes} min" if minutes else "under a minute"


def label(value: object) -> str:
    """A segment or code as words: c_level is "c level", true and false are "yes" and "no"."""
    if value is None:
        return ""
    return {"true": "yes", "false": "no"}.get(str(value), str(value).replace("_", " "))


def metric_value(value: float | None, kind: str) -> str:
    """A scorecard figure in its unit: rate, hours, decimal or count."""
    if kind == "count":
        return NOT_SHOWN if value is None else str(value)
    return {"rate": percent, "hours": hours, "decimal": decimal}[kind](value)


FILTERS = {"pct": percent, "interval": interval, "pp": points, "decimal": decimal, "hours": hours,
           "waiting": waiting, "label": label,
           "metric_value": metric_value}
