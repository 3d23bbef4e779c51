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

    -- a week more than is rebuilt: each rebuilt day's change since the same scope seven days before
    select *
    from {{ ref('follow_up_coverage_daily') }}
    where day >= cast({{ dbt.dateadd('day', -7, '(select first_day from rebuild)') }} as date)

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

summed as (

    select
        day,
        scope_type,
        scope,
        max(scope_label) as scope_label,
        max(scope_team) as team,
        count(*) as reps,
        sum(open_leads) as open_leads,
        sum(due_leads) as due_leads,
        sum(covered_leads) as covered_leads,
        sum(never_touched_leads) as never_touched_leads,
        sum(stale_leads) as stale_leads,
        sum(exhausted_leads) as exhausted_leads,
        sum(new_leads) as new_leads,
        sum(never_touched_leads) + sum(stale_leads) as neglected_leads,
        case when sum(due_leads) > 0 then cast(sum(covered_leads) as double) / sum(due_leads) end as follow_up_coverage
    from scoped
    group by day, scope_type, scope

),

final as (

    select
        -- grain
        cast(today.day as date) as day,
        cast(today.scope_type as {{ dbt.type_string() }}) as scope_type,
        cast(today.scope as {{ dbt.type_string() }}) as scope,
        cast(today.scope_label as {{ dbt.type_string() }}) as scope_label,
        cast(today.team as {{ dbt.type_string() }}) as team,

        -- lead counts at the snapshot, summed over the scope's reps
        cast(today.reps as integer) as reps,
        cast(today.open_leads as integer) as open_leads,
        cast(today.due_leads as integer) as due_leads,
        cast(today.covered_leads as integer) as covered_leads,
        cast(today.never_touched_leads as integer) as never_touched_leads,
        cast(today.stale_leads as integer) as stale_leads,
        cast(today.exhausted_leads as integer) as exhausted_leads,
        cast(today.new_leads as integer) as new_leads,

        -- coverage
        cast(today.follow_up_coverage as double) as follow_up_coverage,

        -- last, so that they are appended to tables built before them: neglected leads and the change since
        -- the same scope seven days before (null when the scope has no row that day)
        cast(today.neglected_leads as integer) as neglected_leads,
        cast(today.follow_up_coverage - week_before.follow_up_coverage as double) as follow_up_coverage_change_7d,
        cast(today.open_leads - week_before.open_leads as integer) as open_leads_change_7d,
        cast(today.neglected_leads - week_before.neglected_leads as integer) as neglected_leads_change_7d

    from summed as today
    left join summed as week_before
        on week_before.scope_type = today.scope_type
        and week_before.scope = today.scope
        and week_before.day = cast({{ dbt.dateadd('day', -7, 'today.day') }} as date)
    where today.day >= (select first_day from rebuild)

)

select * from final
