{#- The first row per key by the given order: staging's "latest version wins" / "counts once" rule. -#}
{% macro deduplicate(relation, partition_by, order_by) -%}
    select *
    from (
        select
            *,
            row_number() over (partition by {{ partition_by }} order by {{ order_by }}) as dedup_rank
        from {{ relation }}
    ) as ranked
    where dedup_rank = 1
{%- endmacro %}
