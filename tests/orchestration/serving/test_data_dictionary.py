"""The committed BI data dictionary is what the dbt YAML says today (regenerate with `radar docs`)."""

from orchestration.lib.dbt_project import ensure_manifest
from orchestration.serving import data_dictionary
from orchestration.serving.publish import MARTS, mart_docs


def test_the_committed_dictionary_is_up_to_date():
    docs = mart_docs(ensure_manifest())
    assert data_dictionary.DICTIONARY_PATH.read_text() == data_dictionary.render(docs), "run: .venv/bin/radar docs"


def test_every_published_column_has_a_type_and_a_description():
    for doc in mart_docs(ensure_manifest()):
        assert doc.name in MARTS and doc.description
        for column, description in doc.columns.items():
            assert description and doc.data_types[column], (doc.name, column)
        assert f"| `{next(iter(doc.columns))}` |" in data_dictionary.render([doc])


def test_the_dictionary_gives_the_types_as_published():
    """The warehouse's naive UTC timestamps are published UTC-aware (serving/serving_tables.py)."""
    rendered = data_dictionary.render(mart_docs(ensure_manifest()))
    assert "| `created_at` | timestamptz |" in rendered and "| timestamp |" not in rendered
