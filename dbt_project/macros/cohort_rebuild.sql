{#- Whether an incremental build recomputes the cohort (the ISO week of the leads' creation) whose week starts at
    cohort_week: every cohort on a full build; else the cohorts of the leads whose follow-up spells this build
    changed (int_lead_follow_up_spells.changed_from; a lead that no longer exists marks the cohort of its stored
    creation time, which is where its stored spells began), and the cohorts young enough for the last or this
    as-of time to cut their ages short (C + 7 days + survival_horizon_days > the earlier of the two). -#}
{% macro cohort_rebuilt(cohort_week) -%}
    {%- if is_incremental() -%}
    {%- set earlier_as_of = 'least(' ~ as_of() ~ ', coalesce(' ~ previous_build('as_of') ~ ", cast('1900-01-01' as "
        ~ dbt.type_timestamp() ~ ')))' -%}
    {%- set cohort_start = 'cast(' ~ cohort_week ~ ' as ' ~ dbt.type_timestamp() ~ ')' -%}
    (
        {{ cohort_week }} in (
            select {{ iso_week_start(
                'case when leads.created_at < spells.changed_from then leads.created_at else spells.changed_from end'
            ) }}
            from {{ ref('int_lead_follow_up_spells') }} as spells
            left join {{ ref('int_leads_joined') }} as leads on spells.lead_id = leads.lead_id
            where spells.build_number = {{ current_build_number() }}
                and spells.changed_from is not null
        )
        or {{ dbt.dateadd('day', 7 + var('survival_horizon_days'), cohort_start) }} > {{ earlier_as_of }}
    )
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}
