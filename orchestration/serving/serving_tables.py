"""How a warehouse table is laid out for BI readers: its definition in the serving file and its Parquet copy.

The warehouse keeps times as naive `TIMESTAMP`s that hold UTC. Readers must not have to know that, so a
published table declares them `TIMESTAMPTZ` (UTC-adjusted in Parquet too), and its other columns and constraints
are those of the warehouse table: dbt-duckdb creates each contracted mart from its contract (the declared types,
NOT NULL, primary and unique keys) and then inserts into it, and the monitoring tables are created from their
DDL, so the warehouse's catalog is the contract. The serving table is created from that definition and then
filled, which keeps the constraints (`CREATE TABLE AS` would drop them).

In Parquet, JSON columns are written as text (a string column holding the JSON document): Polars reads
DuckDB's JSON logical type as binary. The table's and every column's description go into the file's key-value
metadata (DuckDB's Parquet writer has no per-field metadata).
"""

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb

NAIVE_UTC = "TIMESTAMP"
JSON = "JSON"
TABLE_DESCRIPTION_KEY = "description"
PUBLISHED_KEYS = ("PRIMARY KEY", "UNIQUE")


def published_type(declared: str) -> str:
    """The type a warehouse column of this type is published as: naive UTC timestamps become UTC-aware, and the
    contracts' `string` (the name every dbt target has) is DuckDB's varchar."""
    name = declared.strip().upper()
    return "timestamptz" if name == NAIVE_UTC else "varchar" if name == "STRING" else declared


def column_description_key(column: str) -> str:
    """The Parquet key-value metadata key of a column's description."""
    return f"description.{column}"


@dataclass(frozen=True)
class Column:
    name: str
    warehouse_type: str
    not_null: bool

    @property
    def serving_type(self) -> str:
        return published_type(self.warehouse_type)


@dataclass(frozen=True)
class TableDefinition:
    columns: tuple[Column, ...]
    keys: tuple[tuple[str, tuple[str, ...]], ...]  # (PRIMARY KEY or UNIQUE, its columns)


def definition(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> TableDefinition:
    """The columns, NOT NULL and keys of a table in the connection's own database."""
    where = "database_name = current_database() and schema_name = ? and table_name = ?"
    columns = con.execute(
        f"select column_name, data_type, not is_nullable from duckdb_columns() where {where} order by column_index",
        [schema, table],
    ).fetchall()
    keys = con.execute(
        f"select constraint_type, constraint_column_names from duckdb_constraints() where {where} "
        "and list_contains(?, constraint_type) order by constraint_index",
        [schema, table, list(PUBLISHED_KEYS)],
    ).fetchall()
    return TableDefinition(tuple(Column(*column) for column in columns), tuple((k, tuple(cs)) for k, cs in keys))


def create_sql(table: str, definition: TableDefinition) -> str:
    """CREATE TABLE for the serving copy of a table: its columns with serving types, NOT NULL and keys."""
    columns = [f"{ident(c.name)} {c.serving_type}{' not null' if c.not_null else ''}" for c in definition.columns]
    keys = [f"{kind} ({', '.join(ident(c) for c in names)})" for kind, names in definition.keys]
    return f"create table {table} ({', '.join(columns + keys)})"


def insert_sql(target: str, source: str, definition: TableDefinition) -> str:
    """INSERT of a warehouse table's rows into its serving copy, naive UTC times made UTC-aware."""
    names = ", ".join(ident(c.name) for c in definition.columns)
    values = ", ".join(_aware(c) for c in definition.columns)
    return f"insert into {target} ({names}) select {values} from {source}"


def parquet_copy_sql(
    table: str, path: str, definition: TableDefinition, description: str, columns: Mapping[str, str]
) -> str:
    """COPY of a serving table to Parquet: JSON as text, the descriptions in the key-value metadata."""
    values = ", ".join(_as_text_if_json(c) for c in definition.columns)
    metadata = {TABLE_DESCRIPTION_KEY: description} | {
        column_description_key(c.name): columns.get(c.name, "") for c in definition.columns
    }
    return f"copy (select {values} from {table}) to {literal(path)} (format parquet, kv_metadata {_struct(metadata)})"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _aware(column: Column) -> str:
    name = ident(column.name)
    return f"timezone('UTC', {name})" if column.warehouse_type == NAIVE_UTC else name


def _as_text_if_json(column: Column) -> str:
    name = ident(column.name)
    return f"cast({name} as varchar) as {name}" if column.warehouse_type == JSON else name


def _struct(values: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{literal(key)}: {literal(value)}" for key, value in values.items()) + "}"
