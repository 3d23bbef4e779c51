{#- The as-of time T of METRICS.md as a UTC timestamp literal: var `as_of`, else RADAR_AS_OF (how the pipeline
    passes it: read only when executing, so a new value each run keeps dbt's partial parsing valid, where
    --vars would force a full re-parse), else the build's start time. -#}
{% macro as_of() -%}
    {%- set passed = env_var('RADAR_AS_OF', '') if execute else '' -%}
    {%- set value = var('as_of') or passed or run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
    cast('{{ value }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The last complete day D (D + 1 day <= T). -#}
{% macro last_complete_day() -%}
    cast({{ dbt.dateadd('day', -1, 'cast(' ~ as_of() ~ ' as date)') }} as date)
{%- endmacro %}
