"""Compare the headline marts of two DuckDB files row for row, so the benchmark knows its three implementations agree.

    .venv/bin/python tests/benchmarks/compare.py data/warehouse.duckdb /tmp/floor.duckdb --schema-a marts

Each table is compared in both directions with EXCEPT ALL on every column: duplicates count, floats are rounded to
9 decimals (implementations may sum in another order), and every timestamp is compared as naive UTC (a reader may
hand back TIMESTAMPTZ or nanoseconds).
"""

import argparse
import sys
from pathlib import Path

import duckdb

TABLES = ("lead_aging", "follow_up_coverage_daily")
SAMPLES = 5
FLOATS = ("DOUBLE", "FLOAT", "REAL")
INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")


def _normalised(column: str, data_type: str) -> str:
    quoted = f'"{column}"'
    if data_type in FLOATS or data_type.startswith("DECIMAL"):
        return f"round({quoted}::double, 9) as {quoted}"
    if data_type == "TIMESTAMP WITH TIME ZONE":
        return f"timezone('UTC', {quoted}) as {quoted}"
    if data_type.startswith("TIMESTAMP"):
        return f"{quoted}::timestamp as {quoted}"
    if data_type in INTEGERS:
        return f"{quoted}::bigint as {quoted}"
    return quoted


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> dict[str, str]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()
    return dict(rows)


def _only_in(con: duckdb.DuckDBPyConnection, first: str, second: str) -> tuple[int, list[tuple]]:
    query = f"({first}) except all ({second})"
    count = con.execute(f"select count(*) from ({query})").fetchone()[0]
    return count, con.execute(f"select * from ({query}) order by all limit {SAMPLES}").fetchall()


def _compare_table(con: duckdb.DuckDBPyConnection, table: str, schema_a: str, schema_b: str) -> list[str]:
    columns_a = _columns(con, "a", schema_a, table)
    columns_b = _columns(con, "b", schema_b, table)
    if not columns_a or not columns_b:
        missing = " and ".join(side for side, cols in (("A", columns_a), ("B", columns_b)) if not cols)
        return [f"{table}: missing in {missing}"]
    if list(columns_a) != list(columns_b):
        return [f"{table}: columns differ: A has {list(columns_a)}, B has {list(columns_b)}"]
    select_a = ", ".join(_normalised(c, t) for c, t in columns_a.items())
    select_b = ", ".join(_normalised(c, t) for c, t in columns_b.items())
    query_a = f"select {select_a} from a.{schema_a}.{table}"
    query_b = f"select {select_b} from b.{schema_b}.{table}"
    lines = []
    for label, first, second in (("A", query_a, query_b), ("B", query_b, query_a)):
        count, samples = _only_in(con, first, second)
        if count:
            lines.append(f"{table}: {count} row(s) only in {label}, e.g.:")
            lines += [f"  {dict(zip(columns_a, row, strict=True))}" for row in samples]
    if lines:
        totals = [con.execute(f"select count(*) from ({q})").fetchone()[0] for q in (query_a, query_b)]
        lines.insert(0, f"{table}: A has {totals[0]} rows, B has {totals[1]}")
    return lines


def compare_marts(a: Path, b: Path, schema_a: str = "main", schema_b: str = "main") -> list[str]:
    """Human-readable mismatches between the marts in DuckDB files `a` and `b` (tables in the given schemas);
    empty when both tables are equal."""
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("attach ? as a (read_only)", [str(a)])
        con.execute("attach ? as b (read_only)", [str(b)])
        return [line for table in TABLES for line in _compare_table(con, table, schema_a, schema_b)]
    finally:
        con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--schema-a", default="main")
    parser.add_argument("--schema-b", default="main")
    args = parser.parse_args()
    mismatches = compare_marts(args.a, args.b, args.schema_a, args.schema_b)
    print("\n".join(mismatches) or "equal")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
