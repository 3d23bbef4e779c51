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

{#- The aging buckets' labels from the var aging_bucket_edges (inclusive upper edges), youngest first: edges
    [7, 14, 30] give 0-7d, 8-14d, 15-30d, 30d+. The bucket of a lead and the test of its accepted values both
    read them here. -#}
{% macro aging_bucket_labels() -%}
    {%- set edges = var('aging_bucket_edges') -%}
    {%- set labels = [] -%}
    {%- for edge in edges -%}
        {%- do labels.append((0 if loop.first else edges[loop.index0 - 1] + 1) ~ '-' ~ edge ~ 'd') -%}
    {%- endfor -%}
    {%- do labels.append(edges[-1] ~ 'd+') -%}
    {{ return(labels) }}
{%- endmacro %}

{% macro aging_bucket(age_days) -%}
    {%- set edges = var('aging_bucket_edges') -%}
    {%- set labels = aging_bucket_labels() -%}
    case
    {%- for edge in edges %}
        when {{ age_days }} <= {{ edge }} then '{{ labels[loop.index0] }}'
    {%- endfor %}
        else '{{ labels[-1] }}'
    end
{%- endmacro %}
