{#- on-run-start: the sources as the engine reads them. On DuckDB the loaders write schema raw itself. On Spark
    the raw layer is the lake (RADAR_LAKE_DIR, written by ingest/lake.py): each source is registered as an
    external Parquet table over <lake>/raw/<table>, partitioned by _file_id, with the columns its sources YAML
    declares (the ones ingest/schema.py declares, checked by tests/dbt/test_sources_match_raw_schema.py), and
    the ledger raw._files beside them. Registered anew each build, so files exported since are read. -#}
{% macro register_lake_sources() -%}
    {{ return(adapter.dispatch('register_lake_sources', 'follow_up_radar')()) }}
{%- endmacro %}

{% macro default__register_lake_sources() -%}
    select 1
{%- endmacro %}

{% macro spark__register_lake_sources() -%}
    {%- if execute -%}
        {%- set lake = env_var('RADAR_LAKE_DIR').rstrip('/') ~ '/raw' -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for source in graph.sources.values() | selectattr('schema', 'equalto', 'raw') -%}
            {%- set columns = [] -%}
            {%- for column in source.columns.values() -%}
                {%- do columns.append(adapter.quote(column.name) ~ ' ' ~ column.data_type) -%}
            {%- endfor -%}
            {%- do run_query('drop table if exists raw.' ~ source.identifier) -%}
            {%- do run_query(
                'create table raw.' ~ source.identifier ~ ' (' ~ columns | join(', ') ~ ') using parquet'
                ~ " partitioned by (_file_id) location '" ~ lake ~ '/' ~ source.identifier ~ "'"
            ) -%}
            {%- do run_query('alter table raw.' ~ source.identifier ~ ' recover partitions') -%}
        {%- endfor -%}
        {%- do run_query('drop table if exists raw.' ~ adapter.quote('_files')) -%}
        {%- do run_query(
            'create table raw.' ~ adapter.quote('_files') ~ " using parquet location '" ~ lake ~ "/_files'"
        ) -%}
    {%- endif -%}
    select 1
{%- endmacro %}
