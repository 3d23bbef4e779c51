"""dbt reads the raw tables that ingest declares (ingest/schema.py), and only columns declared there; the sources
declare those columns with the types every target has (Spark's lake tables are made from them)."""

import json
import re

from ingest.schema import RAW_SCHEMA, RAW_TABLES
from orchestration.lib.dbt_project import ensure_manifest
from orchestration.settings import DBT_PROJECT_DIR

TABLES = {t.name: t for t in RAW_TABLES}
PORTABLE_TYPES = {"VARCHAR": "string", "BIGINT": "bigint", "INTEGER": "integer", "DOUBLE": "double",
                  "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "timestamp", "JSON": "string"}


def _sources() -> list[dict]:
    manifest = json.loads(ensure_manifest().read_text())
    return list(manifest["sources"].values())


def test_every_raw_table_is_a_dbt_source_and_nothing_else():
    sources = _sources()
    assert {s["name"] for s in sources} == set(TABLES)
    assert {s["schema"] for s in sources} == {RAW_SCHEMA}
    assert {s["source_name"] for s in sources} == {t.source for t in RAW_TABLES}


def test_staging_models_read_only_declared_columns():
    for path in (DBT_PROJECT_DIR / "models" / "staging").rglob("stg_*.sql"):
        sql = path.read_text()
        table = TABLES[re.search(r"source\('\w+', '(\w+)'\)", sql).group(1)]
        declared = {c.name for c in table.columns}
        quoted = set(re.findall(r"adapter\.quote\('(\w+)'\)", sql))
        assert quoted <= declared, (path.name, quoted - declared)


def test_the_sources_declare_each_raw_column_with_its_type():
    for source in _sources():
        declared = [(c.name, PORTABLE_TYPES[c.type]) for c in TABLES[source["name"]].columns]
        assert [(c["name"], c["data_type"]) for c in source["columns"].values()] == declared, source["name"]
