{#- Incremental strategies that replace whole keys, so a model recomputed for some leads or days leaves no row
    of their old version behind (delete+insert only deletes the keys of the new rows, which would keep the rows
    of a lead that no longer has any). -#}

{#- Every row of the leads in int_leads_changed is replaced by the model's rows for them. -#}
{% macro get_incremental_replace_changed_leads_sql(arg_dict) -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    where lead_id in (select lead_id from {{ ref('int_leads_changed') }});
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}

{#- Every day from the model's first new day on is replaced (the model computes a contiguous run of days up to
    the last complete day); with no new rows, the days after the last complete day go (an earlier as-of). -#}
{% macro get_incremental_replace_days_sql(arg_dict) -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set day = arg_dict['unique_key'] -%}
    delete from {{ arg_dict['target_relation'] }}
    where {{ day }} >= coalesce(
        (select min({{ day }}) from {{ arg_dict['temp_relation'] }}),
        cast({{ as_of() }} as date)
    );
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}

{#- Every cohort week that cohort_rebuilt() selects is replaced, for all owners (a cohort none of whose leads
    exists any more loses its rows). -#}
{% macro get_incremental_replace_cohorts_sql(arg_dict) -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    where {{ cohort_rebuilt(arg_dict['unique_key']) }};
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}
