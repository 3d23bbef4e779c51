"""Every lead's outbound attempts at once, as a leads x attempts matrix, cut where the prospect answers.

A rep plans up to `limit` attempts at habit-dependent gaps, each moved into working hours; the attempts stop
at the planned limit, when the rep can no longer act (period end, lead deleted, rep gone), when a
shiny-object rep loses interest, or at the first response (a connected call, or the reply to an email, which
may arrive after a few more attempts went out).
"""

from dataclasses import dataclass

import numpy as np

from ingest.demo.bulk.clock import DAY_WEIGHT, answer_weight, local_parts, work_time
from ingest.demo.bulk.people import DILIGENT, ONE_AND_DONE, SHINY, Columns
from ingest.demo.bulk.sizes import DAY, HOUR, Period

MAX_ATTEMPTS = 24
BLOCK_LEADS = 1 << 16
NEVER = np.iinfo(np.int64).max
MARGIN = 2 * HOUR  # nothing starts this close to the rep's stop, so what follows (logs, notes) fits in
CALL_BASE, REPLY_BASE = 0.07, 0.05  # per-attempt chance of an answer at an average hour, for an average lead


@dataclass(frozen=True)
class Habit:
    first_delay_hours: tuple[float, float]
    gap_days: tuple[float, float]
    limit: tuple[int, int]  # planned attempts, inclusive
    email_share: float
    next_step_share: float  # chance an attempt leaves a next-step task
    sets_working: float  # chance the rep moves the lead to "Working - Contacted" at the first touch


HABITS = {
    DILIGENT: Habit((0.1, 3.0), (1.0, 3.5), (15, 24), 0.24, 0.04, 0.25),
    SHINY: Habit((0.05, 1.0), (0.3, 1.5), (4, 7), 0.23, 0.03, 0.15),
    ONE_AND_DONE: Habit((2.0, 30.0), (2.0, 5.0), (0, 2), 0.45, 0.4, 0.05),
}


def habit_array(habit: np.ndarray, name: str, part: int | None = None) -> np.ndarray:
    """One Habit field per lead, looked up by the owner's habit."""
    values = [getattr(HABITS[h], name) for h in sorted(HABITS)]
    table = np.array(values if part is None else [v[part] for v in values])
    return table[habit]


def _limits(rng: np.random.Generator, habit: np.ndarray) -> np.ndarray:
    limit = rng.integers(habit_array(habit, "limit", 0), habit_array(habit, "limit", 1) + 1)
    one_and_done = rng.choice(3, size=habit.size, p=[0.08, 0.55, 0.37])
    return np.where(habit == ONE_AND_DONE, one_and_done, limit)


def _planned(rng: np.random.Generator, leads: Columns, habit: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Planned attempt times (leads x MAX_ATTEMPTS), in working hours, ascending per lead."""
    count = habit.size
    delay = rng.uniform(habit_array(habit, "first_delay_hours", 0), habit_array(habit, "first_delay_hours", 1))
    late = (habit == DILIGENT) & (rng.random(count) < 0.08)
    first = leads["assigned"] + (delay * HOUR + late * rng.uniform(1, 2, count) * DAY).astype(np.int64)
    low, high = habit_array(habit, "gap_days", 0), habit_array(habit, "gap_days", 1)
    gaps = rng.uniform(low[:, None], high[:, None], size=(count, MAX_ATTEMPTS - 1)) * DAY
    raw = first[:, None] + np.concatenate([np.zeros((count, 1)), np.cumsum(gaps, axis=1)], axis=1).astype(np.int64)
    return np.sort(work_time(raw, offset[:, None], rng.random(raw.shape)), axis=1)


def stops(leads: Columns, users: Columns, period: Period) -> np.ndarray:
    """When the owner can no longer act on each lead: the increment's end, the lead's deletion, or the day
    the rep left."""
    stop = np.full(leads["owner"].size, period.increment, dtype=np.int64)
    for at in (leads["deleted_at"], users["leave_at"][leads["owner"]]):
        stop = np.where(at > 0, np.minimum(stop, at), stop)
    return stop - MARGIN


def _channels(rng: np.random.Generator, leads: Columns, habit: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """True where the attempt is an email: a diligent rep's last one always is (the break-up email); after a
    bounce, a rep only calls."""
    shape = (habit.size, MAX_ATTEMPTS)
    email = rng.random(shape) < habit_array(habit, "email_share")[:, None]
    email |= (habit == DILIGENT)[:, None] & (np.arange(MAX_ATTEMPTS) == limit[:, None] - 1)
    earlier = np.cumsum(email, axis=1) - email
    return email & ~(leads["bad_address"][:, None] & (earlier > 0))


def _answers(rng: np.random.Generator, leads: Columns, t: np.ndarray, email: np.ndarray, rep_offset: np.ndarray):
    """(answered, answer time) per attempt: a call is answered as it happens, an email by a reply some
    hours later in the prospect's working day; prospects answer most at 16:00 local and mid-week."""
    lead_offset = leads["offset_min"][:, None]
    _, _, weekday = local_parts(t, rep_offset[:, None])
    chance = np.where(email, REPLY_BASE * DAY_WEIGHT[weekday], CALL_BASE * answer_weight(t, lead_offset))
    chance *= leads["reach"][:, None] * ~(email & leads["bad_address"][:, None])
    answered = rng.random(t.shape) < chance
    lag = (np.minimum(0.3 + rng.exponential(9.0, t.shape), 96.0) * HOUR).astype(np.int64)
    replied_at = work_time(t + lag, lead_offset, rng.random(t.shape))
    return answered, np.where(email, replied_at, t)


def plan_attempts(rng: np.random.Generator, leads: Columns, users: Columns, period: Period) -> tuple[Columns, Columns]:
    """(attempts, per-lead outcome): one row per attempt made, and per lead its first response. Leads go in
    blocks of BLOCK_LEADS (each with its own random stream), so the matrices stay small at any size."""
    starts = range(0, leads["owner"].size, BLOCK_LEADS)
    parts = [
        _plan_block(child, {name: column[lo : lo + BLOCK_LEADS] for name, column in leads.items()}, users, period, lo)
        for lo, child in zip(starts, rng.spawn(len(starts)), strict=True)
    ]
    attempts = {name: np.concatenate([a[name] for a, _ in parts]) for name in parts[0][0]}
    outcome = {name: np.concatenate([o[name] for _, o in parts]) for name in parts[0][1]}
    return attempts, outcome


def _plan_block(rng: np.random.Generator, leads: Columns, users: Columns, period: Period,
                first_lead: int) -> tuple[Columns, Columns]:  # fmt: skip
    """plan_attempts for one block of leads; `first_lead` is the block's first lead number."""
    owner = leads["owner"]
    habit, rep_offset = users["habit"][owner], users["offset_min"][owner]
    limit = _limits(rng, habit)
    t = _planned(rng, leads, habit, rep_offset)
    stop = stops(leads, users, period)
    k = np.arange(MAX_ATTEMPTS)
    made = (k < limit[:, None]) & (t < stop[:, None])
    keen = (t - leads["created"][:, None]) < users["cutoff_days"][owner][:, None] * DAY
    made &= (habit != SHINY)[:, None] | keen
    email = _channels(rng, leads, habit, limit)
    answered, answer_at = _answers(rng, leads, t, email, rep_offset)
    candidate = np.where(made & answered, answer_at, NEVER)
    first = candidate.argmin(axis=1)
    responded_at = candidate[np.arange(habit.size), first]
    responded_at[responded_at > stop] = NEVER
    made &= t <= responded_at[:, None]
    lead, number = np.nonzero(made)
    attempts = {
        "lead": lead + first_lead,
        "number": number + 1,
        "at": t[lead, number],
        "email": email[lead, number],
        "answered": (number == first[lead]) & (responded_at[lead] < NEVER),
        "breakup": (habit[lead] == DILIGENT) & (number == limit[lead] - 1),
        # the next planned attempt: a next step is due then, and done then if it happened
        "next_at": np.where(number + 1 < MAX_ATTEMPTS, t[lead, np.minimum(number + 1, MAX_ATTEMPTS - 1)], 0),
        "next_made": made[lead, np.minimum(number + 1, MAX_ATTEMPTS - 1)] & (number + 1 < MAX_ATTEMPTS),
    }
    count = made.sum(axis=1)
    rows = np.arange(habit.size)
    outcome = {
        "attempts": count,
        "limit": limit,
        "responded_at": responded_at,
        "first_at": np.where(count > 0, t[:, 0], 0),
        "last_at": np.where(count > 0, t[rows, np.maximum(count - 1, 0)], 0),
        "stop": stop,
    }
    return attempts, outcome
