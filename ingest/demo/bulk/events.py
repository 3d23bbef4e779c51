"""SendGrid Event Webhook events for the outbound messages, and the POSTs that deliver them.

Each recipient of an outbound message gets processed, then delivered (after a deferral now and then),
bounced (a bad address) or dropped; some opens and clicks follow. The webhook POSTs events seconds after
they happen, some hours or days late (retries), and at least once: about 1% of events come again later.
"""

import numpy as np

from ingest.demo.bulk.mail import OUTBOUND
from ingest.demo.bulk.people import Columns
from ingest.demo.bulk.sizes import DAY, HOUR, Period

EVENT_TYPES = ("processed", "deferred", "delivered", "bounce", "dropped", "open", "click")
PROCESSED, DEFERRED, DELIVERED, BOUNCE, DROPPED, OPEN, CLICK = range(len(EVENT_TYPES))
LATE_SHARE, REDELIVERED_SHARE = 0.02, 0.01
MIN_LATE_IN_INCREMENT = 3  # the increment always holds a few late and a few re-delivered events
POST_EVENTS = 1_000  # at most this many events per POST (file)


def recipients(messages: Columns) -> Columns:
    """(message, lead or -1, user or -1) for every To and Cc address of an outbound message."""
    out = np.flatnonzero(messages["kind"] == OUTBOUND)
    cc_lead = out[messages["cc_lead"][out] >= 0]
    cc_user = out[messages["cc_user"][out] >= 0]
    message = np.concatenate([out, cc_lead, cc_user])
    lead = np.concatenate([messages["lead"][out], messages["cc_lead"][cc_lead], np.full(cc_user.size, -1)])
    user = np.concatenate([np.full(out.size + cc_lead.size, -1), messages["cc_user"][cc_user]])
    order = np.lexsort((user, lead, message))
    return {"message": message[order], "lead": lead[order], "user": user[order]}


def _timelines(rng: np.random.Generator, sent: np.ndarray, bad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(event type, time) per recipient x slot, -1 type where the slot holds no event."""
    count = sent.size
    dropped = ~bad & (rng.random(count) < 0.005)
    deferred = ~bad & ~dropped & (rng.random(count) < 0.03)
    delay = np.where(deferred, rng.integers(300, 3600, count), 0)
    outcome_at = sent + np.where(bad, rng.integers(2, 41, count), delay + rng.integers(2, 31, count))
    outcome = np.select([bad, dropped], [BOUNCE, DROPPED], DELIVERED)
    delivered = outcome == DELIVERED
    opened = delivered & (rng.random(count) < 0.45)
    first_open = outcome_at + rng.integers(60, DAY, count)
    types = np.stack([
        np.full(count, PROCESSED), np.where(deferred, DEFERRED, -1), outcome, np.where(opened, OPEN, -1),
        np.where(opened & (rng.random(count) < 0.3), OPEN, -1),
        np.where(opened & (rng.random(count) < 0.12), CLICK, -1),
    ], axis=1)  # fmt: skip
    times = np.stack([
        sent + rng.integers(0, 3, count), sent + rng.integers(3, 31, count), outcome_at, first_open,
        first_open + rng.integers(60, DAY, count), first_open + rng.integers(5, 600, count),
    ], axis=1)  # fmt: skip
    return types, times


def events(rng: np.random.Generator, messages: Columns, leads: Columns, period: Period) -> Columns:
    """Every event that happened by the increment's end, numbered in (recipient, time) order."""
    people = recipients(messages)
    sent = messages["at"][people["message"]]
    bad = (people["lead"] >= 0) & leads["bad_address"][np.maximum(people["lead"], 0)]
    types, times = _timelines(rng, sent, bad)
    happened = (types >= 0) & (times <= period.increment)
    row, slot = np.nonzero(happened)
    return {
        "recipient": row,
        "message": people["message"][row],
        "lead": people["lead"][row],
        "user": people["user"][row],
        "type": types[row, slot],
        "at": times[row, slot],
        "pick": rng.integers(0, 1 << 30, row.size),  # user agent, IP, link: the SQL picks by it
    }


def _into_increment(rng: np.random.Generator, at: np.ndarray, delivered: np.ndarray, chosen: np.ndarray,
                    pool: np.ndarray, period: Period) -> None:  # fmt: skip
    """Make at least MIN_LATE_IN_INCREMENT of the `chosen` deliveries of events from the three days before the
    base as-of arrive on the increment day, choosing more from `pool` when too few do."""
    window = (at > period.base - 3 * DAY) & (at <= period.base)
    arrives = (delivered > period.base) & (delivered <= period.increment)
    missing = MIN_LATE_IN_INCREMENT - int((chosen & window & arrives).sum())
    candidates = np.flatnonzero(pool & window & ~(chosen & arrives))
    if missing > 0 and candidates.size:
        moved = rng.choice(candidates, size=min(missing, candidates.size), replace=False)
        delivered[moved] = rng.integers(period.base + 1, period.increment + 1, size=moved.size)
        chosen[moved] = True


def deliveries(rng: np.random.Generator, events_: Columns, period: Period) -> Columns:
    """(event, delivered_at, again): each event's POST seconds later, ~2% hours or days late, ~1% once more
    (SendGrid retries for up to three days).
    Deliveries after the increment's end have not happened yet and are left out."""
    at = events_["at"]
    late = rng.random(at.size) < LATE_SHARE
    first = at + np.where(late, rng.integers(HOUR, 3 * DAY, at.size), rng.integers(5, 120, at.size))
    _into_increment(rng, at, first, late, np.ones(at.size, dtype=bool), period)
    redelivered = rng.random(at.size) < REDELIVERED_SHARE
    second = first + rng.integers(DAY, 3 * DAY, at.size)  # a day or more later: always a later file
    _into_increment(rng, at, second, redelivered, first <= period.base, period)
    event = np.concatenate([np.arange(at.size), np.flatnonzero(redelivered)])
    delivered_at = np.concatenate([first, second[redelivered]])
    again = np.repeat([False, True], [at.size, int(redelivered.sum())])
    kept = delivered_at <= period.increment
    return {"event": event[kept], "delivered_at": delivered_at[kept], "again": again[kept]}


def bucket_hours(events_per_day: float) -> int:
    """How many hours of POSTs one file holds: about 500 events a file, from one hour to one day."""
    for hours in (1, 2, 3, 4, 6, 8, 12):
        if events_per_day * hours / 24 >= 500:
            return hours
    return 24


def posts(deliveries_: Columns, period: Period, days: int) -> Columns:
    """Assign deliveries to files: per part (base, increment), per time bucket, POST_EVENTS at most; adds
    `file` (file number, in name order) and `part` (0 base, 1 increment) to the deliveries."""
    delivered = deliveries_["delivered_at"]
    part = (delivered > period.base).astype(np.int64)
    bucket = delivered // (bucket_hours(delivered.size / days) * HOUR)
    order = np.lexsort((deliveries_["event"], delivered, bucket, part))
    for name in deliveries_:
        deliveries_[name] = deliveries_[name][order]
    part, bucket = part[order], bucket[order]
    new_bucket = np.r_[True, (bucket[1:] != bucket[:-1]) | (part[1:] != part[:-1])]
    bucket_start = np.maximum.accumulate(np.where(new_bucket, np.arange(part.size), 0))
    chunk = (np.arange(part.size) - bucket_start) // POST_EVENTS
    new_file = new_bucket | np.r_[True, chunk[1:] != chunk[:-1]]
    deliveries_["file"] = np.cumsum(new_file) - 1
    deliveries_["part"] = part
    deliveries_["chunk"] = chunk
    deliveries_["lines"] = (bucket % 10) == 3  # this receiver wrote some hours as JSON lines
    return deliveries_
