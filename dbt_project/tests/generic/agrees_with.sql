{#- Where a row of the model meets a row of `to` (the join condition `join_on`, over the aliases `model` and `other`),
    the model's `column` equals the other's `to_column`: the rows that fail are those that disagree (a null
    against a value disagrees too). Two marts that state one figure twice are kept from drifting apart. -#}
{% test agrees_with(model, column_name, to, join_on, to_column) %}
    select model.*, other.{{ to_column }} as other_value
    from {{ model }} as model
    inner join {{ to }} as other on {{ join_on }}
    where not coalesce(model.{{ column_name }} = other.{{ to_column }}, false)
        and not (model.{{ column_name }} is null and other.{{ to_column }} is null)
{% endtest %}
