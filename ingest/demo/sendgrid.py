"""SendGrid Event Webhook bodies for the reps' outbound mail: one POST body per day, some events twice."""

import json
import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ingest.demo import ids
from ingest.demo.model import Email, Lead, World

BOUNCE = {
    "reason": "550 5.1.1 The email account that you tried to reach does not exist.",
    "type": "bounce",
    "status": "5.1.1",
}
DEFERRED = {"response": "421 4.7.0 Temporary System Problem. Try again later.", "attempt": "1"}
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)",
)


def _timeline(rng: random.Random, sent: int, bounces: bool) -> list[tuple[str, int, dict]]:
    """(event, Unix seconds, extra fields) for one recipient of one message."""
    events: list[tuple[str, int, dict]] = [("processed", sent + rng.randint(0, 2), {})]
    if bounces:
        return [*events, ("bounce", sent + rng.randint(2, 40), dict(BOUNCE))]
    delay = 0
    if rng.random() < 0.03:
        events.append(("deferred", sent + rng.randint(3, 30), dict(DEFERRED)))
        delay = rng.randint(300, 3600)
    delivered = sent + delay + rng.randint(2, 30)
    events.append(("delivered", delivered, {"response": "250 2.0.0 OK"}))
    opened = delivered
    for chance in (0.45, 0.3):
        if rng.random() >= chance:
            break
        opened += rng.randint(60, 86400)
        events.append(("open", opened, {"useragent": rng.choice(USER_AGENTS), "sg_machine_open": False}))
        if rng.random() < 0.15:
            events.append(("click", opened + rng.randint(5, 600), {"url": "https://acme-sales.example/demo"}))
    return events


def _events(world: World, email: Email, lead: Lead) -> list[dict]:
    rng = random.Random(f"{world.seed}:sendgrid:{email.number}")
    common = {
        "email": email.to_addr,
        "smtp-id": email.msg_id,
        "sg_message_id": ids.sg_message_id(world.seed, email.number),
        "rep_id": email.rep_id,
        "lead_id": email.lead_id,
        "category": ["outbound"],
    }
    last = int(world.end.timestamp())
    return [
        {
            **common,
            **extra,
            "event": name,
            "timestamp": at,
            "sg_event_id": ids.sg_event_id(world.seed, email.number, n),
        }
        for n, (name, at, extra) in enumerate(_timeline(rng, int(email.at.timestamp()), lead.bad_address))
        if at <= last
    ]


def _by_day(world: World) -> dict[date, list[dict]]:
    leads = {lead.lead_id: lead for lead in world.leads}
    days: dict[date, list[dict]] = defaultdict(list)
    for email in world.emails:
        for event in _events(world, email, leads[email.lead_id]):
            days[datetime.fromtimestamp(event["timestamp"], UTC).date()].append(event)
    return days


def _redeliver(rng: random.Random, days: dict[date, list[dict]], last_day: date) -> int:
    """At-least-once delivery: a handful of events arrive again in the next day's POST."""
    candidates = [e for day in sorted(days) if day < last_day for e in days[day]]
    chosen = rng.sample(candidates, min(len(candidates), max(5, len(candidates) // 250)))
    for event in chosen:
        day = datetime.fromtimestamp(event["timestamp"], UTC).date() + timedelta(days=1)
        days[day].append(dict(event))
    return len(chosen)


def write_events(world: World, out_dir: Path) -> list[tuple[Path, int]]:
    rng = random.Random(f"{world.seed}:sendgrid-files")
    days = _by_day(world)
    _redeliver(rng, days, world.end.date())
    ordered = sorted(days)
    as_lines = rng.choice(ordered[len(ordered) // 3 : 2 * len(ordered) // 3] or ordered)
    folder = out_dir / "sendgrid"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for day in ordered:
        events = sorted(days[day], key=lambda e: (e["timestamp"], e["sg_event_id"]))
        if day == as_lines:
            path = folder / f"events_{day.isoformat()}.jsonl"
            text = "".join(json.dumps(e, sort_keys=True) + "\n" for e in events)
        else:
            path = folder / f"events_{day.isoformat()}.json"
            text = json.dumps(events, sort_keys=True)
        path.write_text(text, encoding="utf-8")
        written.append((path, len(events)))
    return written
