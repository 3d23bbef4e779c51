"""One rep action on one lead: a call, an email (maybe logged in the CRM, maybe answered), a next step."""

import random
from datetime import datetime, timedelta

from ingest.demo import ids, texts
from ingest.demo.clock import DAY_WEIGHTS, answer_weight, local, reply_time
from ingest.demo.model import CONVERTED, Call, Change, Email, EmailLog, Lead, NextStep, Reply, User, World

# Per-attempt chance of reaching the prospect at an average hour: about eight attempts to get a response.
CALL_BASE = 0.12
REPLY_BASE = 0.1
CONNECTED = {"Connected": (4, 60, 600), "Conversation": (4, 120, 900), "Meeting Booked": (2, 300, 1200)}
NOT_CONNECTED = {
    "Left Voicemail": (5, 25, 70),
    "No Answer": (6, 0, 30),
    "Busy": (1, 0, 5),
    "Wrong Number": (0.4, 10, 40),
}


def change_status(world: World, lead: Lead, at: datetime, new: str) -> None:
    world.changes.append(Change(lead.lead_id, at, "Status", lead.status, new))
    lead.status = new
    if new == CONVERTED:
        lead.converted_at = at


def call(world: World, lead: Lead, rep: User, at: datetime, rng: random.Random) -> datetime | None:
    """Dial the lead; returns the time of the conversation when someone picked up."""
    connected = rng.random() < CALL_BASE * answer_weight(at, rep.offset_min)
    options = CONNECTED if connected else NOT_CONNECTED
    disposition = rng.choices(list(options), [w for w, _, _ in options.values()])[0]
    _, shortest, longest = options[disposition]
    duration = rng.randint(shortest, longest)
    logged = at + timedelta(seconds=duration + rng.randint(20, 240))
    world.calls.append(Call(lead.lead_id, rep.user_id, at, logged, disposition, duration))
    return at if connected else None


def _case_variant(address: str) -> str:
    local_part, domain = address.split("@")
    return ".".join(p.capitalize() for p in local_part.split(".")) + "@" + domain.capitalize()


def _cc(world: World, rep: User, rng: random.Random) -> tuple[str, ...]:
    if rng.random() >= 0.1:
        return ()
    mates = [u for u in world.reps if u.team == rep.team and u.user_id != rep.user_id]
    if rng.random() < 0.5 or not mates:
        return (world.user(rep.manager_id or rep.user_id).email,)
    return (rng.choice(mates).email,)


def _log(world: World, lead: Lead, rep: User, at: datetime, subject: str, rng: random.Random) -> None:
    """Most reps log their emails in the CRM a few minutes later; some much later, some never."""
    roll = rng.random()
    if roll < 0.62:
        delay = rng.randint(0, 480)
    elif roll < 0.7:
        delay = rng.randint(1200, 5400)
    else:
        return
    world.email_logs.append(EmailLog(lead.lead_id, rep.user_id, at + timedelta(seconds=delay), f"Email: {subject}"))


def email(world: World, lead: Lead, rep: User, at: datetime, content: tuple[str, str], rng: random.Random) -> Email:
    number = len(world.emails) + len(world.replies) + 1
    subject, body = content
    sent = Email(
        number=number,
        msg_id=ids.message_id(world.seed, number, at),
        lead_id=lead.lead_id,
        rep_id=rep.user_id,
        at=at,
        to_addr=_case_variant(lead.email) if rng.random() < 0.06 else lead.email,
        cc=_cc(world, rep, rng),
        subject=subject,
        body=body,
        html=rng.random() < 0.08,
        offset_min=0 if rng.random() < 0.15 else rep.offset_min,
    )
    world.emails.append(sent)
    _log(world, lead, rep, at, subject, rng)
    lead.bounced = lead.bounced or lead.bad_address
    return sent


def maybe_reply(world: World, lead: Lead, rep: User, sent: Email, rng: random.Random) -> datetime | None:
    """The prospect answers the email (unless it bounced); returns when, if before the end."""
    weekday = local(sent.at, rep.offset_min).weekday()
    if lead.bad_address or rng.random() >= REPLY_BASE * DAY_WEIGHTS[weekday]:
        return None
    when = reply_time(sent.at, rep.offset_min, rng)
    if when > world.end:
        return None
    number = len(world.emails) + len(world.replies) + 1
    subject, body = texts.reply(rng, lead, rep, sent.subject)
    sender = _case_variant(lead.email) if rng.random() < 0.1 else lead.email
    world.replies.append(
        Reply(
            ids.message_id(world.seed, number, when),
            lead.lead_id,
            rep.user_id,
            when,
            sender,
            subject,
            sent.msg_id,
            body,
            lead.offset_min,
        )
    )
    return when


def next_step(
    world: World, lead: Lead, rep: User, at: datetime, due: datetime, subject: str, rng: random.Random
) -> NextStep:
    created = at + timedelta(seconds=rng.randint(60, 600))
    step = NextStep(lead.lead_id, rep.user_id, created, local(due, rep.offset_min).date(), subject)
    world.next_steps.append(step)
    return step
