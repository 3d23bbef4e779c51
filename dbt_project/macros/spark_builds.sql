{#- On Spark every build is a whole build. The incremental models replace whole keys (delete, then insert:
    macros/incremental_strategies.sql); a Parquet table has no DELETE, and dbt-spark accepts only append, merge
    and insert_overwrite. So on the spark target is_incremental() is false and an incremental model is rebuilt
    as a table, from all of raw, each build: the same rows a first DuckDB build gives. -#}
{% macro is_incremental() -%}
    {{ return(adapter.dispatch('is_incremental', 'follow_up_radar')()) }}
{%- endmacro %}

{% macro default__is_incremental() -%}
    {{ return(dbt.is_incremental()) }}
{%- endmacro %}

{% macro spark__is_incremental() -%}
    {{ return(false) }}
{%- endmacro %}

{% materialization incremental, adapter='spark', supported_languages=['sql'] -%}
    {%- set existing_relation = load_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {{ run_hooks(pre_hooks) }}
    {%- if existing_relation is not none -%}
        {%- do adapter.drop_relation(existing_relation) -%}
    {%- endif -%}
    {%- call statement('main') -%}
        {{ create_table_as(False, target_relation, compiled_code) }}
    {%- endcall -%}
    {%- do persist_constraints(target_relation, model) -%}
    {{ run_hooks(post_hooks) }}
    {{ return({'relations': [target_relation]}) }}
{%- endmaterialization %}
