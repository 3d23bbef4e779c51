"""Small helpers for the readers' SQL: the macro scripts kept beside the modules, names and literals."""

import itertools
from functools import cache
from pathlib import Path

import duckdb

_HERE = Path(__file__).parent
_counter = itertools.count(1)


@cache
def _script(name: str) -> str:
    return (_HERE / name).read_text(encoding="utf-8")


def run_script(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Run one of the package's .sql files (temporary macros: cheap, and idempotent per connection)."""
    con.execute(_script(name))


def temp_name(prefix: str) -> str:
    """A temporary table name unique within this process."""
    return f"_radar_{prefix}_{next(_counter)}"


def quoted(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
