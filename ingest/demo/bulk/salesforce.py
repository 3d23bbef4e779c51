"""Write the Salesforce CSVs: Data Export snapshots in the base, delta exports in the increment."""

from pathlib import Path

import duckdb
import numpy as np

from ingest.demo.bulk.sizes import naive_utc
from ingest.demo.bulk.world import World

MAX_ROWS = 500_000  # Data Export splits an object into files of at most this many rows
COLUMNS = {
    "User": ("Id", "Name", "Email", "Department", "ManagerId", "IsActive"),
    "Lead": ("Id", "FirstName", "LastName", "Email", "Title", "Company", "Industry", "NumberOfEmployees",
             "AnnualRevenue", "Country", "LeadSource", "Status", "OwnerId", "IsConverted", "ConvertedDate",
             "CreatedDate", "LastModifiedDate", "IsDeleted"),
    "Task": ("Id", "WhoId", "OwnerId", "Subject", "TaskSubtype", "CallDisposition", "CallDurationInSeconds",
             "Status", "ActivityDate", "CompletedDateTime", "CreatedDate", "LastModifiedDate", "IsDeleted"),
    "LeadHistory": ("Id", "LeadId", "Field", "OldValue", "NewValue", "CreatedDate"),
}  # fmt: skip


def _copy(con: duckdb.DuckDBPyConnection, obj: str, rows: str, where: str, path: Path) -> int:
    """One CSV as Data Export writes it: a header of API names, every value quoted, in Id order. `rows` is
    a table macro call whose first column (`no`) numbers the rows in Id order."""
    columns = ", ".join(f'"{c}"' for c in COLUMNS[obj])
    query = f"select {columns} from {rows} where {where} order by no"
    return con.execute(f"copy ({query}) to '{path}' (header, force_quote *)").fetchone()[0]


def _parts(con: duckdb.DuckDBPyConnection, obj: str, rows: str, count: int, stem: Path) -> int:
    """Rows numbered 1..count, in files of MAX_ROWS at most: `<stem>_01.csv`, `<stem>_02.csv`, ..."""
    written = 0
    for part, lo in enumerate(range(1, count + 1, MAX_ROWS), start=1):
        where = f"no between {lo} and {lo + MAX_ROWS - 1}"
        written += _copy(con, obj, rows, where, stem.with_name(f"{stem.name}_{part:02d}.csv"))
    return written


def _day(seconds: int) -> str:
    return naive_utc(seconds).date().isoformat()


def _upto(times: np.ndarray, at: int) -> int:
    """How many of the (ascending) times are at or before `at`: the rows an export taken then holds."""
    return int(np.searchsorted(times, at, side="right"))


def write_base(con: duckdb.DuckDBPyConnection, world: World, folder: Path) -> dict[str, int]:
    """User.csv; full Lead exports at the earlier export and at the base as-of; the tasks still open at the
    earlier export (the full Task export has them again, most of them completed since); LeadHistory."""
    folder.mkdir(parents=True, exist_ok=True)
    p = world.period
    leads, tasks, changes = world.leads["created"], world.tasks["created"], world.changes["at"]
    still_open = "kind = 2 and not done and not deleted"
    rows = {"User": _copy(con, "User", f"user_export({p.base})", "true", folder / "User.csv")}
    rows["Lead"] = _parts(con, "Lead", f"lead_export({p.earlier})", _upto(leads, p.earlier),
                          folder / f"Lead_{_day(p.earlier)}")  # fmt: skip
    rows["Lead"] += _parts(con, "Lead", f"lead_export({p.base})", _upto(leads, p.base), folder / f"Lead_{_day(p.base)}")
    rows["Task"] = _copy(con, "Task", f"task_export({p.earlier}, 0)", still_open,
                         folder / f"Task_{_day(p.earlier)}_open.csv")  # fmt: skip
    rows["Task"] += _parts(con, "Task", f"task_export({p.base}, 1)", _upto(tasks, p.base),
                           folder / f"Task_{_day(p.base)}")  # fmt: skip
    rows["LeadHistory"] = _parts(con, "LeadHistory", f"history_export(0, {p.base})", _upto(changes, p.base),
                                 folder / f"LeadHistory_{_day(p.base)}")  # fmt: skip
    return rows


def write_increment(con: duckdb.DuckDBPyConnection, world: World, folder: Path) -> dict[str, int]:
    """The next day's delta exports: leads and tasks created or modified that day (full rows), its history."""
    folder.mkdir(parents=True, exist_ok=True)
    p = world.period
    day, changed = _day(p.increment), f"modified > {p.base}"
    return {
        "Lead": _copy(con, "Lead", f"lead_export({p.increment})", changed, folder / f"Lead_{day}_delta.csv"),
        "Task": _copy(con, "Task", f"task_export({p.increment}, 2)", changed, folder / f"Task_{day}_delta.csv"),
        "LeadHistory": _copy(con, "LeadHistory", f"history_export({p.base}, {p.increment})", "true",
                             folder / f"LeadHistory_{day}_delta.csv"),
    }  # fmt: skip
