"""The DuckDB warehouse as a Dagster resource: where it is, one way to connect, its concurrency pool, and the
mark a run leaves while it may hold the pool's slot.

DuckDB allows one writing process: every asset that opens the warehouse runs in its pool (`warehouse-<hash of
the path>`), whose limit the instance's dagster.yaml sets to 1. A run process that dies holding the slot would
keep it for good; so a run using this resource holds a shared lock on a file of its own (`<DAGSTER_HOME>/
radar-runs/<run_id>.lock`) while it executes. The kernel drops the lock with the process, which is how
`run_liveness` tells a dead run from a live one."""

import fcntl
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import dagster as dg
import duckdb
from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext
from pydantic import PrivateAttr

from orchestration import settings
from orchestration.lib import run_liveness


def pool_for(warehouse: Path) -> str:
    """The concurrency pool of one warehouse file (the instance gives every pool the limit 1): runs on another
    warehouse, sharing the Dagster instance, never wait for this one's."""
    return f"warehouse-{hashlib.sha256(str(warehouse).encode()).hexdigest()[:8]}"


WAREHOUSE_POOL = pool_for(settings.warehouse_path())

# A writer outside Dagster (`radar reprocess`, a tool holding the file open) can still hold DuckDB's file
# lock: a step that meets it waits and tries again, 5, 10, 20, 40, 60 seconds later.
LOCK_RETRIES = 5
LOCK_WAITS = (5, 10, 20, 40, 60)
_LOCK_MESSAGE = "Could not set lock on file"
Opener = Callable[[Path], duckdb.DuckDBPyConnection]


def retry_if_locked(error: Exception, context: dg.OpExecutionContext) -> None:
    """Turn a DuckDB lock conflict into a Dagster retry with backoff; any other error is left alone."""
    if _LOCK_MESSAGE in str(error):
        wait = min(5 * 2**context.retry_number, 60)
        context.log.warning(f"the warehouse is locked by another process; trying again in {wait}s")
        raise dg.RetryRequested(max_retries=LOCK_RETRIES, seconds_to_wait=wait) from error


def _op_context(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> dg.OpExecutionContext:
    return context.op_execution_context


class Warehouse(dg.ConfigurableResource):
    """The DuckDB file every layer writes (RADAR_WAREHOUSE, which dbt's profiles.yml reads too)."""

    path: str
    _liveness: IO | None = PrivateAttr(default=None)
    _lock_file: Path | None = PrivateAttr(default=None)

    @property
    def file(self) -> Path:
        return Path(self.path)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if context.instance is None or context.run_id is None:
            return
        lock = run_liveness.lock_path(context.instance, context.run_id)
        lock.parent.mkdir(parents=True, exist_ok=True)
        # Locked under a name of its own first: under its real name the file is never seen unlocked while alive.
        starting = lock.with_name(f".{lock.name}.{os.getpid()}")
        self._liveness = open(starting, "a")  # noqa: SIM115 - held until teardown_after_execution
        fcntl.flock(self._liveness, fcntl.LOCK_SH)
        os.replace(starting, lock)
        self._lock_file = lock
        # A run queued behind another says so in its log until the writer is free (Dagster's own wait for a
        # pool slot speaks every five minutes).
        run_liveness.wait_for_writer(context.instance, WAREHOUSE_POOL, context.log.info, run_id=context.run_id)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._liveness is not None:
            self._lock_file.unlink(missing_ok=True)
            self._liveness.close()
            self._liveness = None

    @contextmanager
    def connect(
        self, context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext, read_only: bool = False,
        opener: Opener | None = None,
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection (from `opener`, else plain DuckDB), closed on leaving; a lock held by another process
        becomes a retry of the step."""
        try:
            con = opener(self.file) if opener else duckdb.connect(str(self.file), read_only=read_only)
        except duckdb.IOException as error:
            retry_if_locked(error, _op_context(context))
            raise
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def briefly(self, context: dg.AssetExecutionContext) -> Iterator[duckdb.DuckDBPyConnection]:
        """For a step outside the writer's pool (one that waits on the network between its transactions): the
        pool's slot and a connection, both held only inside the block. A lock held outside Dagster is waited out
        here rather than by retrying the step, which would repeat the work done between the blocks."""
        with holding_writer_slot(context):
            con = self._connect_waiting(context)
            try:
                yield con
            finally:
                con.close()

    def _connect_waiting(self, context: dg.AssetExecutionContext) -> duckdb.DuckDBPyConnection:
        waits = iter(LOCK_WAITS)
        while True:
            try:
                return duckdb.connect(str(self.file))
            except duckdb.IOException as error:
                wait = next(waits, None)
                if _LOCK_MESSAGE not in str(error) or wait is None:
                    raise
                context.log.warning(f"the warehouse is locked by another process; trying again in {wait}s")
                time.sleep(wait)


@contextmanager
def holding_writer_slot(context: dg.AssetExecutionContext, pool: str = WAREHOUSE_POOL) -> Iterator[None]:
    """The pool's slot for the block, claimed and queued for as Dagster's executor does for a pooled step (under
    a step key of its own), and freed on leaving."""
    step_key = f"{context.get_step_execution_context().step.key}[{pool}]"
    with InstanceConcurrencyContext(context.instance, context.run) as slots:
        while not slots.claim(pool, step_key):
            time.sleep(max(slots.interval_to_next_pending_claim_check(), 0.1))
        try:
            yield
        finally:
            slots.free_step(step_key)
