{#- No two aliases of country_aliases are one key once normalised as the lookup does (country_key: dots removed,
    trimmed, whitespace collapsed, lower-cased), so each country value finds at most one code. -#}
{% test unique_country_key(model, column_name) %}
    select {{ country_key(column_name) }} as country_key, count(*) as aliases
    from {{ model }}
    group by {{ country_key(column_name) }}
    having count(*) > 1
{% endtest %}
