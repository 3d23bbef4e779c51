"""Attempts become records: call tasks, emails (in the mailbox, the CRM, or both), and the CRM task table."""

import numpy as np

from ingest.demo.bulk import texts
from ingest.demo.bulk.people import Columns, teammate
from ingest.demo.bulk.sizes import DAY

DISPOSITIONS = tuple(d[0] for d in texts.CONNECTED + texts.NOT_CONNECTED) + texts.UNMAPPED
TASK_SUBJECTS = texts.CALL_SUBJECTS + texts.NEXT_STEP_SUBJECTS + texts.AFTER_STEP_SUBJECTS
CALL, EMAIL, NEXT_STEP = 0, 1, 2
# How an email attempt reaches the records: sent from the mailbox and logged in the CRM within minutes;
# from the mailbox only; from a sales tool whose mail is not exported (CRM task only); or logged too late to
# be recognised as the same touch.
LOGGED, MAILBOX_ONLY, TOOL_ONLY, LOGGED_LATE = range(4)
CATEGORY_FIRST, CATEGORY_FOLLOW, CATEGORY_BREAKUP, CATEGORY_AFTER = "first", "follow", "breakup", "after"
NO_CC, CC_MANAGER, CC_TEAMMATE, CC_LEAD = range(4)


def _pick(rng: np.random.Generator, options: list[int], count: int) -> np.ndarray:
    return np.asarray(options)[rng.integers(len(options), size=count)]


def calls(rng: np.random.Generator, attempts: Columns) -> Columns:
    """Call tasks: a disposition from the seed's values (a few blank or unknown ones on unanswered calls),
    a duration that fits it, logged a few minutes after the call ended."""
    rows = np.flatnonzero(~attempts["email"])
    connected = attempts["answered"][rows]
    weights = np.array([d[1] for d in texts.CONNECTED + texts.NOT_CONNECTED], dtype=float)
    n_conn = len(texts.CONNECTED)
    up = rng.choice(n_conn, size=rows.size, p=weights[:n_conn] / weights[:n_conn].sum())
    down = n_conn + rng.choice(weights.size - n_conn, size=rows.size, p=weights[n_conn:] / weights[n_conn:].sum())
    disposition = np.where(connected, up, down)
    odd = ~connected & (rng.random(rows.size) < 0.04)
    disposition[odd] = len(DISPOSITIONS) - len(texts.UNMAPPED) + rng.integers(len(texts.UNMAPPED), size=odd.sum())
    ranges = np.array([d[2:] for d in texts.CONNECTED + texts.NOT_CONNECTED] + [(0, 60)] * len(texts.UNMAPPED))
    duration = rng.integers(ranges[disposition, 0], ranges[disposition, 1] + 1)
    at = attempts["at"][rows]
    return {
        "lead": attempts["lead"][rows],
        "at": at,
        "logged": at + duration + rng.integers(20, 240, rows.size),
        "disposition": disposition,
        "duration": np.where(rng.random(rows.size) < 0.03, -1, duration),
        "subject": rng.integers(len(texts.CALL_SUBJECTS), size=rows.size),
    }


def _previous_lead_of_owner(leads: Columns) -> np.ndarray:
    """Each lead's owner's previous lead (-1 for their first): the second lead a rep sometimes copies in."""
    order = np.lexsort((leads["created"], leads["owner"]))
    previous = np.full(order.size, -1)
    same = leads["owner"][order[1:]] == leads["owner"][order[:-1]]
    previous[order[1:][same]] = order[:-1][same]
    return previous


def _templates(rng: np.random.Generator, attempts: Columns, rows: np.ndarray) -> np.ndarray:
    category = np.select(
        [attempts["after"][rows], attempts["breakup"][rows], attempts["number"][rows] == 1],
        [3, 2, 0],
        1,
    )
    names = (CATEGORY_FIRST, CATEGORY_FOLLOW, CATEGORY_BREAKUP, CATEGORY_AFTER)
    template = np.zeros(rows.size, dtype=np.int64)
    for code, name in enumerate(names):
        chosen = category == code
        template[chosen] = _pick(rng, texts.by_category(name), int(chosen.sum()))
    return template


def emails(rng: np.random.Generator, attempts: Columns, leads: Columns, users: Columns, outcome: Columns) -> Columns:
    """Email attempts with how they were recorded, their template, copies and whether they got the reply."""
    rows = np.flatnonzero(attempts["email"])
    lead = attempts["lead"][rows]
    rep = leads["owner"][lead]
    after = attempts["after"][rows]
    kind = np.where(after, rng.choice([LOGGED, MAILBOX_ONLY], size=rows.size, p=[0.8, 0.2]),
                    rng.choice(4, size=rows.size, p=[0.5, 0.2, 0.22, 0.08]))  # fmt: skip
    delay = np.select([kind == LOGGED, kind == TOOL_ONLY, kind == LOGGED_LATE],
                      [rng.integers(-120, 480, rows.size), rng.integers(0, 60, rows.size),
                       rng.integers(1200, 5400, rows.size)], 0)  # fmt: skip
    cc = np.where(kind == TOOL_ONLY, NO_CC, rng.choice(4, size=rows.size, p=[0.91, 0.05, 0.025, 0.015]))
    cc_lead = np.where(cc == CC_LEAD, _previous_lead_of_owner(leads)[lead], -1)
    cc_user = np.select([cc == CC_MANAGER, cc == CC_TEAMMATE], [users["manager"][rep], teammate(rng, users, rep)], -1)
    replied = attempts["answered"][rows]
    return {
        "lead": lead,
        "rep": rep,
        "at": attempts["at"][rows],
        "template": _templates(rng, attempts, rows),
        "kind": kind,
        "logged": attempts["at"][rows] + delay,
        "cc_user": np.where(cc_user == rep, -1, cc_user),
        "cc_lead": cc_lead,
        "replied": replied,
        "reply_at": np.where(replied, outcome["responded_at"][lead], 0),
        "after": after,
        "list_email": (kind == TOOL_ONLY) & (rng.random(rows.size) < 0.1),
    }


def tasks(calls_: Columns, emails_: Columns, steps: Columns, leads: Columns, users: Columns) -> Columns:
    """Every CRM task (kind CALL, EMAIL or NEXT_STEP) with its owner, times and what to render it from."""
    logged = np.flatnonzero(emails_["kind"] != MAILBOX_ONLY)
    n_calls, n_emails, n_steps = calls_["lead"].size, logged.size, steps["lead"].size
    lead = np.concatenate([calls_["lead"], emails_["lead"][logged], steps["lead"]])
    rep = leads["owner"][lead]
    created = np.concatenate([calls_["logged"], emails_["logged"][logged], steps["created"]])
    activity = np.concatenate([calls_["at"], emails_["logged"][logged]])
    activity_day = (activity + users["offset_min"][rep[: activity.size]] * 60) // DAY
    none = np.full(n_emails + n_steps, -1)
    return {
        "kind": np.repeat([CALL, EMAIL, NEXT_STEP], [n_calls, n_emails, n_steps]),
        "lead": lead,
        "rep": rep,
        "created": created,
        "completed": np.concatenate([calls_["logged"], emails_["logged"][logged], steps["completed"]]),
        "activity_day": np.concatenate([activity_day, steps["due_day"]]),
        "disposition": np.concatenate([calls_["disposition"], none]),
        "duration": np.concatenate([calls_["duration"], none]),
        "subject": np.concatenate([calls_["subject"], np.full(n_emails, -1), _step_subjects(steps)]),
        "template": np.concatenate([np.full(n_calls, -1), emails_["template"][logged], np.full(n_steps, -1)]),
        "list_email": np.concatenate([np.zeros(n_calls, bool), emails_["list_email"][logged], np.zeros(n_steps, bool)]),
        "in_progress": np.concatenate([np.zeros(n_calls + n_emails, bool), steps["in_progress"]]),
    }


def _step_subjects(steps: Columns) -> np.ndarray:
    first = len(texts.CALL_SUBJECTS)
    regular = first + (steps["pick"] * len(texts.NEXT_STEP_SUBJECTS)).astype(np.int64)
    after = first + len(texts.NEXT_STEP_SUBJECTS) + (steps["pick"] * len(texts.AFTER_STEP_SUBJECTS)).astype(np.int64)
    return np.where(steps["after"], after, regular)
