{#- Days from start_date to end_date inclusive (both date expressions), portable SQL: at most 100 years. -#}
{% macro day_spine(start_date, end_date) -%}
    select day_on
    from (
        select cast({{ dbt.dateadd('day', 'numbers.generated_number - 1', start_date) }} as date) as day_on
        from ({{ dbt.generate_series(36600) }}) as numbers
    ) as days
    where day_on <= {{ end_date }}
{%- endmacro %}
