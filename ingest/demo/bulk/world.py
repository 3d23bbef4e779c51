"""The whole simulated world, built with numpy: nothing in it happens after the increment's end."""

import zlib
from dataclasses import dataclass

import numpy as np

from ingest.demo.bulk import attempts as attempts_
from ingest.demo.bulk import events, mail, outcomes, people, touches
from ingest.demo.bulk.people import Columns
from ingest.demo.bulk.sizes import DAY, HOUR, Period, Size

BAD_TASKS_PER_ROW = 1 / 20_000  # call tasks whose CompletedDateTime an integration wrote in US format
RANDOM_TASK_DELETES = 0.001


@dataclass(frozen=True)
class World:
    seed: int
    size: Size
    period: Period
    users: Columns
    leads: Columns
    changes: Columns
    tasks: Columns
    messages: Columns
    copies: Columns
    events: Columns
    deliveries: Columns


def _stream(seed: int, name: str) -> np.random.Generator:
    """One random stream per step, so changing one step leaves the others' draws alone."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def _concat(a: Columns, b: Columns) -> Columns:
    return {name: np.concatenate([a[name], b[name]]) for name in a}


def _bad_rows(rng: np.random.Generator, tasks: Columns, leads: Columns, period: Period) -> np.ndarray:
    """0, or the part (1 base, 2 increment) whose export writes this call task with a broken timestamp."""
    bad = np.zeros(tasks["kind"].size, dtype=np.int64)
    plain = (tasks["kind"] == touches.CALL) & (tasks["deleted_at"] == 0) & (leads["deleted_at"][tasks["lead"]] == 0)
    for part, start, end, least in ((1, 0, period.base, 2), (2, period.base, period.increment, 1)):
        created = (tasks["created"] > start) & (tasks["created"] <= end)
        pool = np.flatnonzero(plain & created)
        count = min(pool.size, max(least, round(int(created.sum()) * BAD_TASKS_PER_ROW)))
        bad[rng.choice(pool, size=count, replace=False)] = part
    return bad


def _finish_tasks(rng: np.random.Generator, tasks: Columns, leads: Columns, period: Period) -> Columns:
    """Tasks that exist by the increment's end, in Id order (creation), with deletions and planted bad rows.
    Deleting a lead deletes its tasks; a few tasks are deleted on their own (a call logged twice)."""
    kept = np.flatnonzero(tasks["created"] <= period.increment)
    order = kept[np.lexsort((tasks["kind"][kept], tasks["lead"][kept], tasks["created"][kept]))]
    for name in tasks:  # in place, a column at a time: at L the task table is the biggest thing held
        tasks[name] = tasks[name][order]
    lead_deleted = leads["deleted_at"][tasks["lead"]]
    own = tasks["created"] + rng.integers(HOUR, 3 * DAY, order.size)
    own_deleted = (rng.random(order.size) < RANDOM_TASK_DELETES) & (own <= period.increment)
    tasks["deleted_at"] = np.where(lead_deleted > 0, lead_deleted, np.where(own_deleted, own, 0))
    tasks["bad"] = _bad_rows(rng, tasks, leads, period)
    tasks["no"] = np.arange(1, order.size + 1)
    return tasks


def _numbered_changes(changes: Columns, period: Period) -> Columns:
    """LeadHistory rows up to the increment's end, in Id order: by time, then lead."""
    kept = np.flatnonzero(changes["at"] <= period.increment)
    order = kept[np.lexsort((changes["field"][kept], changes["lead"][kept], changes["at"][kept]))]
    numbered = {name: column[order] for name, column in changes.items()}
    numbered["no"] = np.arange(1, order.size + 1)
    return numbered


def _activity(seed: int, leads: Columns, users: Columns, period: Period) -> tuple[Columns, Columns, Columns]:
    """(changes, tasks, emails): the attempts, the answers to responses, and what the CRM records."""
    attempts, outcome = attempts_.plan_attempts(_stream(seed, "attempts"), leads, users, period)
    attempts["after"] = np.zeros(attempts["lead"].size, dtype=bool)
    attempts = _concat(attempts, outcomes.answer_responses(_stream(seed, "answers"), leads, users, outcome))
    changes = outcomes.status_changes(_stream(seed, "status"), leads, users, outcome)
    steps = outcomes.next_steps(_stream(seed, "next steps"), leads, users, attempts, outcome)
    calls = touches.calls(_stream(seed, "calls"), attempts)
    emails = touches.emails(_stream(seed, "emails"), attempts, leads, users, outcome)
    tasks = touches.tasks(calls, emails, steps, leads, users)
    return _numbered_changes(changes, period), _finish_tasks(_stream(seed, "tasks"), tasks, leads, period), emails


def build(size: Size, seed: int, period: Period) -> World:
    users = people.make_users(_stream(seed, "users"), size, period)
    leads = people.make_leads(_stream(seed, "leads"), size, period, users)
    changes, tasks, emails = _activity(seed, leads, users, period)
    messages = mail.messages(_stream(seed, "mail"), emails, users, leads, period)
    happened = events.events(_stream(seed, "events"), messages, leads, period)
    delivered = events.deliveries(_stream(seed, "deliveries"), happened, period)
    return World(
        seed=seed,
        size=size,
        period=period,
        users=users,
        leads=leads,
        changes=changes,
        tasks=tasks,
        messages=messages,
        copies=mail.copies(messages),
        events=happened,
        deliveries=events.posts(delivered, period, size.days),
    )
