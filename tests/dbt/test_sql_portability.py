"""The dbt project stays portable to Spark (tests/dbt/sql_portability.py); the check itself catches what it must."""

from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR
from tests.dbt.sql_portability import project_findings

DUCKDB_ONLY_MODEL = """-- a DuckDB-only function in a model
with final as (
    select lead_id, epoch_ms(created_at) as created_ms, list_value(1, 2) as pair
    from {{ ref('stg_salesforce__leads') }}
)
select * from final
"""
QUOTED_MODEL = """with source as (select * from {{ source('salesforce', 'salesforce_leads') }}),
final as (
    select {{ salesforce_id('"Id"') }} as lead_id, "Status" as status, created_at::date as created_on
    from source
)
select * from final
"""
PORTABLE_MODEL = """-- "quoted" words in comments, strings and dispatched DuckDB forms are fine
{# epoch_ms("x") in a Jinja comment #}
with final as (
    select
        {{ adapter.quote('Id') }} as lead_id,
        'it said "hi"' as greeting,
        {{ dbt.datediff('created_at', 'closed_at', 'day') }} as age_days,
        coalesce(team, '{{ var("no_team_label") }}') as team
    from {{ source('salesforce', 'salesforce_leads') }}
)
select * from final
"""
MACROS = """{% macro joined(value) -%}
    {{ return(adapter.dispatch('joined', 'follow_up_radar')(value)) }}
{%- endmacro %}
{% macro default__joined(value) -%} string_agg({{ value }}, ',') {%- endmacro %}
{% macro spark__joined(value) -%} array_join(collect_list({{ value }}), ',') {%- endmacro %}
{% macro undispatched(value) -%} strftime({{ value }}, '%Y') {%- endmacro %}
{% macro hours(a, b) -%} {{ dbt.datediff(a, b, 'millisecond') }} / 3600000.0 {%- endmacro %}
{% macro default__ms(a, b) -%} ({{ dbt.datediff(a, b, 'millisecond') }}) {%- endmacro %}
{% macro spark__weekday(value) -%} dayofweek({{ value }}) {%- endmacro %}
"""
CONTRACT = """version: 2
models:
  - name: lead_aging
    columns:
      - {name: lead_id, data_type: varchar}
      - {name: age_days, data_type: integer}
seeds:
  - name: lead_status_mapping
    config:
      column_types: {status: varchar, status_category: string}
"""


def _project(root: Path) -> Path:
    files = {
        "models/duckdb_only.sql": DUCKDB_ONLY_MODEL, "models/quoted.sql": QUOTED_MODEL,
        "models/portable.sql": PORTABLE_MODEL, "macros/joined.sql": MACROS, "models/_models.yml": CONTRACT,
    }
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def test_the_project_has_no_duckdb_only_sql_and_no_double_quoted_identifiers():
    findings = project_findings(DBT_PROJECT_DIR)
    assert findings == [], "\n".join(map(str, findings))


def test_the_check_finds_duckdb_only_functions_quoted_identifiers_casts_and_types(tmp_path):
    findings = project_findings(_project(tmp_path))
    found = [(f.path.name, f.line, f.problem) for f in findings]

    def has(name: str, line: int, text: str) -> bool:
        return any(n == name and at == line and text in problem for n, at, problem in found)

    assert has("duckdb_only.sql", 3, "DuckDB-only epoch_ms()")
    assert has("duckdb_only.sql", 3, "DuckDB-only list_value()")
    assert has("quoted.sql", 3, 'double-quoted identifier "Id"')  # inside a macro's argument
    assert has("quoted.sql", 3, 'double-quoted identifier "Status"')
    assert has("quoted.sql", 3, ":: cast")
    assert has("joined.sql", 6, "DuckDB-only strftime()")  # a macro that is not a dispatched implementation
    assert has("joined.sql", 7, "dbt.datediff in milliseconds")
    assert not any(n == "joined.sql" and at in (8, 9) for n, at, _ in found)  # engine-specific implementations
    assert [f for f in found if f[0] == "portable.sql"] == []
    assert not any(n == "joined.sql" and "string_agg" in problem for n, _, problem in found)
    assert sorted(problem.split(":")[0] for n, _, problem in found if n == "_models.yml") == [
        "models[lead_aging].columns[lead_id]", "seeds[lead_status_mapping].config.status"
    ]
