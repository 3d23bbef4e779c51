"""Time helpers: working hours in a rep's local time, when prospects answer, and the export formats."""

import random
from datetime import UTC, date, datetime, time, timedelta, timezone

WORK_START, WORK_END = 8, 18
# Reps who keep the first-touch SLA work the new leads first thing in the morning, and pick them up at weekends
# too, in a short shift (local hours).
MORNING_QUEUE = (WORK_START, WORK_START + 2)
WEEKEND_SHIFT = (10, 14)
# Prospects answer most between 16:00 and 17:00 local time and on Wednesdays and Thursdays.
HOUR_WEIGHTS = {8: 0.6, 9: 0.7, 10: 0.8, 11: 0.85, 12: 0.55, 13: 0.75, 14: 0.85, 15: 1.1, 16: 2.6, 17: 1.3}
DAY_WEIGHTS = (0.75, 0.9, 1.45, 1.45, 0.6, 0.0, 0.0)


def zone(offset_min: int) -> timezone:
    return timezone(timedelta(minutes=offset_min))


def local(at: datetime, offset_min: int) -> datetime:
    return at.astimezone(zone(offset_min))


def is_work_time(at: datetime, offset_min: int) -> bool:
    here = local(at, offset_min)
    return here.weekday() < 5 and WORK_START <= here.hour < WORK_END


def next_work_time(at: datetime, offset_min: int, rng: random.Random) -> datetime:
    """`at` if the rep is at work then, else a moment during their next working day."""
    if is_work_time(at, offset_min):
        return at
    here = local(at, offset_min)
    day = here.date() if here.hour < WORK_START else here.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    morning = datetime.combine(day, time(WORK_START), tzinfo=here.tzinfo)
    return (morning + timedelta(seconds=rng.randrange((WORK_END - WORK_START) * 3600))).astimezone(UTC)


def next_pickup_time(at: datetime, offset_min: int, rng: random.Random) -> datetime:
    """When a rep who keeps the first-touch SLA first sees a lead that arrived at `at`: at once during work, else
    in the next weekend shift or morning queue, whichever comes first."""
    if is_work_time(at, offset_min):
        return at
    here = local(at, offset_min)
    for n in range(4):
        day = here.date() + timedelta(days=n)
        start, end = WEEKEND_SHIFT if day.weekday() >= 5 else MORNING_QUEUE
        opens = datetime.combine(day, time(start), tzinfo=here.tzinfo)
        closes = datetime.combine(day, time(end), tzinfo=here.tzinfo)
        if closes > here:
            begin = max(here, opens)
            return (begin + timedelta(seconds=rng.randrange(int((closes - begin).total_seconds())))).astimezone(UTC)
    raise AssertionError("a weekend shift or a working morning comes within four days")


def after_work_days(at: datetime, count: float, offset_min: int, rng: random.Random) -> datetime:
    """About `count` working days after `at` (weekends do not count), at a time the rep is at work."""
    here = local(at, offset_min)
    whole = int(count)
    while whole:
        here += timedelta(days=1)
        whole -= here.weekday() < 5
    here += days(count - int(count))
    return next_work_time(here.astimezone(UTC), offset_min, rng)


def answer_weight(at: datetime, offset_min: int) -> float:
    """How likely a prospect is to pick up or reply at this local time, relative to an average hour."""
    here = local(at, offset_min)
    return HOUR_WEIGHTS.get(here.hour, 0.2) * DAY_WEIGHTS[here.weekday()]


def reply_time(sent: datetime, offset_min: int, rng: random.Random) -> datetime:
    """When a reply to a message sent at `sent` arrives: an hour slot in the next three days, weighted."""
    here = local(sent, offset_min)
    slots, weights = [], []
    for day_offset in range(4):
        day = here.date() + timedelta(days=day_offset)
        for hour in HOUR_WEIGHTS:
            slot = datetime.combine(day, time(hour), tzinfo=here.tzinfo)
            if slot > here:
                slots.append(slot)
                weights.append(answer_weight(slot, offset_min) / (1 + day_offset))
    chosen = rng.choices(slots, weights)[0]
    return (chosen + timedelta(seconds=rng.randint(0, 3599))).astimezone(UTC)


def days(count: float) -> timedelta:
    return timedelta(seconds=round(count * 86400))


def hours(count: float) -> timedelta:
    return timedelta(seconds=round(count * 3600))


def sf_datetime(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def sf_date(day: date | None) -> str:
    return day.isoformat() if day else ""
