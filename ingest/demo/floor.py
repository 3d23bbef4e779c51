"""The sales floor at work: each rep works each of their leads by their habit until the period ends."""

import random
from dataclasses import dataclass
from datetime import datetime

from ingest.demo import texts, touches
from ingest.demo.clock import after_work_days, days, hours, next_pickup_time, next_work_time
from ingest.demo.model import (
    CONVERTED,
    DILIGENT,
    NEGLECTS_INDUSTRY,
    NOT_CONVERTED,
    NURTURE,
    ONE_AND_DONE,
    SHINY,
    WORKING,
    Lead,
    NextStep,
    User,
    World,
)

# Nothing is started this close to the end of a rep's time, so what follows (logs, call notes) fits in.
MARGIN = hours(2)


@dataclass(frozen=True)
class Cadence:
    first_delay_hours: tuple[float, float]
    gap_days: tuple[float, float]
    email_share: float
    next_step_share: float


CADENCES = {
    DILIGENT: Cadence((0.2, 3.0), (1.5, 4.0), 0.5, 0.5),
    SHINY: Cadence((0.05, 1.0), (1.0, 2.5), 0.5, 0.35),
    ONE_AND_DONE: Cadence((2.0, 30.0), (2.0, 5.0), 0.65, 0.3),
}


def _style(rep: User) -> str:
    """The habit a rep works a lead by: the industry neglecter works the leads they touch diligently."""
    return DILIGENT if rep.habit == NEGLECTS_INDUSTRY else rep.habit


def simulate(world: World) -> None:
    """Work every lead in order of arrival; each lead draws from its own seeded stream."""
    for lead in world.leads:
        _work_lead(world, lead, random.Random(f"{world.seed}:lead:{lead.index}"))


def _attempt_limit(rng: random.Random, habit: str) -> int:
    if habit == ONE_AND_DONE:  # gives up after one attempt: mostly no follow-up at all, at most one
        return rng.choices((1, 2), (0.85, 0.15))[0]
    return rng.randint(7, 9)


def _stop(world: World, lead: Lead, rep: User) -> datetime:
    """When the rep can no longer act on the lead: end of period, lead deleted, or rep away."""
    stop = world.end
    if lead.deleted_at:
        stop = min(stop, lead.deleted_at)
    if rep.user_id == world.incident_rep_id:
        stop = min(stop, world.incident_start)
    return stop - MARGIN


def _keeps_going(rep: User, lead: Lead, at: datetime, attempt: int, limit: int, stop: datetime) -> bool:
    if attempt >= limit or at >= stop:
        return False
    return rep.habit != SHINY or at - lead.created < days(rep.cutoff_days)


def _work_lead(world: World, lead: Lead, rng: random.Random) -> None:
    rep = world.user(lead.owner_id)
    if lead.industry == rep.neglected_industry:  # never touched, and nobody looks at it to close it either
        return
    style = _style(rep)
    cadence, stop, limit = CADENCES[style], _stop(world, lead, rep), _attempt_limit(rng, style)
    delay = hours(rng.uniform(*cadence.first_delay_hours))
    if style == DILIGENT and rng.random() < 0.03:
        delay += days(rng.uniform(1, 2))
    pickup = next_work_time if style == ONE_AND_DONE else next_pickup_time  # only the one-and-done rep lets the SLA go
    at = pickup(lead.assigned_at + delay, rep.offset_min, rng)
    attempt, last, step = 0, at, None
    while _keeps_going(rep, lead, at, attempt, limit, stop):
        attempt, last = attempt + 1, at
        if step:
            step.completed_at, step = at, None
        if attempt == 1:
            touches.change_status(world, lead, at, WORKING)
        answered = _attempt(world, lead, rep, at, (attempt, limit), cadence, rng)
        if answered:
            _after_response(world, lead, rep, answered, stop, rng)
            return
        at = after_work_days(at, rng.uniform(*cadence.gap_days), rep.offset_min, rng)
        if rng.random() < cadence.next_step_share and (attempt < limit or style != DILIGENT):
            step = touches.next_step(world, lead, rep, last, at, rng.choice(texts.NEXT_STEPS), rng)
    _wrap_up(world, lead, rep, attempt >= limit > 0, last if attempt else lead.assigned_at, stop, rng)


def _attempt(
    world: World,
    lead: Lead,
    rep: User,
    at: datetime,
    count: tuple[int, int],
    cadence: Cadence,
    rng: random.Random,
) -> datetime | None:
    """One call or email; returns when the prospect responded, if they did."""
    attempt, limit = count
    last = _style(rep) == DILIGENT and attempt == limit
    if lead.bounced or (not last and rng.random() >= cadence.email_share):
        return touches.call(world, lead, rep, at, rng)
    sent = touches.email(world, lead, rep, at, texts.outbound(rng, lead, rep, attempt, last), rng)
    return touches.maybe_reply(world, lead, rep, sent, rng)


def _after_response(
    world: World, lead: Lead, rep: User, answered: datetime, stop: datetime, rng: random.Random
) -> None:
    """A follow-up on the conversation, maybe a next step, then the lead is dispositioned."""
    step: NextStep | None = None
    at = next_work_time(answered + hours(rng.uniform(0.3, 5)), rep.offset_min, rng)
    if at < stop and rng.random() < 0.75:
        if lead.bounced:
            touches.call(world, lead, rep, at, rng)
        else:
            touches.email(world, lead, rep, at, texts.after_response(rng, lead, rep), rng)
        if rng.random() < 0.5:
            due = at + days(rng.uniform(1, 7))
            step = touches.next_step(world, lead, rep, at, due, rng.choice(texts.AFTER_STEPS), rng)
    decided = after_work_days(max(answered, at), rng.uniform(1, 3.5), rep.offset_min, rng)  # within the cadence
    if decided < stop:
        if step and step.created < decided:
            step.completed_at = decided
        outcome = rng.choices((CONVERTED, NURTURE, NOT_CONVERTED), (0.55, 0.3, 0.15))[0]
        touches.change_status(world, lead, decided, outcome)


def _wrap_up(
    world: World, lead: Lead, rep: User, worked_out: bool, last: datetime, stop: datetime, rng: random.Random
) -> None:
    """Diligent reps close worked-out leads soon; most abandoned leads are closed weeks later in a clean-up."""
    chance, wait = (0.75, (2, 7)) if worked_out and _style(rep) == DILIGENT else (0.85, (8, 20))
    if rng.random() < chance:
        when = after_work_days(last, rng.uniform(*wait), rep.offset_min, rng)
        if when < stop:
            touches.change_status(world, lead, when, NOT_CONVERTED)
