{#- METRICS.md follow_up_state at snapshot time `snapshot_at`: the first rule that matches. -#}
{% macro follow_up_state(is_closed, touches, last_touch_at, created_at, has_responded, snapshot_at) -%}
    case
        when {{ is_closed }} then 'closed'
        when {{ touches }} = 0
            and {{ dbt.dateadd('hour', var('first_touch_sla_hours'), created_at) }} > {{ snapshot_at }}
            then 'new'
        when {{ touches }} = 0 then 'never_touched'
        when {{ dbt.dateadd('hour', var('cadence_days') * 24, last_touch_at) }} > {{ snapshot_at }}
            then 'active'
        when {{ touches }} >= {{ var('max_attempts') }} and not {{ has_responded }} then 'exhausted'
        else 'stale'
    end
{%- endmacro %}

{% macro aging_bucket(age_days) -%}
    {%- set edges = var('aging_bucket_edges') -%}
    case
    {%- for edge in edges %}
        when {{ age_days }} <= {{ edge }} then '{{ 0 if loop.first else edges[loop.index0 - 1] + 1 }}-{{ edge }}d'
    {%- endfor %}
        else '{{ edges[-1] }}d+'
    end
{%- endmacro %}
