-- One row per (complete day, rep owning at least one lead created before the day's end): follow-up
-- coverage with states taken at the snapshot s = day + 1 day (METRICS.md).
with

lead_states as (

    select * from {{ ref('int_lead_states_daily') }}

),

owners as (

    select user_id, user_name, team from {{ ref('stg_salesforce__users') }}

),

per_rep as (

    select
        day_on,
        owner_id,
        sum(case when is_open then 1 else 0 end) as open_leads,
        sum(case when follow_up_state in ('never_touched', 'active', 'stale') then 1 else 0 end) as due_leads,
        sum(case when follow_up_state = 'active' then 1 else 0 end) as covered_leads,
        sum(case when follow_up_state = 'never_touched' then 1 else 0 end) as never_touched_leads,
        sum(case when follow_up_state = 'stale' then 1 else 0 end) as stale_leads,
        sum(case when follow_up_state = 'exhausted' then 1 else 0 end) as exhausted_leads,
        sum(case when follow_up_state = 'new' then 1 else 0 end) as new_leads
    from lead_states
    group by 1, 2

),

final as (

    select
        -- grain
        cast(per_rep.day_on as date) as day,
        cast(per_rep.owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(owners.user_name as {{ dbt.type_string() }}) as owner_name,
        cast(owners.team as {{ dbt.type_string() }}) as team,

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
            case when per_rep.due_leads > 0 then per_rep.covered_leads * 1.0 / per_rep.due_leads end
            as double
        ) as follow_up_coverage

    from per_rep
    left join owners on per_rep.owner_id = owners.user_id

)

select * from final
