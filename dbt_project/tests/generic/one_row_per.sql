{#- The model holds exactly one row for each key (`field`) of `to` that `condition` selects, and no other: the rows that fail
    are the keys missing from the model, held twice or more, or not expected there. -#}
{% test one_row_per(model, column_name, to, field, condition) %}
    with expected as (
        select {{ field }} as key
        from {{ to }}
        where {{ condition }}
    ),

    held as (
        select {{ column_name }} as key, count(*) as rows_held
        from {{ model }}
        group by {{ column_name }}
    ),

    final as (
        select
            coalesce(expected.key, held.key) as key,
            coalesce(held.rows_held, 0) as rows_held,
            expected.key is not null as is_expected
        from expected
        full outer join held on expected.key = held.key
    )

    select * from final
    where not is_expected or rows_held <> 1
{% endtest %}
