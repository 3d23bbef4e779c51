"""The sales floor (managers and reps with their habits) and the leads that arrive over the period."""

import random
import unicodedata
from datetime import datetime, timedelta

from ingest.demo import ids, names
from ingest.demo.clock import hours
from ingest.demo.model import (
    DILIGENT,
    NEGLECTED_INDUSTRY,
    NEGLECTS_INDUSTRY,
    ONE_AND_DONE,
    SHINY,
    Change,
    Lead,
    User,
)

TEAMS = (("SDR East", -300), ("SDR West", -480))
# Per team, in order: half the reps follow up diligently, the other half chase new leads or have a planted habit
# the follow-up analytics must find: East's rep gives up after one attempt, West's ignores one industry's leads.
HABIT_CYCLES = {
    "SDR East": (DILIGENT, SHINY, ONE_AND_DONE, DILIGENT),
    "SDR West": (DILIGENT, SHINY, NEGLECTS_INDUSTRY, DILIGENT),
}


def make_users(rng: random.Random, reps: int) -> list[User]:
    """One manager per team, then the reps split between the two teams."""
    people = rng.sample([(f, la) for f in names.REP_FIRST for la in names.REP_LAST], reps + len(TEAMS))
    managers = [
        User(ids.sf_id(ids.USER, i + 1), *people[i], team=team, offset_min=offset, manager_id=None, habit=None)
        for i, (team, offset) in enumerate(TEAMS)
    ]
    users = list(managers)
    for i in range(reps):
        team = i * len(TEAMS) // reps
        position = i - (team * reps + len(TEAMS) - 1) // len(TEAMS)
        cycle = HABIT_CYCLES[TEAMS[team][0]]
        habit = cycle[position % len(cycle)]
        users.append(
            User(
                ids.sf_id(ids.USER, len(users) + 1),
                *people[len(users)],
                team=TEAMS[team][0],
                offset_min=TEAMS[team][1],
                manager_id=managers[team].user_id,
                habit=habit,
                cutoff_days=rng.uniform(8, 14) if habit == SHINY else 0.0,
                neglected_industry=NEGLECTED_INDUSTRY if habit == NEGLECTS_INDUSTRY else None,
            )
        )
    return users


def _ascii(text: str) -> str:
    text = text.replace("ø", "o").replace("Ø", "O")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _creation_times(rng: random.Random, count: int, start: datetime, end: datetime) -> list[datetime]:
    """Arrival times: fewer at night (US business hours are 13-23 UTC) and far fewer at weekends."""
    span = int((end - start).total_seconds())
    times: list[datetime] = []
    while len(times) < count:
        at = start + timedelta(seconds=rng.randrange(span))
        weight = (0.3 if at.weekday() >= 5 else 1.0) * (1.0 if 13 <= at.hour <= 23 else 0.3)
        if rng.random() < weight:
            times.append(at)
    return sorted(times)


def _company(rng: random.Random) -> tuple[str, str, str, str, int]:
    """(company name, domain, industry, country, UTC offset of its mail clients)."""
    head, tail = rng.choice(names.COMPANY_HEAD), rng.choice(names.COMPANY_TAIL)
    country, suffix, offset, _ = rng.choices(names.COUNTRIES, [c[3] for c in names.COUNTRIES])[0]
    industry = names.INDUSTRY_BY_TAIL.get(tail, "Technology")
    return f"{head} {tail}{suffix}", f"{head}-{tail}.example".lower(), industry, country, offset


def _lead(rng: random.Random, index: int, created: datetime, owner: User, taken: set[str]) -> Lead:
    first, last = rng.choice(names.LEAD_FIRST), rng.choice(names.LEAD_LAST)
    company, domain, industry, country, offset = _company(rng)
    local_part = f"{_ascii(first)}.{_ascii(last)}".lower()
    email, n = f"{local_part}@{domain}", 1
    while email in taken:
        n += 1
        email = f"{local_part}{n}@{domain}"
    taken.add(email)
    employees = rng.choice((12, 25, 40, 80, 150, 250, 500, 1200, 3000, 8000)) * rng.randint(8, 12) // 10
    sparse = rng.random() < 0.06
    return Lead(
        index=index,
        lead_id=ids.sf_id(ids.LEAD, index + 1),
        first=first,
        last=last,
        email=email,
        title="" if sparse else rng.choice(names.TITLES),
        company=company,
        industry="" if sparse else industry,
        employees=None if sparse else employees,
        revenue=None if sparse or rng.random() < 0.2 else employees * rng.randint(80, 400) * 1000,
        country=country,
        source=rng.choices([s for s, _ in names.LEAD_SOURCES], [w for _, w in names.LEAD_SOURCES])[0],
        offset_min=offset,
        created=created,
        owner_id=owner.user_id,
        assigned_at=created,
        bad_address=rng.random() < 0.08,
    )


def make_leads(rng: random.Random, count: int, start: datetime, end: datetime, reps: list[User]) -> list[Lead]:
    """Leads in order of arrival, assigned round-robin with the odd skip (a rep out for lunch)."""
    leads: list[Lead] = []
    taken: set[str] = set()
    for index, created in enumerate(_creation_times(rng, count, start, end)):
        owner = reps[index % len(reps)] if rng.random() < 0.85 else rng.choice(reps)
        leads.append(_lead(rng, index, created, owner, taken))
    return leads


def pick_deleted(rng: random.Random, leads: list[Lead], snapshot: datetime, end: datetime) -> None:
    """A few leads created before the mid-period export are deleted (duplicates) before the final one."""
    candidates = [lead for lead in leads if lead.created < snapshot - hours(24)]
    span = int((end - snapshot).total_seconds())
    for lead in rng.sample(candidates, min(len(candidates), max(1, len(candidates) // 80))):
        lead.deleted_at = snapshot + timedelta(seconds=rng.randrange(1, span))


def reassign_some(rng: random.Random, leads: list[Lead], reps: list[User], before: datetime) -> list[Change]:
    """A few new leads move to a teammate within the first hours (territory fixes): Owner history rows."""
    changes = []
    for lead in leads:
        if lead.created >= before or rng.random() >= 0.03:
            continue
        owner = next(r for r in reps if r.user_id == lead.owner_id)
        mates = [r for r in reps if r.team == owner.team and r.user_id != owner.user_id]
        if not mates:
            continue
        new_owner = rng.choice(mates)
        lead.assigned_at = lead.created + hours(rng.uniform(0.1, 1.5))
        lead.owner_id = new_owner.user_id
        changes.append(Change(lead.lead_id, lead.assigned_at, "Owner", owner.user_id, new_owner.user_id))
    return changes
