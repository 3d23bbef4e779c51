-- One row per (complete day, scope): follow-up coverage of the company, of each team and of each rep, summed
-- over the reps of the scope (coverage is covered over due leads of the scope, never an average of ratios).
-- The one place team and company figures are computed: measures, alerts, previews and the dashboard read it.
{{ config(materialized='incremental', incremental_strategy='replace_days', unique_key='day', on_schema_change='append_new_columns') }}
-- depends_on: {{ ref('int_lead_follow_up_spells') }}
-- depends_on: {{ ref('stg_salesforce__users') }}
with

rebuild as (

    select {{ coverage_rebuild_from() }} as first_day

),

per_rep as (

    select *
    from {{ ref('follow_up_coverage_daily') }}
    where day >= (select first_day from rebuild)

),

scoped as (

    select day, 'company' as scope_type, 'company' as scope, 'company' as scope_label,
        cast(null as {{ dbt.type_string() }}) as scope_team, open_leads, due_leads, covered_leads, never_touched_leads, stale_leads, exhausted_leads, new_leads
    from per_rep
    union all
    select day, 'team', coalesce(team, '{{ var("no_team_label") }}'), coalesce(team, '{{ var("no_team_label") }}'),
        team, open_leads, due_leads, covered_leads, never_touched_leads, stale_leads, exhausted_leads, new_leads
    from per_rep
    union all
    select day, 'rep', owner_id, coalesce(owner_name, owner_id), team, open_leads, due_leads, covered_leads, never_touched_leads, stale_leads, exhausted_leads, new_leads
    from per_rep

),

final as (

    select
        -- grain
        cast(day as date) as day,
        cast(scope_type as {{ dbt.type_string() }}) as scope_type,
        cast(scope as {{ dbt.type_string() }}) as scope,
        cast(max(scope_label) as {{ dbt.type_string() }}) as scope_label,
        cast(max(scope_team) as {{ dbt.type_string() }}) as team,

        -- lead counts at the snapshot, summed over the scope's reps
        cast(count(*) as integer) as reps,
        cast(sum(open_leads) as integer) as open_leads,
        cast(sum(due_leads) as integer) as due_leads,
        cast(sum(covered_leads) as integer) as covered_leads,
        cast(sum(never_touched_leads) as integer) as never_touched_leads,
        cast(sum(stale_leads) as integer) as stale_leads,
        cast(sum(exhausted_leads) as integer) as exhausted_leads,
        cast(sum(new_leads) as integer) as new_leads,

        -- coverage
        cast(
            case when sum(due_leads) > 0 then sum(covered_leads) * 1.0 / sum(due_leads) end as double
        ) as follow_up_coverage

    from scoped
    group by day, scope_type, scope

)

select * from final
