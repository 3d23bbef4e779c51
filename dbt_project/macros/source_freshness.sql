{#- `dbt source freshness` judged at the as-of time T, not at the wall clock. dbt takes a source's age as
    snapshotted_at - max_loaded_at, both from this query, so answering T for snapshotted_at (and counting only
    the records stamped at or before T, as the marts do) makes a run with a fixed as-of give the same verdict
    whenever it runs. This overrides dbt's global macro of the same name (the root project's macros win). -#}
{% macro collect_freshness(source, loaded_at_field, filter) -%}
    {%- call statement('collect_freshness', fetch_result=True, auto_begin=False) -%}
        select
            max({{ loaded_at_field }}) as max_loaded_at,
            {{ as_of() }} as snapshotted_at
        from {{ source }}
        where {{ loaded_at_field }} <= {{ as_of() }}
        {%- if filter %}
            and ({{ filter }})
        {%- endif %}
    {%- endcall -%}
    {{ return(load_result('collect_freshness')) }}
{%- endmacro %}
