"""`write_demo`: simulate a sales floor and write what its systems would export into a landing folder."""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ingest.demo import floor, mail, people, salesforce, sendgrid
from ingest.demo.model import DILIGENT, NEGLECTS_INDUSTRY, World

DEFAULT_LEADS = 4000
DEFAULT_REPS = 8
DEFAULT_DAYS = 90
INCIDENT_DAYS = 7


@dataclass(frozen=True)
class DemoResult:
    """What was written, and the incident planted in it (so tests and demos know what to look for)."""

    end: datetime
    files: list[Path]
    incident_rep_id: str
    incident_team: str
    incident_start: datetime
    incident_rep_name: str = ""
    start: datetime | None = None
    snapshot_at: datetime | None = None
    rep_habits: dict[str, str] = field(default_factory=dict)
    neglected_industry: dict[str, str] = field(default_factory=dict)  # rep id -> the industry they never touch
    rows: dict[str, int] = field(default_factory=dict)  # relative path -> rows (messages, events)


def _validate(leads: int, reps: int, days: int, end: datetime) -> datetime:
    if end.tzinfo is None or end.utcoffset() is None:
        raise ValueError("end must be a timezone-aware datetime (UTC)")
    if reps < 2:
        raise ValueError("reps must be at least 2 (one per team)")
    if days < 2 * INCIDENT_DAYS:
        raise ValueError(f"days must be at least {2 * INCIDENT_DAYS} (the incident covers the last 7)")
    if leads < reps:
        raise ValueError("leads must be at least the number of reps")
    return end.astimezone(UTC)


def build_world(leads: int, reps: int, days: int, seed: int, end: datetime) -> World:
    """The whole simulated period; nothing in it happens after `end`."""
    rng = random.Random(f"{seed}:floor")
    last = end.replace(microsecond=0)
    start = last - timedelta(days=days)
    midway = start + (last - start) * 2 / 3
    snapshot = midway.replace(hour=0, minute=0, second=0, microsecond=0)
    users = people.make_users(rng, reps)
    diligent = [u for u in users if u.habit == DILIGENT]
    incident_rep = rng.choice(diligent)
    world = World(seed, start, last, snapshot, last - timedelta(days=INCIDENT_DAYS), incident_rep.user_id, users)
    world.leads = people.make_leads(rng, leads, start, last, world.reps)
    world.changes = people.reassign_some(rng, world.leads, world.reps, world.incident_start - timedelta(days=1))
    people.pick_deleted(rng, world.leads, snapshot, last)
    floor.simulate(world)
    return world


def write_demo(
    out_dir: Path,
    *,
    leads: int = DEFAULT_LEADS,
    reps: int = DEFAULT_REPS,
    days: int = DEFAULT_DAYS,
    seed: int = 7,
    end: datetime,
) -> DemoResult:
    """Write seeded demo exports (Salesforce CSV, mbox, SendGrid events) into `out_dir`.

    The same arguments always give byte-identical files. One diligent rep is away for the last seven days
    (the incident): new leads keep arriving for them, nobody touches them, and coverage drops.
    """
    end = _validate(leads, reps, days, end)
    world = build_world(leads, reps, days, seed, end)
    out_dir = Path(out_dir)
    written = [
        *salesforce.write_salesforce(world, out_dir),
        *mail.write_mailboxes(world, out_dir),
        *sendgrid.write_events(world, out_dir),
    ]
    incident_rep = world.user(world.incident_rep_id)
    return DemoResult(
        end=end,
        files=sorted(path for path, _ in written),
        incident_rep_id=incident_rep.user_id,
        incident_team=incident_rep.team,
        incident_start=world.incident_start,
        incident_rep_name=incident_rep.name,
        start=world.start,
        snapshot_at=world.snapshot,
        rep_habits={u.user_id: u.habit for u in world.reps if u.habit},
        neglected_industry={u.user_id: u.neglected_industry for u in world.reps if u.habit == NEGLECTS_INDUSTRY},
        rows={path.relative_to(out_dir).as_posix(): count for path, count in sorted(written)},
    )
