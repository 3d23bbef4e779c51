"""What an exception raised while a file is read means for the load: the file's own faults fail that file and
the others go on; a file that cannot be read any more is left for the next run; the machine's trouble stops the
run, as it would stop any other file."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager

import duckdb

from ingest.records import Batch, FileRejected, Staged

# DuckDB errors caused by a file's values rather than by the database: the file fails, the others go on.
DATA_ERRORS = (duckdb.ConversionException, duckdb.OutOfRangeException, duckdb.InvalidInputException)
ENVIRONMENT_ERRORS = (duckdb.IOException, duckdb.OutOfMemoryException, duckdb.InterruptException)
# What the warehouse itself raises when it cannot take a file's rows: the machine's trouble, not the file's
# (DuckDB reports a commit that could not write its log, on a full disk say, as a transaction error).
WAREHOUSE_ERRORS = (*ENVIRONMENT_ERRORS, duckdb.TransactionException, duckdb.FatalException)


class ParserDefect(Exception):
    """A reader failed on a file in a way it did not foresee (args[0] is its exception)."""


class WarehouseWriteFailed(Exception):
    """The warehouse could not take a file (a full disk, no memory left, an interrupt): the run stops, since no
    other file could be written either, and nothing of the file is kept."""

    def __init__(self, paths: list[str], cause: Exception):
        first_line = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
        super().__init__(
            f"{', '.join(paths)}: the warehouse could not be written ({first_line}); nothing of "
            f"{'this file' if len(paths) == 1 else 'these files'} was kept. Free the space (or memory) and run "
            "again: the file loads whole then."
        )


class FileChanged(Exception):
    """The file was rewritten, or vanished, while it was being loaded."""


def as_file_failure(exc: Exception) -> Exception:
    """A reader's exception as the load sees it: rejected, refused values and the machine's trouble as they
    are; an OSError (the file vanished or cannot be opened) as a changed file; anything else a defect."""
    if isinstance(exc, (FileRejected, *ENVIRONMENT_ERRORS, *DATA_ERRORS)):
        return exc
    if isinstance(exc, OSError):
        return FileChanged(exc)
    return ParserDefect(exc)


@contextmanager
def reading(open_reader: Callable[[], AbstractContextManager[Staged]]) -> Iterator[Staged]:
    """Enter a reader, its exceptions translated; exceptions of the body (the loader's own) pass unchanged."""
    with ExitStack() as stack:
        try:
            staged = stack.enter_context(open_reader())
        except Exception as exc:
            raise as_file_failure(exc) from exc
        yield staged


def steps(batches: Iterator[Batch]) -> Iterator[Batch]:
    """A reader's batches, its exceptions translated (not those of the inserts between them)."""
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except Exception as exc:
            raise as_file_failure(exc) from exc
        yield batch
