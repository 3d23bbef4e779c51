"""mbox files streamed from a memory map, message by message: the fast parser (`mailbox_fast`) reads the
common shapes, the `email` package (`mailbox.message_item`) every other message, and the rows go to the loader
in columnar batches. Both read the messages as of the file's load time, which the loader passes in."""

import mmap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from ingest import mailbox, mailbox_fast, mailbox_split, progress
from ingest.files import FileScan
from ingest.records import TABLES, Batch, Rejection, Staged
from ingest.schema import MAILBOX_MESSAGES, MAILBOX_RECIPIENTS

BATCH_MESSAGES = 20_000


@contextmanager
def _mapped(path: Path) -> Iterator[bytes | mmap.mmap]:
    """The file as a read-only memory map (the operating system pages it in), or b"" when it is empty."""
    with open(path, "rb") as f:
        if f.seek(0, 2) == 0:
            yield b""
            return
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            yield mapped


class _Columns:
    """Rows of one raw table gathered column by column, turned into one frame per batch."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.names = [c.name for c in TABLES[table].columns if c.name != "_file_id"]
        self.values: dict[str, list] = {name: [] for name in self.names}
        self.count = 0

    def add(self, row: dict) -> None:
        for name in self.names:
            self.values[name].append(row.get(name))
        self.count += 1

    def flush(self, con: duckdb.DuckDBPyConnection) -> Iterator[Batch]:
        if self.count:
            yield self.table, con.from_df(pd.DataFrame(self.values)), self.count
        self.values = {name: [] for name in self.names}
        self.count = 0


@dataclass
class _MailboxStaged:
    """A mailbox read message by message when the loader asks for its batches."""

    path: Path
    data: bytes | mmap.mmap
    load_time: datetime
    extra_columns: tuple[str, ...] = ()
    rows_total: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    def batches(self, con: duckdb.DuckDBPyConnection) -> Iterator[Batch]:
        tables = {t: _Columns(t) for t in (MAILBOX_MESSAGES.name, MAILBOX_RECIPIENTS.name)}
        for number, (raw, read) in enumerate(mailbox_split.split_messages_read(self.data), start=1):
            self.rows_total = number
            progress.report(self.path, "parsing", read, len(self.data))
            item = mailbox_fast.message_item(raw, number, self.load_time) or mailbox.message_item(
                raw, number, self.load_time
            )
            if isinstance(item, Rejection):
                self.rejections.append(item)
            else:
                for table, row in item:
                    tables[table].add(row)
            if number % BATCH_MESSAGES == 0:
                for columns in tables.values():
                    yield from columns.flush(con)
        progress.report(self.path, "parsing", len(self.data), len(self.data))
        for columns in tables.values():
            yield from columns.flush(con)


@contextmanager
def read(con: duckdb.DuckDBPyConnection, path: Path, scan: FileScan, load_time: datetime) -> Iterator[Staged]:
    with _mapped(path) as data:
        yield _MailboxStaged(path, data if mailbox_split.has_messages(data) else b"", load_time)
