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

{#- The aging buckets of METRICS.md by their inclusive upper edges: [{label, min_age, max_age}], youngest first,
    the last one open-ended (max_age none): edges [7, 14, 30] give 0-7d, 8-14d, 15-30d, 30d+. The bucket of a
    lead, the age curves and the test of lead_aging's accepted values all read them here. -#}
{% macro aging_buckets() -%}
    {%- set edges = var('aging_bucket_edges') -%}
    {%- set buckets = [] -%}
    {%- for edge in edges -%}
        {%- set low = 0 if loop.first else edges[loop.index0 - 1] + 1 -%}
        {%- do buckets.append({'label': low ~ '-' ~ edge ~ 'd', 'min_age': low, 'max_age': edge}) -%}
    {%- endfor -%}
    {%- do buckets.append({'label': edges[-1] ~ 'd+', 'min_age': edges[-1] + 1, 'max_age': none}) -%}
    {{ return(buckets) }}
{%- endmacro %}

{% macro aging_bucket_labels() -%}
    {{ return(aging_buckets() | map(attribute='label') | list) }}
{%- endmacro %}

{% macro aging_bucket(age_days) -%}
    case
    {%- for bucket in aging_buckets() if bucket.max_age is not none %}
        when {{ age_days }} <= {{ bucket.max_age }} then '{{ bucket.label }}'
    {%- endfor %}
        else '{{ aging_buckets()[-1].label }}'
    end
{%- endmacro %}

{#- One row per aging bucket: its label and the ages (floor_days) it holds, max_age null for the last. -#}
{% macro aging_bucket_ranges() -%}
    {%- for bucket in aging_buckets() %}
    select
        cast('{{ bucket.label }}' as {{ dbt.type_string() }}) as aging_bucket,
        {{ bucket.min_age }} as min_age,
        cast({{ 'null' if bucket.max_age is none else bucket.max_age }} as integer) as max_age
    {{ 'union all' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
