"""What keeps the dbt project's SQL portable (DESIGN.md "Scale path"): found in the source, not in compiled SQL.

- no double-quoted identifiers: Spark reads "Id" as the string 'Id' (use adapter.quote('Id') or a plain name);
- no `::` casts, no DuckDB-only functions or clauses where dbt has a cross-database macro, unless inside the
  default__, duckdb__ or spark__ implementation of a dispatched macro (adapter.dispatch): each of those is
  written for its engine;
- no dbt.datediff in milliseconds or microseconds: dbt-spark renders it as a sum without parentheses, so a
  division after it divides only its last term (use milliseconds_between);
- contract and seed column types that every target has (`string`, not `varchar`, which Spark lacks).

SQL text is read with Jinja comments, SQL comments and string literals set aside; the string literals inside
Jinja tags (SQL handed to macros, like salesforce_id('"Id"')) are read as SQL too.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

# DuckDB functions and clauses with no Spark twin of the same meaning, and what to write instead.
DUCKDB_ONLY = {
    "string_agg": "dbt.listagg or a dispatched macro",
    "list_aggr": "a dispatched macro",
    "list_value": "a dispatched macro",
    "list_contains": "`in (...)` or a dispatched macro",
    "array_to_string": "a dispatched macro",
    "date_diff": "dbt.datediff",
    "datediff": "dbt.datediff",
    "date_trunc": "dbt.date_trunc",
    "date_add": "dbt.dateadd",
    "epoch": "a dispatched macro",
    "epoch_ms": "a dispatched macro (milliseconds_between)",
    "epoch_us": "a dispatched macro",
    "strftime": "a dispatched macro",
    "strptime": "a dispatched macro",
    "strpos": "dbt.position",
    "regexp_matches": "a dispatched macro",
    "json_extract": "a dispatched macro",
    "json_extract_string": "a dispatched macro",
    "struct_pack": "a dispatched macro",
    "generate_series": "dbt.generate_series",
    "unnest": "a dispatched macro",
    "now": "dbt.current_timestamp()",
    "today": "cast(dbt.current_timestamp() as date)",
    "isodow": "a dispatched macro",
    "dayofweek": "a dispatched macro (DuckDB counts from 0, Spark from 1)",
    "read_parquet": "a source",
    "read_csv": "a source",
    "read_csv_auto": "a source",
}
CLAUSES = {
    r"\bqualify\b": "QUALIFY (filter a window in an outer select)",
    r"\*\s*(?:exclude|replace)\s*\(": "SELECT * EXCLUDE/REPLACE (name the columns)",
    r"::": "a :: cast (use cast(x as type))",
}
PORTABLE_TYPES = {"string", "integer", "bigint", "double", "boolean", "date", "timestamp"}
DISPATCHED = re.compile(r"{%-?\s*macro\s+(?:default|duckdb|spark)__\w+.*?{%-?\s*endmacro\s*-?%}", re.S)
JINJA_COMMENT = re.compile(r"{#.*?#}", re.S)
JINJA_TAG = re.compile(r"{{.*?}}|{%.*?%}", re.S)
JINJA_STRING = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", re.S)
SQL_COMMENT = re.compile(r"--[^\n]*")
SQL_STRING = re.compile(r"'(?:[^']|'')*'")
FUNCTION = re.compile(r"(?<![\w.])(" + "|".join(DUCKDB_ONLY) + r")\s*\(", re.I)
FINE_DATEDIFF = re.compile(r"dbt\.datediff\((?:[^()]|\([^()]*\))*['\"](millisecond|microsecond)['\"]", re.S)


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.problem}"


def _blank(text: str, pattern: re.Pattern) -> str:
    """The text with each match replaced by spaces (newlines kept), so offsets and line numbers stay."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _sql_problems(sql: str, offset: int) -> list[tuple[int, str]]:
    """Problems in a piece of SQL text starting at `offset` of the file: (offset, problem)."""
    sql = _blank(_blank(sql, SQL_COMMENT), SQL_STRING)
    found = [(offset + m.start(), f"a double-quoted identifier {m.group(0)} (Spark reads it as a string): use "
              "adapter.quote('...') or a plain name") for m in re.finditer(r'"[^"\n]*"?', sql)]
    found += [(offset + m.start(), f"DuckDB-only {m.group(1)}(): use {DUCKDB_ONLY[m.group(1).lower()]}")
              for m in FUNCTION.finditer(sql)]
    found += [(offset + m.start(), f"DuckDB-only {what}") for pattern, what in CLAUSES.items()
              for m in re.finditer(pattern, sql, re.I)]
    return found


def sql_findings(path: Path) -> list[Finding]:
    text = _blank(_blank(path.read_text(), JINJA_COMMENT), DISPATCHED)
    problems = _sql_problems(_blank(text, JINJA_TAG), 0)
    for tag in JINJA_TAG.finditer(text):
        problems += [(tag.start() + m.start(), f"dbt.datediff in {m.group(1)}s (no parentheses on Spark): use "
                      "milliseconds_between") for m in FINE_DATEDIFF.finditer(tag.group(0))]
        for literal in JINJA_STRING.finditer(tag.group(0)):
            content = literal.group(1) if literal.group(1) is not None else literal.group(2)
            problems += _sql_problems(content, tag.start() + literal.start() + 1)
    return [Finding(path, text.count("\n", 0, at) + 1, problem) for at, problem in sorted(set(problems))]


def _types(node, where: str):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "data_type" and isinstance(value, str):
                yield where, value
            elif key == "column_types" and isinstance(value, dict):
                yield from ((f"{where}.{column}", type_) for column, type_ in value.items())
            else:
                yield from _types(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for item in node:
            name = item.get("name") if isinstance(item, dict) else None
            yield from _types(item, f"{where}[{name}]" if name else where)


def yaml_findings(path: Path) -> list[Finding]:
    declared = _types(yaml.safe_load(path.read_text()) or {}, "")
    portable = ", ".join(sorted(PORTABLE_TYPES))
    return [Finding(path, 0, f"{where}: type {type_!r} is not one every target has ({portable})")
            for where, type_ in declared if type_.lower() not in PORTABLE_TYPES]


def project_findings(project: Path) -> list[Finding]:
    """Every finding in the models and macros (SQL) and in the models' and seeds' YAML of a dbt project."""
    folders = [project / name for name in ("models", "macros", "tests")]
    sql = sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*.sql"))
    yml = sorted(p for name in ("models", "seeds") if (project / name).is_dir()
                 for p in (project / name).rglob("*.yml"))
    return [f for p in sql for f in sql_findings(p)] + [f for p in yml for f in yaml_findings(p)]
