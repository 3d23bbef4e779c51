"""The marts published for BI tools, so that readers never hold the warehouse open.

Each publish copies the marts from the warehouse (opened read-only) into a new version folder: a serving
DuckDB file, one Parquet file per mart and a record of the dbt build they hold. Only when all are complete does
one pointer switch to it (serving/atomic_files.py), and the paths readers open (RADAR_SERVING_DB, RADAR_SERVING_DIR/
<table>.parquet, _published.json) are links through that pointer: a reader sees one version of the whole set,
the previous or the new, never a mix and never a partial file. A reader holding the old serving file keeps
reading it undisturbed; reopening it gives the new version. Knows nothing of Dagster.
"""

import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from orchestration.serving import serving_tables
from orchestration.serving.atomic_files import CURRENT, link_durably, new_version, switch_to
from orchestration.serving.serving_tables import ident, literal

MART_SCHEMA = "marts"
MARTS = (
    "lead_aging",
    "follow_up_coverage_daily",
    "follow_up_coverage_rollup_daily",
    "lead_state_counts",
    "metric_parameters",
    "lead_segment_profile",
    "lead_activity_buckets",
    "follow_up_depth_outcomes",
    "response_by_attempt",
    "call_list",
    "shiny_object_curve",
    "attention_by_age_weekly",
    "rep_scorecard_weekly",
)
DBT_PROJECT_NAME = "follow_up_radar"
# The serving file's format: readable by DuckDB 1.0 and later, since BI tools' DuckDB drivers lag the release
# that writes the warehouse (DuckDB 2 writes a format older releases cannot open unless told otherwise).
SERVING_STORAGE_VERSION = "v1.0.0"
# In every published version: which dbt build (intermediate.radar_builds) its files hold.
PUBLISHED_RECORD = "_published.json"
SERVING_FILE = "serving.duckdb"  # the serving file's name inside a version folder
BUILDS_TABLE = "intermediate.radar_builds"


@dataclass(frozen=True)
class MartDoc:
    """A mart and the descriptions dbt declares for it and its columns."""

    name: str
    description: str
    columns: dict[str, str]
    data_types: dict[str, str] = field(default_factory=dict)
    schema: str = MART_SCHEMA

    @property
    def qualified(self) -> str:
        return f"{ident(self.schema)}.{ident(self.name)}"


@dataclass(frozen=True)
class Published:
    serving_db: Path
    parquet: dict[str, Path]
    row_counts: dict[str, int]


@dataclass(frozen=True)
class Headline:
    """The numbers a reader looks at first: company coverage on the last complete day, neglected and open leads."""

    as_of: datetime | None
    day: date | None
    covered_leads: int
    due_leads: int
    neglected_leads: int
    open_leads: int

    @property
    def coverage(self) -> float | None:
        return self.covered_leads / self.due_leads if self.due_leads else None


def mart_docs(manifest: Path, names: Sequence[str] = MARTS) -> list[MartDoc]:
    """The marts' table and column descriptions, from dbt's manifest."""
    nodes = json.loads(manifest.read_text())["nodes"]
    docs = []
    for name in names:
        node = nodes[f"model.{DBT_PROJECT_NAME}.{name}"]
        columns = {column: spec.get("description", "").strip() for column, spec in node["columns"].items()}
        types = {column: spec.get("data_type") or "" for column, spec in node["columns"].items()}
        docs.append(MartDoc(name, node.get("description", "").strip(), columns, types))
    return docs


def publish(warehouse: Path, serving_db: Path, serving_dir: Path, docs: Sequence[MartDoc]) -> Published:
    """Copy the marts (and the monitoring tables, once they exist) into a new version of the published set, then
    switch the readers' paths to it at once."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        present = set(con.execute("select table_schema, table_name from information_schema.tables").fetchall())
        docs = [doc for doc in docs if doc.schema == MART_SCHEMA or (doc.schema, doc.name) in present]
        build = _build_number(con)
        version = new_version(serving_dir, f"build-{build or 0:06d}")
        try:
            with _serving_db(con, version / SERVING_FILE, docs):
                for doc in docs:
                    _copy_table(con, doc)
                for doc in docs:
                    _copy_parquet(con, doc, version / f"{doc.name}.parquet")
            row_counts = {doc.name: _count(con, doc) for doc in docs}
            (version / PUBLISHED_RECORD).write_text(json.dumps({"build_number": build}))
        except BaseException:
            shutil.rmtree(version, ignore_errors=True)
            raise
    switch_to(serving_dir, version)
    for name in [*(f"{doc.name}.parquet" for doc in docs), PUBLISHED_RECORD]:
        link_durably(serving_dir / name, f"{CURRENT}/{name}")
    link_durably(serving_db, os.path.relpath(serving_dir / CURRENT / SERVING_FILE, serving_db.parent))
    return Published(serving_db, {doc.name: parquet_path(serving_dir, doc.name) for doc in docs}, row_counts)


def published_build(serving_dir: Path) -> int | None:
    """The dbt build whose marts the published set holds (None before the first publish)."""
    try:
        return json.loads((serving_dir / PUBLISHED_RECORD).read_text())["build_number"]
    except (FileNotFoundError, KeyError, ValueError):
        return None


def _build_number(con: duckdb.DuckDBPyConnection) -> int | None:
    try:
        return con.execute(f"select max(build_number) from {BUILDS_TABLE}").fetchone()[0]
    except duckdb.CatalogException:
        return None


def parquet_path(serving_dir: Path, name: str) -> Path:
    """Where a published table's Parquet file lives."""
    return serving_dir / f"{name}.parquet"


def connect_serving(serving_db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a serving file on which its times read in UTC (DuckDB gives TIMESTAMPTZ values in
    the session's time zone, by default the machine's)."""
    con = duckdb.connect(str(serving_db), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    return con


def utc_text(moment: datetime | None) -> str:
    """A time read from a serving file, for people: `2024-03-12 12:00:00 UTC`."""
    return "n/a" if moment is None else f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def headline(serving_db: Path) -> Headline:
    """Read from the published file, as a BI tool would: company coverage from the rollup mart."""
    with connect_serving(serving_db) as con:
        return read_headline(con)


def read_headline(con: duckdb.DuckDBPyConnection) -> Headline:
    """The headline numbers on an open connection to a serving file (so a reader can take them from the same
    version of the file as its other reads)."""
    as_of, day = con.execute(
        f"select (select max(as_of) from {MART_SCHEMA}.metric_parameters), "
        f"(select max(day) from {MART_SCHEMA}.follow_up_coverage_rollup_daily)"
    ).fetchone()
    covered, due = con.execute(
        f"select coalesce(max(covered_leads), 0), coalesce(max(due_leads), 0) "
        f"from {MART_SCHEMA}.follow_up_coverage_rollup_daily where day = ? and scope_type = 'company'",
        [day],
    ).fetchone()
    neglected, open_leads = con.execute(
        f"select coalesce(max(neglected_leads), 0), coalesce(max(open_leads), 0) "
        f"from {MART_SCHEMA}.lead_state_counts where scope_type = 'company'"
    ).fetchone()
    return Headline(as_of, day, int(covered), int(due), int(neglected), int(open_leads))


@contextmanager
def _serving_db(con: duckdb.DuckDBPyConnection, path: Path, docs: Sequence[MartDoc]) -> Iterator[None]:
    """The new serving file attached as `serving`, with the docs' schemas."""
    con.execute(f"attach {literal(path)} as serving (read_write, storage_version {literal(SERVING_STORAGE_VERSION)})")
    try:
        for schema in sorted({doc.schema for doc in docs}):
            con.execute(f"create schema serving.{ident(schema)}")
        yield
    finally:
        con.execute("detach serving")  # checkpoints: the file is complete, no write-ahead log left beside it


def _copy_table(con: duckdb.DuckDBPyConnection, doc: MartDoc) -> None:
    """Create the serving table from the warehouse table's contract (serving_tables.py), then fill it."""
    table = f"serving.{doc.qualified}"
    definition = serving_tables.definition(con, doc.schema, doc.name)
    con.execute(serving_tables.create_sql(table, definition))
    con.execute(serving_tables.insert_sql(table, doc.qualified, definition))
    con.execute(f"comment on table {table} is {literal(doc.description)}")
    for column, description in doc.columns.items():
        con.execute(f"comment on column {table}.{ident(column)} is {literal(description)}")


def _copy_parquet(con: duckdb.DuckDBPyConnection, doc: MartDoc, path: Path) -> None:
    """The serving table (UTC-aware times, NOT NULL as required fields) as Parquet, with its descriptions."""
    definition = serving_tables.definition(con, doc.schema, doc.name)
    con.execute(
        serving_tables.parquet_copy_sql(f"serving.{doc.qualified}", str(path), definition, doc.description, doc.columns)
    )


def _count(con: duckdb.DuckDBPyConnection, doc: MartDoc) -> int:
    return con.execute(f"select count(*) from {doc.qualified}").fetchone()[0]

