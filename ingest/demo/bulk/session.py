"""The DuckDB session that turns the numpy world into text: world tables, lookup tables, macros."""

from importlib.resources import files
from pathlib import Path

import duckdb
import numpy as np

from ingest.demo.bulk import events, names, outcomes, people, texts, touches
from ingest.demo.bulk.world import World

SQL_FILES = ("macros.sql", "people.sql", "salesforce.sql", "mbox.sql", "sendgrid.sql")
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)",
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
)


def _lookups(world: World) -> dict[str, dict[str, np.ndarray]]:
    """Small text tables the SQL joins to by index (`i`)."""
    teams = people.team_count(world.size.reps)
    tables: dict[str, tuple] = {
        "rep_first": names.REP_FIRST, "rep_last": names.REP_LAST,
        "lead_first": names.LEAD_FIRST, "lead_last": names.LEAD_LAST, "company_head": names.COMPANY_HEAD,
        "titles": names.TITLES, "sources": tuple(s for s, _ in names.LEAD_SOURCES),
        "teams": tuple(people.team_name(t, teams) for t in range(teams)), "statuses": outcomes.STATUSES,
        "task_subjects": touches.TASK_SUBJECTS, "dispositions": touches.DISPOSITIONS,
        "event_types": events.EVENT_TYPES, "user_agents": USER_AGENTS,
    }  # fmt: skip
    found = {name: _columns(("s",), [(value,) for value in values]) for name, values in tables.items()}
    found["company_tail"] = _columns(("tail", "industry"), names.COMPANY_TAIL)
    found["countries"] = _columns(("country", "suffix"), [c[:2] for c in names.COUNTRIES])
    found["templates"] = _columns(("category", "subject", "body"), texts.TEMPLATES)
    return found


def _columns(columns: tuple[str, ...], rows) -> dict[str, np.ndarray]:
    found = {"i": np.arange(len(rows))}
    for position, name in enumerate(columns):
        found[name] = np.array([row[position] for row in rows], dtype=object)
    return found


def _table(columns: dict[str, np.ndarray], index: str | None = None) -> dict[str, np.ndarray]:
    """A world table for DuckDB: `at` (a keyword there) becomes `stamp`; `index` numbers the rows from 0."""
    renamed = {"stamp" if name == "at" else name: column for name, column in columns.items()}
    if index is None:
        return renamed
    return {index: np.arange(next(iter(columns.values())).size), **renamed}


def _qp_macro() -> str:
    """`qp_chars(s)`: the UTF-8 bytes of every non-ASCII character our texts can hold, as =XX escapes."""
    expression = "s"
    for char in texts.non_ascii(names.LEAD_FIRST, names.LEAD_LAST, names.COMPANY_HEAD):
        escaped = "".join(f"={byte:02X}" for byte in char.encode())
        expression = f"replace({expression}, '{char}', '{escaped}')"
    return f"create or replace macro qp_chars(s) as {expression};"


def _load(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, np.ndarray]) -> None:
    """Copy numpy columns into a DuckDB table: native tables prune row groups on range filters, so each of
    the many chunked queries reads its part only (a registered numpy table is scanned whole every time)."""
    con.register("incoming", columns)
    con.execute(f"create table {name} as select * from incoming")
    con.unregister("incoming")


def connect(world: World, temp_dir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"threads": 2, "memory_limit": "2GB", "temp_directory": str(temp_dir)})
    con.execute("set enable_progress_bar = false")
    for name, table in {"users": world.users, "leads": world.leads, "messages": world.messages}.items():
        _load(con, f"w_{name}", _table(table, name[0]))
    for name, table in {"changes": world.changes, "tasks": world.tasks, "copies": world.copies}.items():
        _load(con, f"w_{name}", _table(table))
    _load(con, "w_events", _table(world.events, "e"))
    _load(con, "w_deliveries", _table(world.deliveries, "d"))
    for name, table in _lookups(world).items():
        _load(con, f"lk_{name}", table)
    con.execute(f"set variable seed = '{world.seed}'")
    con.execute(f"set variable company_domain = '{names.COMPANY_DOMAIN}'")
    con.execute(f"set variable user_agents = {len(USER_AGENTS)}")
    con.execute(_qp_macro())
    for name in SQL_FILES:
        con.execute(files("ingest.demo.bulk").joinpath(name).read_text(encoding="utf-8"))
    return con
