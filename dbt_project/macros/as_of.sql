{#- The as-of time T of METRICS.md as a UTC timestamp literal: var `as_of`, else the build's start time. -#}
{% macro as_of() -%}
    {%- set value = var('as_of') or run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
    cast('{{ value }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
