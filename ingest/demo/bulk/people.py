"""The sales floor (managers, reps with habits, teams) and the leads that arrive, as numpy columns.

Every table is a dict of equal-length numpy arrays; user and lead numbers are row index + 1, and -1 (or 0 for
a time) means "none".
"""

import math

import numpy as np

from ingest.demo.bulk import names
from ingest.demo.bulk.clock import arrivals
from ingest.demo.bulk.sizes import DAY, HOUR, Period, Size

Columns = dict[str, np.ndarray]
DILIGENT, SHINY, ONE_AND_DONE = 0, 1, 2
# Per team, in order: half the reps follow up diligently, the others chase new leads or give up early.
HABIT_CYCLE = (DILIGENT, SHINY, ONE_AND_DONE, DILIGENT)
SHARED_EMAIL_SHARE = 0.004  # leads that repeat an earlier lead's address (a second form fill, an info@ box)
BAD_ADDRESS_SHARE = 0.07  # leads whose address bounces
DELETED_SHARE = 0.005


def team_count(reps: int) -> int:
    return math.ceil(reps / (4 if reps <= 16 else 8))


def team_name(team: int, teams: int) -> str:
    region = names.REGIONS[team % len(names.REGIONS)][0]
    return f"SDR {region}" if teams <= len(names.REGIONS) else f"SDR {region} {team // len(names.REGIONS) + 1}"


def make_users(rng: np.random.Generator, size: Size, period: Period) -> Columns:
    """One manager per team (they own no leads), then the reps; a few reps leave during the period."""
    teams, reps = team_count(size.reps), size.reps
    count = teams + reps
    combos = len(names.REP_FIRST) * len(names.REP_LAST)
    if count > combos:
        raise ValueError(f"{count} users need more than the {combos} distinct rep names")
    picked = rng.choice(combos, size=count, replace=False)
    rep_team = np.arange(reps) * teams // reps
    team_first = np.searchsorted(rep_team, np.arange(teams))
    position = np.arange(reps) - team_first[rep_team]
    team = np.concatenate([np.arange(teams), rep_team])
    habit = np.concatenate([np.full(teams, -1), np.array(HABIT_CYCLE)[position % len(HABIT_CYCLE)]])
    leave_at = np.zeros(count, dtype=np.int64)
    leavers = teams + rng.choice(reps, size=reps // 50, replace=False)
    span = period.base - 14 * DAY - period.start
    leave_at[leavers] = period.start + (span * rng.uniform(0.3, 1.0, size=leavers.size)).astype(np.int64)
    return {
        "first": picked // len(names.REP_LAST),
        "last": picked % len(names.REP_LAST),
        "team": team,
        "manager": np.concatenate([np.full(teams, -1), rep_team]),
        "habit": habit,
        "offset_min": np.array([r[1] for r in names.REGIONS])[team % len(names.REGIONS)],
        "cutoff_days": np.where(habit == SHINY, rng.uniform(8, 14, size=count), 0.0),
        "leave_at": leave_at,
    }


def reps_of(users: Columns) -> np.ndarray:
    return np.flatnonzero(users["habit"] >= 0)


def _owners(rng: np.random.Generator, created: np.ndarray, users: Columns) -> np.ndarray:
    """Round-robin with the odd skip; a rep who has left gets no new leads."""
    reps = reps_of(users)
    owner = np.where(rng.random(created.size) < 0.85, reps[np.arange(created.size) % reps.size],
                     rng.choice(reps, size=created.size))  # fmt: skip
    for _ in range(20):
        gone = (users["leave_at"][owner] > 0) & (users["leave_at"][owner] <= created)
        if not gone.any():
            break
        owner[gone] = rng.choice(reps, size=int(gone.sum()))
    return owner


def teammate(rng: np.random.Generator, users: Columns, rep: np.ndarray) -> np.ndarray:
    """A random other rep of each rep's team (the rep itself in a team of one)."""
    reps = reps_of(users)
    teams = users["team"][reps]
    team = users["team"][rep]
    size = np.bincount(teams, minlength=team.max() + 1)[team]
    first = reps[np.searchsorted(teams, team)]
    shift = 1 + (rng.random(rep.size) * np.maximum(size - 1, 1)).astype(np.int64)
    return first + (rep - first + shift) % size


def _reassign(rng: np.random.Generator, leads: Columns, users: Columns) -> None:
    """A few new leads move to a teammate within the first hours (territory fixes): Owner history."""
    owner, created = leads["owner"], leads["created"]
    new = teammate(rng, users, owner)
    left = users["leave_at"][new]
    moved = (rng.random(owner.size) < 0.02) & (new != owner) & ((left == 0) | (left > created + DAY))
    leads["first_owner"] = owner.copy()
    leads["owner"] = np.where(moved, new, owner)
    leads["assigned"] = np.where(moved, created + rng.uniform(0.1, 1.5, owner.size) * HOUR, created).astype(np.int64)


def _weighted(rng: np.random.Generator, weights: list[float], count: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(p.size, size=count, p=p / p.sum())


def _firmographics(rng: np.random.Generator, count: int) -> Columns:
    """Company, title and size; about 6% of leads are sparse (no title, industry or size)."""
    sparse = rng.random(count) < 0.06
    employees = rng.choice([12, 25, 40, 80, 150, 250, 500, 1200, 3000, 8000, 20000], size=count)
    employees = employees * rng.integers(8, 13, size=count) // 10
    revenue = employees * rng.integers(80, 400, size=count) * 1000
    return {
        "head": rng.integers(len(names.COMPANY_HEAD), size=count),
        "tail": rng.integers(len(names.COMPANY_TAIL), size=count),
        "country": _weighted(rng, [c[3] for c in names.COUNTRIES], count),
        "title": np.where(sparse, -1, rng.integers(len(names.TITLES), size=count)),
        "sparse": sparse,
        "employees": np.where(sparse, -1, employees),
        "revenue": np.where(sparse | (rng.random(count) < 0.2), -1, revenue),
        "source": _weighted(rng, [s[1] for s in names.LEAD_SOURCES], count),
    }


def _share_addresses(rng: np.random.Generator, leads: Columns) -> None:
    """A few leads are the same person again (or a shared inbox): same name, company and address."""
    count = leads["created"].size
    person = np.arange(count)
    repeat = np.flatnonzero(rng.random(count) < SHARED_EMAIL_SHARE)
    repeat = repeat[repeat > 0]
    person[repeat] = (rng.random(repeat.size) * repeat).astype(np.int64)
    for _ in range(8):  # follow chains back to the first lead of each person
        person = person[person]
    for column in ("first", "last", "head", "tail", "country", "bad_address"):
        leads[column] = leads[column][person]
    leads["person"] = person


def make_leads(rng: np.random.Generator, size: Size, period: Period, users: Columns) -> Columns:
    """The base period's leads, then about one day's worth more for the increment; in order of arrival."""
    extra = max(1, round(size.leads / size.days))
    created = np.concatenate([
        arrivals(rng, size.leads, period.start, period.base),
        arrivals(rng, extra, period.base, period.increment),
    ])  # fmt: skip
    count = created.size
    leads: Columns = {
        "created": created,
        "owner": _owners(rng, created, users),
        "first": rng.integers(len(names.LEAD_FIRST), size=count),
        "last": rng.integers(len(names.LEAD_LAST), size=count),
        **_firmographics(rng, count),
        # 0: address as typed, 1: Title.Case@Domain, 2: UPPER local part (how the CRM holds it)
        "email_case": _weighted(rng, [0.88, 0.09, 0.03], count),
        "bad_address": rng.random(count) < BAD_ADDRESS_SHARE,
        # Some prospects answer far more than others; about a third hardly ever do.
        "reach": np.where(rng.random(count) < 0.33, 0.15, rng.gamma(4.0, 0.35, size=count)),
    }
    _share_addresses(rng, leads)
    _reassign(rng, leads, users)
    leads["offset_min"] = np.array([c[2] for c in names.COUNTRIES])[leads["country"]]
    leads["deleted_at"] = _deletions(rng, created, period)
    return leads


def _deletions(rng: np.random.Generator, created: np.ndarray, period: Period) -> np.ndarray:
    """Duplicates cleaned up: leads older than the earlier export deleted before the final one, and one or
    two more on the increment day."""
    deleted_at = np.zeros(created.size, dtype=np.int64)
    old = created < period.earlier - DAY
    for start, end, share in ((period.earlier, period.base, DELETED_SHARE), (period.base, period.increment, 0.0005)):
        pool = np.flatnonzero(old & (deleted_at == 0))
        chosen = rng.choice(pool, size=min(pool.size, max(1, round(pool.size * share))), replace=False)
        deleted_at[chosen] = rng.integers(start + 1, end + 1, size=chosen.size)
    return deleted_at
