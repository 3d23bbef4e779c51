"""Which new files of a source are read and committed together: runs of consecutive small files, for a source
whose reader can stage many at once. A transaction per small file cost more than its rows (its commit, the
statements around it), and the loader writes a run in one, each file still all or nothing."""

import os
from collections.abc import Iterator

from ingest.files import FileScan
from ingest.landing import LandedFile

SMALL_FILE_BYTES = 1 << 20  # a smaller file is read and committed with the others of its run
# A full run fills DuckDB row groups (122,880 rows), which a commit writes straight to the database file; smaller
# commits go through the write-ahead log and its checkpoints, which cost several times more per row.
GROUP_BYTES = 64 << 20
GROUP_FILES = 1_000

Fresh = tuple[LandedFile, os.stat_result]


def split(fresh: list[Fresh]) -> Iterator[list[Fresh]]:
    """Consecutive small files, up to GROUP_FILES or GROUP_BYTES at a time; a larger file is a run of its own."""
    run: list[Fresh] = []
    size = 0
    for landed, stat in fresh:
        small = stat.st_size < SMALL_FILE_BYTES
        if run and (not small or len(run) == GROUP_FILES or size + stat.st_size > GROUP_BYTES):
            yield run
            run, size = [], 0
        run.append((landed, stat))
        size += stat.st_size
        if not small:
            yield run
            run, size = [], 0
    if run:
        yield run


def candidates(scans: list[FileScan], delivered: set[str]) -> list[int]:
    """The files of a run (by position) to stage together: all but those that are not UTF-8, whose content was
    delivered before, or that repeat a content earlier in the run (the ledger tells which file_id they repeat only
    once that one is committed); those load alone, in their place."""
    first = {scan.sha256: k for k, scan in reversed(list(enumerate(scans)))}
    return [k for k, scan in enumerate(scans)
            if not scan.utf8_error and scan.sha256 not in delivered and first[scan.sha256] == k]  # fmt: skip
