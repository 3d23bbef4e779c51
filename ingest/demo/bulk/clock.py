"""Vectorised clock helpers: working hours in local time, and when people answer (all times Unix seconds)."""

import numpy as np

from ingest.demo.bulk.sizes import DAY, HOUR

WORK_START, WORK_HOURS = 8, 10  # 08:00-18:00 local, Monday to Friday
# How likely a prospect picks up or replies, by local hour and ISO weekday - 1: most at 16:00, Wed/Thu.
HOUR_WEIGHT = np.full(24, 0.2)
HOUR_WEIGHT[8:18] = (0.6, 0.7, 0.8, 0.85, 0.55, 0.75, 0.85, 1.1, 2.6, 1.3)
DAY_WEIGHT = np.array([0.75, 0.9, 1.45, 1.45, 0.6, 0.1, 0.1])


def local_parts(t: np.ndarray, offset_min: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(day number, second of day, weekday 0=Monday) of `t` on a clock `offset_min` minutes from UTC."""
    day, second = np.divmod(t + offset_min * 60, DAY)
    return day, second, (day + 3) % 7  # 1970-01-01 was a Thursday


def work_time(t: np.ndarray, offset_min: np.ndarray, u: np.ndarray) -> np.ndarray:
    """`t` when it falls in local working hours, else a moment (`u` in [0, 1) picks it) of the next working
    day: reps dial and write at work, so a planned touch at night happens the next morning or so."""
    day, second, weekday = local_parts(t, offset_min)
    start, end = WORK_START * HOUR, (WORK_START + WORK_HOURS) * HOUR
    at_work = (weekday < 5) & (second >= start) & (second < end)
    later = np.where((weekday < 5) & (second < start), day, day + 1)
    later_weekday = (later + 3) % 7
    later += np.where(later_weekday == 5, 2, np.where(later_weekday == 6, 1, 0))
    moved = later * DAY + start + (u * WORK_HOURS * HOUR).astype(np.int64) - offset_min * 60
    return np.where(at_work, t, moved)


def answer_weight(t: np.ndarray, offset_min: np.ndarray) -> np.ndarray:
    _, second, weekday = local_parts(t, offset_min)
    return HOUR_WEIGHT[second // HOUR] * DAY_WEIGHT[weekday]


def arrivals(rng: np.random.Generator, count: int, start: int, end: int) -> np.ndarray:
    """`count` sorted times in (start, end]: leads arrive mostly in US business hours (13-23 UTC), on weekdays."""
    found: list[np.ndarray] = []
    total = 0
    while total < count:
        t = rng.integers(start + 1, end + 1, size=2 * count + 16)
        _, second, weekday = local_parts(t, np.zeros_like(t))
        hour = second // HOUR
        weight = np.where(weekday >= 5, 0.3, 1.0) * np.where((hour >= 13) & (hour <= 23), 1.0, 0.3)
        kept = t[rng.random(t.size) < weight]
        found.append(kept)
        total += kept.size
    return np.sort(np.concatenate(found)[:count])
