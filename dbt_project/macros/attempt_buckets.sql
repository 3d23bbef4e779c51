{#- Counts of attempts (touches, calls, depth, ...) bucketed as METRICS.md's marts show them: '0', '1', ...,
    and a top bucket 'N+' that pools every count >= max_attempts (N is max_attempts, '8+' by default). -#}

{#- The bucket's lowest count: the count itself, capped at max_attempts. -#}
{% macro attempt_bucket_min(count) -%}
    least({{ count }}, {{ var('max_attempts') }})
{%- endmacro %}

{#- The bucket's label from its lowest count. -#}
{% macro attempt_bucket_label(bucket_min) -%}
    case
        when {{ bucket_min }} >= {{ var('max_attempts') }} then '{{ var('max_attempts') }}+'
        else cast({{ bucket_min }} as {{ dbt.type_string() }})
    end
{%- endmacro %}

{#- Every bucket from `first` (0 or 1) to the top one, as rows (bucket_min, bucket), zeros included. -#}
{% macro attempt_buckets(first=0) -%}
    {%- for bucket_min in range(first, var('max_attempts') + 1) %}
    select {{ bucket_min }} as bucket_min, {{ attempt_bucket_label(bucket_min) }} as bucket
    {%- if not loop.last %} union all{% endif %}
    {%- endfor %}
{%- endmacro %}
