{#- METRICS.md: "x days" means x * 24 hours; floor_days(a, b) = floor((b - a) / 24h). -#}
{% macro floor_days(start_at, end_at) -%}
    cast(floor({{ dbt.datediff(start_at, end_at, 'millisecond') }} / 86400000.0) as integer)
{%- endmacro %}

{% macro hours_between(start_at, end_at) -%}
    ({{ dbt.datediff(start_at, end_at, 'millisecond') }} / 3600000.0)
{%- endmacro %}

{#- The first day D whose snapshot D + 1 day (00:00 UTC) is at or after the timestamp. -#}
{% macro first_snapshot_day(timestamp_at) -%}
    case
        when {{ timestamp_at }} = cast(cast({{ timestamp_at }} as date) as {{ dbt.type_timestamp() }})
            then cast({{ dbt.dateadd('day', -1, 'cast(' ~ timestamp_at ~ ' as date)') }} as date)
        else cast({{ timestamp_at }} as date)
    end
{%- endmacro %}
