-- One row per (cohort week, age in days, owner): the follow-up states of a cohort's leads, each observed at its
-- own age N, at s = created_at + N days (METRICS.md shiny_object_curve). Ages run from 0 to
-- survival_horizon_days, as far as every lead of the cohort has reached (C + 7 days + N days <= T). The state
-- spells of int_lead_follow_up_spells give, per lead, the ages each state holds: +1 at the spell's first age,
-- -1 at the first age after it, summed over the ages, so the cost follows leads x state changes plus
-- cohorts x ages x owners, never leads x ages. Incremental: a build replaces the cohorts cohort_rebuilt()
-- selects (those its changed leads belong to and those still growing older).
{{ config(materialized='incremental', incremental_strategy='replace_cohorts', unique_key='cohort_week', on_schema_change='append_new_columns') }}
-- depends_on: {{ ref('int_lead_follow_up_spells') }}
-- depends_on: {{ ref('int_leads_joined') }}
{% set horizon = var('survival_horizon_days') %}
with

leads as (

    select *
    from (
        select lead_id, owner_id, created_at, {{ iso_week_start('created_at') }} as cohort_week
        from {{ ref('int_leads_joined') }}
    ) as with_cohort
    where {{ cohort_rebuilt('cohort_week') }}

),

-- the last age every lead of the cohort has reached at T (negative: the cohort's week is not over yet)
cohorts as (

    select
        cohort_week,
        owner_id,
        count(*) as cohort_leads,
        least(
            {{ horizon }},
            {{ floor_days(dbt.dateadd('day', 7, 'cast(cohort_week as ' ~ dbt.type_timestamp() ~ ')'), as_of()) }}
        ) as last_age
    from leads
    group by 1, 2

),

ages as (

    select cast(generated_number - 1 as integer) as age_days
    from ({{ dbt.generate_series(horizon + 1) }}) as numbers

),

grid as (

    select cohorts.cohort_week, cohorts.owner_id, cohorts.cohort_leads, ages.age_days
    from cohorts
    inner join ages on ages.age_days <= cohorts.last_age

),

-- the ages N whose instant created_at + N days falls in the spell: [from_age, to_age)
spells as (

    select
        leads.cohort_week,
        leads.owner_id,
        spells.follow_up_state,
        {{ ceil_days('leads.created_at', 'spells.valid_from') }} as from_age,
        case when spells.valid_to is not null then {{ ceil_days('leads.created_at', 'spells.valid_to') }} end as to_age
    from {{ ref('int_lead_follow_up_spells') }} as spells
    inner join leads on spells.lead_id = leads.lead_id
    where spells.follow_up_state is not null

),

held_ages as (

    select * from spells
    where from_age <= {{ horizon }}
        and (to_age is null or to_age > from_age)

),

deltas as (

    select cohort_week, owner_id, follow_up_state, from_age as age_days, 1 as delta from held_ages
    union all
    select cohort_week, owner_id, follow_up_state, to_age, -1 from held_ages where to_age <= {{ horizon }}

),

age_deltas as (

    select
        cohort_week,
        owner_id,
        age_days,
        sum(case when follow_up_state = 'new' then delta else 0 end) as new_leads,
        sum(case when follow_up_state = 'active' then delta else 0 end) as worked_leads,
        sum(case when follow_up_state in ('never_touched', 'stale') then delta else 0 end) as neglected_leads,
        sum(case when follow_up_state = 'exhausted' then delta else 0 end) as exhausted_leads,
        sum(case when follow_up_state = 'closed' then delta else 0 end) as closed_leads
    from deltas
    group by 1, 2, 3

),

curve as (

    select
        grid.cohort_week,
        grid.age_days,
        grid.owner_id,
        grid.cohort_leads,
        {%- for column in ['new_leads', 'worked_leads', 'neglected_leads', 'exhausted_leads', 'closed_leads'] %}
        sum(coalesce(age_deltas.{{ column }}, 0)) over ages_so_far as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from grid
    left join age_deltas
        on grid.cohort_week = age_deltas.cohort_week
        and grid.owner_id = age_deltas.owner_id
        and grid.age_days = age_deltas.age_days
    window ages_so_far as (
        partition by grid.cohort_week, grid.owner_id order by grid.age_days
        rows between unbounded preceding and current row
    )

),

final as (

    select
        -- grain
        cast(cohort_week as date) as cohort_week,
        cast(age_days as integer) as age_days,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,

        -- the cohort's leads by state at their age N (they sum to cohort_leads)
        cast(cohort_leads as integer) as cohort_leads,
        cast(new_leads as integer) as new_leads,
        cast(worked_leads as integer) as worked_leads,
        cast(neglected_leads as integer) as neglected_leads,
        cast(exhausted_leads as integer) as exhausted_leads,
        cast(closed_leads as integer) as closed_leads,

        -- shares
        cast(
            case when cohort_leads > closed_leads then cast(worked_leads as double) / (cohort_leads - closed_leads) end
            as double
        ) as worked_share,
        cast(cast(worked_leads as double) / cohort_leads as double) as worked_share_of_cohort

    from curve

)

select * from final
