from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

# DuckDB allows one writing process: every asset that writes the warehouse runs in this pool, whose limit
# the instance's dagster.yaml sets to 1.
WAREHOUSE_POOL = "warehouse"

# A writer outside Dagster (`radar reprocess`, a tool holding the file open) can still hold DuckDB's file
# lock: a step that meets it waits and tries again, 5, 10, 20, 40, 60 seconds later.
LOCK_RETRIES = 5
_LOCK_MESSAGE = "Could not set lock on file"


def retry_if_locked(error: Exception, context: dg.OpExecutionContext) -> None:
    """Turn a DuckDB lock conflict into a Dagster retry with backoff; any other error is left alone."""
    if _LOCK_MESSAGE in str(error):
        wait = min(5 * 2**context.retry_number, 60)
        context.log.warning(f"the warehouse is locked by another process; trying again in {wait}s")
        raise dg.RetryRequested(max_retries=LOCK_RETRIES, seconds_to_wait=wait) from error


@contextmanager
def connect_or_retry(
    warehouse: Path, context: dg.OpExecutionContext, read_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse, closed on leaving; a lock held by another process becomes a retry."""
    try:
        con = duckdb.connect(str(warehouse), read_only=read_only)
    except duckdb.IOException as error:
        retry_if_locked(error, context)
        raise
    try:
        yield con
    finally:
        con.close()
