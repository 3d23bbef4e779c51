"""Mailbox messages and who holds a copy: outbound mail, prospects' replies, internal mail, a few drafts.

Message kinds: OUTBOUND (rep to lead), REPLY (lead to rep), INTERNAL (rep to manager), INTERNAL_REPLY
(manager to rep) and DRAFT (an unsent draft: Takeout exports it without a Date header, so the loader must
reject it). Rows are in send order; `parent` is the row a message answers (-1 for none) and `parent_email`
the email a reply answers when that email went out from a sales tool whose mail is not exported.
"""

import numpy as np

from ingest.demo.bulk import texts
from ingest.demo.bulk.clock import work_time
from ingest.demo.bulk.people import Columns, reps_of, teammate
from ingest.demo.bulk.sizes import DAY, HOUR, Period
from ingest.demo.bulk.touches import TOOL_ONLY

OUTBOUND, REPLY, INTERNAL, INTERNAL_REPLY, DRAFT = range(5)
DRAFTS_PER_MESSAGE = 1 / 5_000
FIELDS = ("kind", "at", "sender", "lead", "to_user", "cc_user", "cc_lead", "template", "subject_template",
          "parent", "parent_email")  # fmt: skip


def _rows(count: int, **given: np.ndarray | int) -> Columns:
    """Message columns for `count` rows: the given values, -1 elsewhere."""
    return {f: np.broadcast_to(np.asarray(given.get(f, -1)), (count,)).astype(np.int64) for f in FIELDS}


def _concat(parts: list[Columns]) -> Columns:
    return {f: np.concatenate([p[f] for p in parts]) for f in FIELDS}


def _from_emails(rng: np.random.Generator, emails: Columns) -> tuple[Columns, Columns]:
    """(outbound messages, replies): every email not sent from a tool is a message; every email that got
    the reply has one (answering the tool's message when it was not a mailbox message)."""
    sent = np.flatnonzero(emails["kind"] != TOOL_ONLY)
    row_of_email = np.full(emails["lead"].size, -1)
    row_of_email[sent] = np.arange(sent.size)
    outbound = _rows(sent.size, kind=OUTBOUND, at=emails["at"][sent], sender=emails["rep"][sent],
                     lead=emails["lead"][sent], cc_user=emails["cc_user"][sent], cc_lead=emails["cc_lead"][sent],
                     template=emails["template"][sent], subject_template=emails["template"][sent])  # fmt: skip
    answered = np.flatnonzero(emails["replied"])
    parent = row_of_email[answered]
    replies = _rows(answered.size, kind=REPLY, at=emails["reply_at"][answered], lead=emails["lead"][answered],
                    to_user=emails["rep"][answered], template=_pick(rng, "reply", answered.size),
                    subject_template=emails["template"][answered], parent=parent,
                    parent_email=np.where(parent < 0, answered, -1))  # fmt: skip
    reply_of_lead = np.full(emails["lead"].max(initial=0) + 1, -1)
    reply_of_lead[emails["lead"][answered]] = sent.size + np.arange(answered.size)
    after = emails["after"][sent]
    outbound["parent"] = np.where(after, reply_of_lead[outbound["lead"]], -1)
    return outbound, replies


def _pick(rng: np.random.Generator, category: str, count: int) -> np.ndarray:
    options = np.asarray(texts.by_category(category))
    return options[rng.integers(options.size, size=count)]


def _internal(rng: np.random.Generator, users: Columns, leads: Columns, period: Period) -> tuple[Columns, Columns]:
    """(rep-to-manager messages, the managers' answers): about one every ten days per rep, a third answered."""
    reps = reps_of(users)
    end = np.where(users["leave_at"][reps] > 0, users["leave_at"][reps], period.increment)
    weeks = (end - period.start) / (7 * DAY)
    count = rng.poisson(np.maximum(weeks, 0) * 0.7)
    sender = np.repeat(reps, count)
    offset = users["offset_min"][sender]
    span = np.repeat(end - period.start, count)
    at = work_time(period.start + (rng.random(sender.size) * span).astype(np.int64), offset, rng.random(sender.size))
    keep = at < np.repeat(end, count)
    sender, at, offset = sender[keep], at[keep], offset[keep]
    about = _lead_of(rng, leads, sender)
    cc = np.where(rng.random(sender.size) < 0.2, teammate(rng, users, sender), -1)
    template = _pick(rng, "internal", sender.size)
    notes = _rows(sender.size, kind=INTERNAL, at=at, sender=sender, lead=about, to_user=users["manager"][sender],
                  cc_user=np.where(cc == sender, -1, cc), template=template, subject_template=template)  # fmt: skip
    answered = np.flatnonzero(rng.random(sender.size) < 0.35)
    later = work_time(at[answered] + (rng.uniform(0.5, 6, answered.size) * HOUR).astype(np.int64),
                      offset[answered], rng.random(answered.size))  # fmt: skip
    answers = _rows(answered.size, kind=INTERNAL_REPLY, at=later, sender=users["manager"][sender[answered]],
                    lead=about[answered], to_user=sender[answered], parent=answered,
                    template=_pick(rng, "internal_reply", answered.size),
                    subject_template=template[answered])  # fmt: skip
    return notes, answers


def _lead_of(rng: np.random.Generator, leads: Columns, reps: np.ndarray) -> np.ndarray:
    """A random lead of each rep (the one an internal note or a draft is about)."""
    order = np.argsort(leads["owner"], kind="stable")
    owners = leads["owner"][order]
    first, last = np.searchsorted(owners, reps), np.searchsorted(owners, reps, side="right")
    return order[np.minimum(first + (rng.random(reps.size) * (last - first)).astype(np.int64), order.size - 1)]


def _drafts(rng: np.random.Generator, users: Columns, leads: Columns, windows: list[tuple[int, int, int]]) -> Columns:
    """`count` drafts in each (start, end, count) window, by reps still there then."""
    parts = []
    for start, end, count in windows:
        reps = reps_of(users)
        reps = reps[(users["leave_at"][reps] == 0) | (users["leave_at"][reps] > end)]
        sender = rng.choice(reps, size=count)
        at = rng.integers(start + 1, end + 1, size=count)
        template = _pick(rng, "draft", count)
        parts.append(_rows(count, kind=DRAFT, at=at, sender=sender, lead=_lead_of(rng, leads, sender),
                           template=template, subject_template=template))  # fmt: skip
    return _concat(parts)


def _in_send_order(rows: Columns, period: Period) -> Columns:
    """Rows up to the increment's end, sorted by send time (then kind, then origin); parents renumbered."""
    kept = np.flatnonzero(rows["at"] <= period.increment)
    order = kept[np.lexsort((kept, rows["kind"][kept], rows["at"][kept]))]
    position = np.full(rows["at"].size, -1)
    position[order] = np.arange(order.size)
    ordered = {f: rows[f][order] for f in FIELDS}
    ordered["parent"] = np.where(ordered["parent"] >= 0, position[np.maximum(ordered["parent"], 0)], -1)
    return ordered


def _looks(rng: np.random.Generator, rows: Columns) -> None:
    """How each message is written: about a quarter multipart (text and HTML), some Date headers in UTC
    (webmail), some addresses typed in another case."""
    count, kind = rows["at"].size, rows["kind"]
    rows["html"] = rng.random(count) < np.where(kind == REPLY, 0.3, 0.25)
    rows["utc_date"] = (kind != REPLY) & (rng.random(count) < 0.15)
    rows["odd_case"] = rng.random(count) < np.where(kind == REPLY, 0.1, 0.06)


def messages(rng: np.random.Generator, emails: Columns, users: Columns, leads: Columns, period: Period) -> Columns:
    """Every message, in send order, with its look; a few planted drafts without a Date header."""
    outbound, replies = _from_emails(rng, emails)
    notes, answers = _internal(rng, users, leads, period)
    answers["parent"] += outbound["at"].size + replies["at"].size
    rows = _concat([outbound, replies, notes, answers])
    in_base = int((rows["at"] <= period.base).sum())
    in_increment = int(((rows["at"] > period.base) & (rows["at"] <= period.increment)).sum())
    windows = [(period.start, period.base, max(2, round(in_base * DRAFTS_PER_MESSAGE))),
               (period.base, period.increment, max(1, round(in_increment * DRAFTS_PER_MESSAGE)))]  # fmt: skip
    rows = _in_send_order(_concat([rows, _drafts(rng, users, leads, windows)]), period)
    _looks(rng, rows)
    return rows


def copies(rows: Columns) -> Columns:
    """Who holds each message in their mailbox: the sender (unless a prospect), the rep or manager it was
    sent to, and a copied colleague."""
    message = np.concatenate([np.arange(rows["at"].size)] * 3)
    user = np.concatenate([rows["sender"], rows["to_user"], rows["cc_user"]])
    held = user >= 0
    order = np.lexsort((message[held], user[held]))
    return {"message": message[held][order], "user": user[held][order]}
