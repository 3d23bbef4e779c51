{#- METRICS.md "Title to seniority" (and job_function, the same way): for each title key of `titles` (a relation
    with a column title_key, see title_key()), the value of the first rule of `rules` (priority, phrase, value)
    whose phrase occurs in it as whole words. Rules are ranked by priority, then the longer phrase, then the
    value, so two rules of one priority never leave the choice to the engine. Titles no rule matches are not
    returned: the caller gives them the catch-all value. -#}
{% macro first_matching_title_rule(titles, rules) -%}
    select title_key, value
    from (
        select
            titles.title_key,
            rules.value,
            row_number() over (
                partition by titles.title_key
                order by rules.priority, length(rules.phrase_key) desc, rules.value
            ) as rule_rank
        from {{ titles }} as titles
        inner join (
            select priority, value, {{ title_key('phrase') }} as phrase_key
            from {{ rules }}
        ) as rules
            on {{ dbt.position('rules.phrase_key', 'titles.title_key') }} > 0
        where rules.phrase_key <> '  '
    ) as ranked
    where rule_rank = 1
{%- endmacro %}
