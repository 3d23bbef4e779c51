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

{#- on-run-start: a build needs an explicit as-of. The pipeline always passes one (RADAR_AS_OF); a plain
    `dbt build` typed in this folder would otherwise rebuild the pipeline's warehouse as of "now", moving the
    incremental models' watermark under the orchestrator's feet. Returns no SQL. -#}
{% macro require_as_of() -%}
    {%- if execute and not var('as_of') and not env_var('RADAR_AS_OF', '') -%}
        {{ exceptions.raise_compiler_error(
            "refusing to build " ~ target.path ~ " without an explicit as-of time: pass "
            ~ "--vars '{as_of: \"2024-03-12 12:00:00\"}' or set RADAR_AS_OF (UTC). The pipeline's own runs "
            ~ "(radar run, the sensors, the schedule) always pass it."
        ) }}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- The Monday starting the last complete ISO week W (W + 7 days <= T). -#}
{% macro last_complete_week() -%}
    {{ iso_week_start(dbt.dateadd('day', -7, 'cast(' ~ as_of() ~ ' as date)')) }}
{%- endmacro %}
