"""What follows the attempts: the rep's answer to a response, status changes (LeadHistory), next steps."""

import numpy as np

from ingest.demo.bulk.attempts import NEVER, habit_array
from ingest.demo.bulk.clock import work_time
from ingest.demo.bulk.people import DILIGENT, Columns
from ingest.demo.bulk.sizes import DAY, HOUR

OPEN_NEW, WORKING, CONVERTED, NOT_CONVERTED, NURTURE = range(5)
STATUSES = ("Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted", "Nurture")
STATUS_FIELD, OWNER_FIELD = 0, 1


def answer_responses(rng: np.random.Generator, leads: Columns, users: Columns, outcome: Columns) -> Columns:
    """Most reps answer a response within hours (an email, or a call when the address bounces); those extra
    attempts, numbered after the lead's last."""
    lead = np.flatnonzero(outcome["responded_at"] < NEVER)
    offset = users["offset_min"][leads["owner"][lead]]
    delay = (rng.uniform(0.3, 5.0, lead.size) * HOUR).astype(np.int64)
    at = work_time(outcome["responded_at"][lead] + delay, offset, rng.random(lead.size))
    keep = (rng.random(lead.size) < 0.75) & (at < outcome["stop"][lead])
    lead, at = lead[keep], at[keep]
    outcome["answered_at"] = np.zeros(leads["owner"].size, dtype=np.int64)
    outcome["answered_at"][lead] = at
    return {
        "lead": lead,
        "number": outcome["attempts"][lead] + 1,
        "at": at,
        "email": ~leads["bad_address"][lead],
        "answered": np.zeros(lead.size, dtype=bool),
        "breakup": np.zeros(lead.size, dtype=bool),
        "next_at": np.zeros(lead.size, dtype=np.int64),
        "next_made": np.zeros(lead.size, dtype=bool),
        "after": np.ones(lead.size, dtype=bool),
    }


def _closings(rng: np.random.Generator, leads: Columns, users: Columns, outcome: Columns):
    """(lead, time, new status) of every closing: a decision some days after a response; a diligent rep's
    worked-out lead closed within the week; and now and then an abandoned lead closed in a clean-up."""
    count = leads["owner"].size
    offset = users["offset_min"][leads["owner"]]
    responded = outcome["responded_at"] < NEVER
    since = np.where(responded, np.maximum(outcome["responded_at"], outcome["answered_at"]), outcome["last_at"])
    since = np.where(since > 0, since, leads["assigned"])
    worked_out = (outcome["attempts"] == outcome["limit"]) & (outcome["limit"] >= 8)
    worked_out &= users["habit"][leads["owner"]] == DILIGENT
    wait = np.select([responded, worked_out], [rng.uniform(1, 9, count), rng.uniform(2, 7, count)],
                     rng.uniform(10, 30, count))  # fmt: skip
    chance = np.select([responded, worked_out], [0.8, 0.5], 0.06)
    at = work_time(since + (wait * DAY).astype(np.int64), offset, rng.random(count))
    decided = rng.choice([CONVERTED, NURTURE, NOT_CONVERTED], size=count, p=[0.45, 0.3, 0.25])
    status = np.where(responded, decided, NOT_CONVERTED)
    keep = (rng.random(count) < chance) & (at < outcome["stop"])
    lead = np.flatnonzero(keep)
    return lead, at[lead], status[lead]


def status_changes(rng: np.random.Generator, leads: Columns, users: Columns, outcome: Columns) -> Columns:
    """LeadHistory rows: "Working - Contacted" at the first touch (when the rep bothers), the closings, and the
    owner changes. Sets outcome["closed_at"] (0 while open)."""
    count = leads["owner"].size
    first = outcome["first_at"]
    habit = users["habit"][leads["owner"]]
    working = (first > 0) & (rng.random(count) < habit_array(habit, "sets_working"))
    working_at = first + rng.integers(60, 1800, count)
    closed, closed_at, status = _closings(rng, leads, users, outcome)
    outcome["closed_at"] = np.zeros(count, dtype=np.int64)
    outcome["closed_at"][closed] = closed_at
    old = np.where(working[closed] & (working_at[closed] < closed_at), WORKING, OPEN_NEW)
    started = np.flatnonzero(working)
    moved = np.flatnonzero(leads["owner"] != leads["first_owner"])
    return {
        "lead": np.concatenate([started, closed, moved]),
        "at": np.concatenate([working_at[started], closed_at, leads["assigned"][moved]]),
        "field": np.repeat([STATUS_FIELD, STATUS_FIELD, OWNER_FIELD], [started.size, closed.size, moved.size]),
        "old": np.concatenate([np.full(started.size, OPEN_NEW), old, leads["first_owner"][moved]]),
        "new": np.concatenate([np.full(started.size, WORKING), status, leads["owner"][moved]]),
    }


def next_steps(rng: np.random.Generator, leads: Columns, users: Columns, attempts: Columns,
               outcome: Columns) -> Columns:  # fmt: skip
    """Open-ended CRM tasks: after an attempt, a reminder due at the next planned attempt (done when it
    happens, else left open and, in time, overdue); after a response, a task done at the decision."""
    lead = attempts["lead"]
    share = habit_array(users["habit"][leads["owner"][lead]], "next_step_share")
    pick = np.flatnonzero((rng.random(lead.size) < share) & (attempts["next_at"] > 0) & ~attempts["answered"])
    answered = outcome["answered_at"][lead[pick]]
    created = attempts["at"][pick] + rng.integers(60, 600, pick.size)
    done = np.where(attempts["next_made"][pick], attempts["next_at"][pick], np.where(answered > created, answered, 0))
    after = np.flatnonzero((outcome["answered_at"] > 0) & (rng.random(outcome["answered_at"].size) < 0.5))
    after_created = outcome["answered_at"][after] + rng.integers(60, 600, after.size)
    closed = outcome["closed_at"][after]
    lead_of = np.concatenate([lead[pick], after])
    due_at = np.concatenate([attempts["next_at"][pick], after_created + rng.integers(1, 8, after.size) * DAY])
    done = np.concatenate([done, np.where(closed > after_created, closed, 0)])
    created = np.concatenate([created, after_created])
    return {
        "lead": lead_of,
        "created": created,
        "due_day": (due_at + users["offset_min"][leads["owner"][lead_of]] * 60) // DAY,
        "completed": np.where(done > 0, np.maximum(done, created + 300), 0),
        "after": np.repeat([False, True], [pick.size, after.size]),
        "in_progress": rng.random(lead_of.size) < 0.1,
        "pick": rng.random(lead_of.size),  # which subject
    }
