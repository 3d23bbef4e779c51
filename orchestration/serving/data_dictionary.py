"""The BI data dictionary: the published marts, their columns, types and descriptions, from dbt's manifest."""

from collections.abc import Sequence
from pathlib import Path

from orchestration.serving.publish import MART_SCHEMA, MartDoc
from orchestration.serving.serving_tables import published_type
from orchestration.settings import DBT_PROJECT_DIR

DICTIONARY_PATH = DBT_PROJECT_DIR / "docs" / "data_dictionary.md"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render(docs: Sequence[MartDoc]) -> str:
    lines = [
        "# Data dictionary: the published marts",
        "",
        "Generated from the dbt models' YAML by `radar docs`; do not edit by hand. The same descriptions are",
        "comments on the tables and columns of the serving DuckDB file and in the Parquet files' key-value",
        "metadata. Types are as published: the warehouse's naive UTC `timestamp`s are `timestamptz` there.",
    ]
    for doc in docs:
        lines += ["", f"## `{MART_SCHEMA}.{doc.name}`", "", _cell(doc.description), ""]
        lines += ["| column | type | description |", "|---|---|---|"]
        types = {c: published_type(doc.data_types.get(c, "")) for c in doc.columns}
        lines += [f"| `{c}` | {types[c]} | {_cell(d)} |" for c, d in doc.columns.items()]
    return "\n".join(lines) + "\n"


def write(docs: Sequence[MartDoc], path: Path = DICTIONARY_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(docs))
    return path
