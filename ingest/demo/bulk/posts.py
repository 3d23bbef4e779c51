"""Write the SendGrid webhook POST bodies, named by when the receiver got them."""

from collections import Counter
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import duckdb
import numpy as np

from ingest.demo.bulk.sizes import naive_utc
from ingest.demo.bulk.world import World

CHUNK_FILES = 2_000
FETCH_ROWS = 100_000


def _names(world: World) -> list[str]:
    """`events_<first delivery, UTC>_<chunk>.json` (or `.jsonl`), one per file number."""
    d = world.deliveries
    starts = np.flatnonzero(np.r_[True, d["file"][1:] != d["file"][:-1]])
    return [
        f"events_{naive_utc(int(d['delivered_at'][i])):%Y-%m-%dT%H%M%S}_{d['chunk'][i] + 1:02d}."
        + ("jsonl" if d["lines"][i] else "json")
        for i in starts
    ]


def _body(events: list[str], lines: bool) -> bytes:
    """A POST body: a JSON array, or (the hours the receiver wrote JSON lines) one event per line."""
    return ("".join(e + "\n" for e in events) if lines else "[" + ",".join(events) + "]").encode("utf-8")


def _rows(con: duckdb.DuckDBPyConnection, files: int) -> Iterator[tuple]:
    """(file, part, lines, json) of every delivery, in POST order, a chunk of files per query."""
    for lo in range(0, files, CHUNK_FILES):
        hi = lo + CHUNK_FILES - 1
        cursor = con.execute(f"select file, part, lines, json from event_json({lo}, {hi}) order by seq")
        while rows := cursor.fetchmany(FETCH_ROWS):
            yield from rows


def write(con: duckdb.DuckDBPyConnection, world: World, folders: tuple[Path, Path]) -> tuple[Counter, Counter]:
    """Stream the events in POST order and cut them into files. Returns (events, re-delivered events) per
    part."""
    names = _names(world)
    for folder in folders:
        (folder / "sendgrid").mkdir(parents=True, exist_ok=True)
    written: Counter = Counter()
    for file, group in groupby(_rows(con, len(names)), key=itemgetter(0)):
        rows = list(group)
        part, lines = rows[0][1], rows[0][2]
        (folders[part] / "sendgrid" / names[file]).write_bytes(_body([row[3] for row in rows], lines))
        written[part] += len(rows)
    again = Counter({part: int((world.deliveries["again"] & (world.deliveries["part"] == part)).sum())
                     for part in (0, 1)})  # fmt: skip
    return written, again
