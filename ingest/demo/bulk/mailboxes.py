"""Write the mbox files: one per user in the base, one per user with mail that day in the increment."""

from collections import Counter
from pathlib import Path

import duckdb

from ingest.demo.bulk.mail import DRAFT
from ingest.demo.bulk.sizes import naive_utc
from ingest.demo.bulk.world import World

CHUNK_MESSAGES = 250_000  # rendered per query, so memory stays flat at any size


def _names(con: duckdb.DuckDBPyConnection, world: World) -> dict[tuple[int, int], str]:
    """(user, part) -> file name: `<login>.mbox` in the base, `<login>_<day>.mbox` in the increment."""
    day = naive_utc(world.period.increment).date().isoformat()
    logins = dict(con.execute("select u, login from users").fetchall())
    return {(u, part): f"{login}.mbox" if part == 0 else f"{login}_{day}.mbox"
            for u, login in logins.items() for part in (0, 1)}  # fmt: skip


def write(con: duckdb.DuckDBPyConnection, world: World, folders: tuple[Path, Path]) -> tuple[Counter, Counter]:
    """Append each chunk of messages (in send order) to its holders' files. Returns (messages, planted
    drafts) per part, counting every copy."""
    names = _names(con, world)
    for folder in folders:
        (folder / "mailbox").mkdir(parents=True, exist_ok=True)
    written: Counter = Counter()
    total = world.messages["at"].size
    for lo in range(0, total, CHUNK_MESSAGES):
        hi = lo + CHUNK_MESSAGES - 1
        query = f"select user, part, text, messages from mbox_files({lo}, {hi}, {world.period.base})"
        for user, part, text, count in con.execute(query).fetchall():
            with open(folders[part] / "mailbox" / names[(user, part)], "ab") as handle:
                handle.write(text.encode("utf-8"))
            written[part] += count
    draft_at = world.messages["at"][world.messages["kind"] == DRAFT]
    drafts = Counter({0: int((draft_at <= world.period.base).sum()), 1: int((draft_at > world.period.base).sum())})
    return written, drafts
