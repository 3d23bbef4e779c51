"""`write_bulk`: a benchmark-sized landing folder and one more day of files, in the real source formats."""

import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest.demo.bulk import mailboxes, posts, salesforce, session
from ingest.demo.bulk.sizes import DEFAULT_END, SIZES, Period, Size, naive_utc
from ingest.demo.bulk.world import World, build


@dataclass(frozen=True)
class Counts:
    """Rows written into one folder, as the loader counts them (one mbox row per copy of a message), and
    the planted rows the loader must reject."""

    lead: int
    task: int
    user: int
    lead_history: int
    messages: int
    events: int
    redelivered_events: int  # of `events`, deliveries of an event delivered before
    bad_tasks: int  # Task rows with a CompletedDateTime that is not ISO 8601
    bad_messages: int  # drafts without a Date header


@dataclass(frozen=True)
class BulkResult:
    """What `write_bulk` wrote: the two folders, their as-of times, and the counts of each."""

    landing: Path
    increment: Path
    base_as_of: datetime  # naive UTC: everything in `landing` is stamped at or before it
    increment_as_of: datetime  # naive UTC: `increment` holds what is stamped after base_as_of, up to this
    size: Size
    seed: int
    users: int
    base: Counts
    next_day: Counts
    seconds: float


def _empty_folder(path: Path) -> Path:
    if path.exists() and any(path.iterdir()):
        raise FileExistsError(f"{path} is not empty: bulk data goes into a new folder")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _counts(part: int, sf: dict[str, int], mail: tuple, events: tuple, world: World) -> Counts:
    return Counts(
        lead=sf.get("Lead", 0), task=sf.get("Task", 0), user=sf.get("User", 0), lead_history=sf.get("LeadHistory", 0),
        messages=mail[0][part], events=events[0][part], redelivered_events=events[1][part],
        bad_tasks=int((world.tasks["bad"] == part + 1).sum()), bad_messages=mail[1][part],
    )  # fmt: skip


def write_bulk(out: Path, size: str | Size = "S", seed: int = 7, end: datetime | None = None) -> BulkResult:
    """Write `out/landing/` (everything stamped up to the base as-of, `end`) and `out/increment/` (the next
    24 hours). The same size, seed and end give byte-identical files. `end` is UTC (naive or aware). `size` is
    the name of one of SIZES, or a Size of its own (a test's smaller floor)."""
    started = time.perf_counter()
    chosen = SIZES[size] if isinstance(size, str) else size
    end = end or DEFAULT_END
    if end.tzinfo is not None:
        end = end.astimezone(UTC).replace(tzinfo=None)
    folders = (_empty_folder(Path(out) / "landing"), _empty_folder(Path(out) / "increment"))
    world = build(chosen, seed, Period.ending(end, chosen.days))
    with tempfile.TemporaryDirectory(prefix="bulk-duckdb-") as temp:
        con = session.connect(world, Path(temp))
        try:
            base = salesforce.write_base(con, world, folders[0] / "salesforce")
            delta = salesforce.write_increment(con, world, folders[1] / "salesforce")
            mail = mailboxes.write(con, world, folders)
            events = posts.write(con, world, folders)
        finally:
            con.close()
    return BulkResult(
        landing=folders[0], increment=folders[1], base_as_of=naive_utc(world.period.base),
        increment_as_of=naive_utc(world.period.increment), size=chosen, seed=seed, users=world.users["team"].size,
        base=_counts(0, base, mail, events, world), next_day=_counts(1, delta, mail, events, world),
        seconds=time.perf_counter() - started,
    )  # fmt: skip
