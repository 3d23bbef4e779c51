"""The DuckDB floor of the benchmark: what a skilled DuckDB user gets from the landing folder with DuckDB's native
readers and one SQL script. It computes `lead_aging` and `follow_up_coverage_daily` exactly as METRICS.md defines
them at an as-of time T, independently of the pipeline, so the benchmark can also compare the marts cell for cell.

    .venv/bin/python tests/benchmarks/floor.py --landing DIR --as-of 2024-06-30T18:00:00 --out /tmp/floor.duckdb

Salesforce CSVs are read with `read_csv` (explicit dialect, every field as text; the loader's typing and rejection
rules are SQL in floor/salesforce.sql), mbox files as lines with `read_csv` and parsed in floor/mailbox.sql, SendGrid
bodies with `read_json_objects`; floor/marts.sql then computes both marts. Python only lists the files and reads each
CSV's header line: the fields of an export are named by it, in any order.
"""

import argparse
import csv
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import yaml

ROOT = Path(__file__).resolve().parents[2]
SQL_DIR = Path(__file__).with_name("floor")
SEEDS = ROOT / "dbt_project" / "seeds"
PATTERNS = {"salesforce": ("*.csv",), "mailbox": ("*.mbox",), "sendgrid": ("*.json", "*.jsonl")}
# The object an export holds, by file name prefix (longest first: LeadHistory_x.csv is no Lead export): the table
# its rows go to, and the fields without which the loader fails the whole file.
OBJECTS = {
    "LeadHistory": ("sf_lead_history_text", ("Id", "LeadId", "Field", "CreatedDate")),
    "Lead": ("sf_leads_text", ("Id", "Status", "OwnerId", "CreatedDate", "LastModifiedDate")),
    "Task": ("sf_tasks_text", ("Id", "WhoId", "OwnerId", "Status", "CreatedDate", "LastModifiedDate")),
    "User": ("sf_users_text", ("Id", "Name")),
}
# Malformed rows (wrong field count, stray quotes) are skipped, as the loader rejects them; rejects are stored so
# that a file that is not UTF-8, which the loader fails whole, can be dropped whole. Strict mode cannot read a file
# whose lines end in both LF and CRLF (the loader can): such a file is read leniently, where a stray quote is kept.
CSV_DIALECT = (
    "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', ignore_errors = true, "
    "store_rejects = true, filename = true"
)
# A line is a line: no delimiter or quote can occur in it (unit separator), every byte decodes (latin-1), and both
# LF and CRLF end it. Addresses and dates are ASCII, so nothing the marts read depends on the charset.
LINE_DIALECT = (
    "columns = {'line': 'VARCHAR'}, header = false, auto_detect = false, delim = '\x1f', quote = '', escape = '', "
    "new_line = '\\r\\n', encoding = 'latin-1', strict_mode = false, max_line_size = 100000000, filename = true"
)


def landed(landing: Path) -> dict[str, list[Path]]:
    """Each source's ready files in load order (name order): as the loader finds them, dot-files and files in
    dot-folders are still in flight."""

    def ready(path: Path, folder: Path) -> bool:
        return path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)

    found = {}
    for source, patterns in PATTERNS.items():
        folder = landing / source
        paths = (
            {p for pattern in patterns for p in folder.rglob(pattern) if ready(p, folder)} if folder.is_dir() else set()
        )
        found[source] = sorted(paths)
    return found


def _sql(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute((SQL_DIR / name).read_text())


def _header(path: Path, required: tuple[str, ...]) -> tuple[str, ...] | None:
    """The export's field names from its first line, or None when the loader fails the whole file: an unreadable
    header, a repeated field, a required field missing."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = tuple(name.strip() for name in next(csv.reader([handle.readline()]), []))
    except (UnicodeDecodeError, csv.Error):
        return None
    if len(set(header)) < len(header) or not set(required) <= set(header):
        return None
    return header


def _read_exports(con: duckdb.DuckDBPyConnection, table: str, header: tuple[str, ...], paths: list[Path]) -> None:
    """Exports of one object with one header, in one read if they all read strictly: columns are positional (c0,
    c1, ...) so any header text is fine, and the table's declared fields are picked by name."""
    declared = {row[0] for row in con.execute(f"select name from pragma_table_info('{table}')").fetchall()}
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
    picked = ", ".join(f'c{i} as "{name}"' for i, name in enumerate(header) if name in declared)

    def read(files: list[Path], strict: bool) -> None:
        con.execute(
            f"insert into {table} by name select filename, {picked} "
            f"from read_csv(?, columns = {{{columns}}}, strict_mode = {strict}, {CSV_DIALECT})",
            [[str(p) for p in files]],
        )
        con.execute(
            f"delete from {table} where filename in (select scans.file_path from reject_scans as scans "
            "inner join reject_errors as errors using (scan_id, file_id) where errors.error_type = 'INVALID ENCODING')"
        )

    try:
        read(paths, strict=True)
    except duckdb.InvalidInputException:
        for path in paths:
            try:
                read([path], strict=True)
            except duckdb.InvalidInputException:
                read([path], strict=False)


def _load_salesforce(con: duckdb.DuckDBPyConnection, paths: list[Path]) -> None:
    groups: dict[tuple[str, tuple[str, ...]], list[Path]] = defaultdict(list)
    for path in paths:
        obj = next((name for name in OBJECTS if path.name.startswith(name)), None)
        header = _header(path, OBJECTS[obj][1]) if obj else None
        if header is not None:
            groups[OBJECTS[obj][0], header].append(path)
    for (table, header), group in groups.items():
        _read_exports(con, table, header, group)
    _sql(con, "salesforce.sql")


def _load_mailbox(con: duckdb.DuckDBPyConnection, paths: list[Path]) -> None:
    if paths:
        con.execute(
            f"insert into mbox_lines select filename, line from read_csv(?, {LINE_DIALECT})", [[str(p) for p in paths]]
        )
    _sql(con, "mailbox.sql")


def _read_json(con: duckdb.DuckDBPyConnection, paths: list[Path], options: str) -> None:
    con.execute(
        f"insert into sendgrid_text select filename, json from read_json_objects(?, {options}, filename = true)",
        [[str(p) for p in paths]],
    )


def _load_sendgrid(con: duckdb.DuckDBPyConnection, paths: list[Path]) -> None:
    """A `.json` body that is not one JSON array fails its file (the others are read again without it); an
    unreadable `.jsonl` line is one rejected event."""
    bodies = [p for p in paths if p.suffix == ".json"]
    lines = [p for p in paths if p.suffix == ".jsonl"]
    if bodies:
        try:
            _read_json(con, bodies, "format = 'array'")
        except duckdb.InvalidInputException:
            readable = [p for p in bodies if _is_json_array(con, p)]
            if readable:
                _read_json(con, readable, "format = 'array'")
    if lines:
        _read_json(con, lines, "format = 'newline_delimited', ignore_errors = true")
    _sql(con, "sendgrid.sql")


def _is_json_array(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    try:
        con.execute("select count(*) from read_json_objects(?, format = 'array')", [str(path)]).fetchall()
    except duckdb.InvalidInputException:
        return False
    return True


def _load_seeds(con: duckdb.DuckDBPyConnection) -> None:
    """The status and call-disposition mappings, from the dbt project's seeds."""
    for table, columns in (
        ("lead_status_mapping", "{'status': 'VARCHAR', 'status_category': 'VARCHAR'}"),
        ("call_disposition_mapping", "{'call_disposition': 'VARCHAR', 'is_connected': 'BOOLEAN'}"),
    ):
        con.execute(
            f"insert into {table} select * from read_csv(?, header = true, auto_detect = false, delim = ',', "
            f"quote = '\"', columns = {columns})",
            [str(SEEDS / f"{table}.csv")],
        )


def load(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    """The landing folder into typed tables, with the rows the loader rejects left out."""
    _sql(con, "landed.sql")
    files = landed(landing)
    ordered = [(source, str(path)) for source in PATTERNS for path in files[source]]
    if ordered:
        con.executemany("insert into landed_files values (?, ?, ?)", [(i, *f) for i, f in enumerate(ordered, start=1)])
    _load_seeds(con)
    _load_salesforce(con, files["salesforce"])
    _load_mailbox(con, files["mailbox"])
    _load_sendgrid(con, files["sendgrid"])


def set_parameters(con: duckdb.DuckDBPyConnection, as_of: datetime) -> None:
    """T and the metric parameters, from where the pipeline configures them (dbt_project.yml vars)."""
    params = yaml.safe_load((ROOT / "dbt_project" / "dbt_project.yml").read_text())["vars"]
    if as_of.tzinfo is not None:
        as_of = as_of.astimezone(UTC).replace(tzinfo=None)
    con.execute(f"set variable as_of = timestamp '{as_of.isoformat(sep=' ')}'")
    for name in ("first_touch_sla_hours", "cadence_days", "max_attempts", "email_task_match_minutes"):
        con.execute(f"set variable {name} = {int(params[name])}")
    edges = ", ".join(str(int(edge)) for edge in params["aging_bucket_edges"])
    con.execute(f"set variable aging_bucket_edges = [{edges}]")


def run_floor(landing: Path, as_of: datetime, out: Path) -> dict:
    """Both marts at `as_of` into the DuckDB file `out` (tables lead_aging, follow_up_coverage_daily); returns the
    seconds each phase took."""
    out = Path(out)
    for stale in (out, Path(f"{out}.wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(out))
    con.execute("set enable_progress_bar = false")
    try:
        started = time.perf_counter()
        load(con, Path(landing))
        loaded = time.perf_counter()
        set_parameters(con, as_of)
        _sql(con, "marts.sql")
        done = time.perf_counter()
    finally:
        con.close()
    return {"load": loaded - started, "marts": done - loaded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--as-of", type=datetime.fromisoformat, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    for phase, seconds in run_floor(args.landing, args.as_of, args.out).items():
        print(f"{phase}: {seconds:.3f} s")


if __name__ == "__main__":
    main()
