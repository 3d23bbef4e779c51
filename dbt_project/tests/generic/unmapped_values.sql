{#- A lookup seed's unmapped values: one failing row per raw value for which `unmapped_when` holds, with the
    number of rows that have it, the most frequent first (a warning check: the seed needs a row for them). -#}
{% test unmapped_values(model, column_name, unmapped_when) %}
    select {{ column_name }} as raw_value, count(*) as rows_with_value
    from {{ model }}
    where {{ unmapped_when }}
    group by {{ column_name }}
    order by rows_with_value desc, raw_value
{% endtest %}
