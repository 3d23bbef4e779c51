-- One row per (complete day, rep owning at least one lead created before the day's end): follow-up
-- coverage with states taken at the snapshot s = day + 1 day (METRICS.md). Each day's counts are the lead
-- spells (int_lead_follow_up_spells) whose snapshot days include it: +1 where a spell starts, -1 where it
-- ends, summed over the days, so the cost follows spells plus days x reps. Incremental: a build replaces the
-- days from coverage_rebuild_from() on (late data reaches the days it changes, no others).
{{ config(materialized='incremental', incremental_strategy='replace_days', unique_key='day', on_schema_change='append_new_columns') }}
-- depends_on: {{ ref('int_lead_follow_up_spells') }}
-- depends_on: {{ ref('stg_salesforce__users') }}
{% set rebuild_from = '(select first_day from rebuild)' %}
with

rebuild as (

    select {{ coverage_rebuild_from() }} as first_day

),

spells as (

    select owner_id, follow_up_state, greatest(from_day, {{ rebuild_from }}) as from_day, to_day
    from {{ ref('int_lead_follow_up_spells') }}
    where follow_up_state is not null
        and (to_day is null or to_day > {{ rebuild_from }})
        and (to_day is null or to_day > from_day)

),

owners as (

    select owner_id, min(cast(created_at as date)) as first_day
    from {{ ref('int_leads_joined') }}
    group by 1

),

days as (

    {{ day_spine(rebuild_from, last_complete_day()) }}

),

grid as (

    select days.day_on, owners.owner_id
    from days
    inner join owners on days.day_on >= owners.first_day

),

deltas as (

    select owner_id, from_day as day_on, follow_up_state, 1 as delta from spells
    union all
    select owner_id, to_day, follow_up_state, -1 from spells where to_day is not null

),

daily_deltas as (

    select
        owner_id,
        day_on,
        sum(case when follow_up_state <> 'closed' then delta else 0 end) as open_leads,
        sum(case when follow_up_state in ('never_touched', 'active', 'stale') then delta else 0 end) as due_leads,
        sum(case when follow_up_state = 'active' then delta else 0 end) as covered_leads,
        sum(case when follow_up_state = 'never_touched' then delta else 0 end) as never_touched_leads,
        sum(case when follow_up_state = 'stale' then delta else 0 end) as stale_leads,
        sum(case when follow_up_state = 'exhausted' then delta else 0 end) as exhausted_leads,
        sum(case when follow_up_state = 'new' then delta else 0 end) as new_leads
    from deltas
    group by 1, 2

),

per_rep as (

    select
        grid.day_on,
        grid.owner_id,
        {%- for column in ['open_leads', 'due_leads', 'covered_leads', 'never_touched_leads', 'stale_leads',
                           'exhausted_leads', 'new_leads'] %}
        sum(coalesce(daily_deltas.{{ column }}, 0)) over days_so_far as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from grid
    left join daily_deltas on grid.owner_id = daily_deltas.owner_id and grid.day_on = daily_deltas.day_on
    window days_so_far as (partition by grid.owner_id order by grid.day_on rows between unbounded preceding and current row)

),

owner_names as (

    select user_id, user_name, team from {{ ref('stg_salesforce__users') }}

),

final as (

    select
        -- grain
        cast(per_rep.day_on as date) as day,
        cast(per_rep.owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(owner_names.user_name as {{ dbt.type_string() }}) as owner_name,
        cast(owner_names.team as {{ dbt.type_string() }}) as team,

        -- lead counts at the snapshot
        cast(per_rep.open_leads as integer) as open_leads,
        cast(per_rep.due_leads as integer) as due_leads,
        cast(per_rep.covered_leads as integer) as covered_leads,
        cast(per_rep.never_touched_leads as integer) as never_touched_leads,
        cast(per_rep.stale_leads as integer) as stale_leads,
        cast(per_rep.exhausted_leads as integer) as exhausted_leads,
        cast(per_rep.new_leads as integer) as new_leads,

        -- coverage
        cast(
            case when per_rep.due_leads > 0 then cast(per_rep.covered_leads as double) / per_rep.due_leads end
            as double
        ) as follow_up_coverage

    from per_rep
    left join owner_names on per_rep.owner_id = owner_names.user_id

)

select * from final
