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

{#- The raw rows a staging model reads in this build: every row on a full build, else those of the files loaded
    since the last recorded build; never those of a file quarantined by a blocking raw check. -#}
{% macro new_raw_rows(source_relation) -%}
    select *
    from {{ source_relation }}
    where _file_id not in ({{ quarantined_file_ids() }})
    {% if is_incremental() -%}
    and _file_id > {{ previous_max_file_id() }}
    {%- endif %}
{%- endmacro %}

{#- The ledger's quarantined files (raw._files, written by the loader; not a dbt source, as it is no data). -#}
{% macro quarantined_file_ids() -%}
    select file_id from {{ adapter.quote('raw') }}.{{ adapter.quote('_files') }} where status = 'quarantined'
{%- endmacro %}
