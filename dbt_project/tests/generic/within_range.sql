{#- Every value of the column lies within [min_value, max_value] (a share: 0 and 1); nulls are left to not_null. -#}
{% test within_range(model, column_name, min_value, max_value) %}
    select *
    from {{ model }}
    where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}
