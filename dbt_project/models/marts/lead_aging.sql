-- One row per lead that exists at the as-of time T: its age, follow-up history and state at T.
with

leads as (

    select * from {{ ref('int_leads_joined') }}

),

status_at_as_of as (

    select *
    from {{ ref('int_lead_status_spells') }}
    where valid_from <= {{ as_of() }}
        and (valid_to is null or valid_to > {{ as_of() }})

),

touches as (

    select
        lead_id,
        count(*) as touches,
        sum(case when channel = 'call' then 1 else 0 end) as calls,
        sum(case when is_connect then 1 else 0 end) as connects,
        sum(case when channel = 'email' then 1 else 0 end) as emails,
        min(touched_at) as first_touch_at,
        max(touched_at) as last_touch_at
    from {{ ref('int_touches_unioned') }}
    group by 1

),

responses as (

    select
        lead_id,
        count(*) as responses,
        sum(case when response_type = 'reply' then 1 else 0 end) as replies
    from {{ ref('int_responses_unioned') }}
    group by 1

),

next_steps as (

    select
        lead_id,
        min(case when due_on >= cast({{ as_of() }} as date) then due_on end) as next_step_due_on,
        sum(case when due_on < cast({{ as_of() }} as date) then 1 else 0 end) as overdue_next_steps
    from ({{ next_steps_at_as_of() }}) as open_tasks
    group by 1

),

joined as (

    select
        leads.lead_id,
        leads.lead_name,
        leads.company,
        leads.lead_source,
        leads.owner_id,
        leads.owner_name,
        leads.team,
        leads.created_at,
        coalesce(status_at_as_of.status_category, 'open') as status_category,
        coalesce(status_at_as_of.is_closed, false) as is_closed,
        status_at_as_of.closed_since as closed_at,
        coalesce(touches.touches, 0) as touches,
        coalesce(touches.calls, 0) as calls,
        coalesce(touches.connects, 0) as connects,
        coalesce(touches.emails, 0) as emails,
        coalesce(responses.replies, 0) as replies,
        touches.first_touch_at,
        touches.last_touch_at,
        coalesce(responses.responses, 0) > 0 as has_responded,
        next_steps.next_step_due_on,
        coalesce(next_steps.overdue_next_steps, 0) as overdue_next_steps
    from leads
    left join status_at_as_of on leads.lead_id = status_at_as_of.lead_id
    left join touches on leads.lead_id = touches.lead_id
    left join responses on leads.lead_id = responses.lead_id
    left join next_steps on leads.lead_id = next_steps.lead_id

),

aged as (

    select
        *,
        case
            when is_closed then {{ floor_days('created_at', 'closed_at') }}
            else {{ floor_days('created_at', as_of()) }}
        end as age_days,
        {{ follow_up_state('is_closed', 'touches', 'last_touch_at', 'created_at', 'has_responded', as_of()) }}
            as follow_up_state
    from joined

),

final as (

    select
        -- ids
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,

        -- the lead (never its email address)
        cast(lead_name as {{ dbt.type_string() }}) as lead_name,
        cast(company as {{ dbt.type_string() }}) as company,
        cast(lead_source as {{ dbt.type_string() }}) as lead_source,

        -- owner
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(owner_name as {{ dbt.type_string() }}) as owner_name,
        cast(team as {{ dbt.type_string() }}) as team,

        -- status and age
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(status_category as {{ dbt.type_string() }}) as status_category,
        not is_closed as is_open,
        cast(closed_at as {{ dbt.type_timestamp() }}) as closed_at,
        cast(age_days as integer) as age_days,
        cast({{ aging_bucket('age_days') }} as {{ dbt.type_string() }}) as aging_bucket,

        -- touches and responses
        cast(touches as integer) as touches,
        cast(calls as integer) as calls,
        cast(connects as integer) as connects,
        cast(emails as integer) as emails,
        cast(replies as integer) as replies,
        cast(case when touches > 0 then touches - 1 else 0 end as integer) as follow_ups,
        cast(first_touch_at as {{ dbt.type_timestamp() }}) as first_touch_at,
        cast(last_touch_at as {{ dbt.type_timestamp() }}) as last_touch_at,
        cast({{ hours_between('created_at', 'first_touch_at') }} as double) as hours_to_first_touch,
        case when last_touch_at is not null then {{ floor_days('last_touch_at', as_of()) }} end
            as days_since_last_touch,
        has_responded,

        -- next steps
        cast(next_step_due_on as date) as next_step_due_on,
        cast(overdue_next_steps as integer) as overdue_next_steps,

        -- state
        cast(follow_up_state as {{ dbt.type_string() }}) as follow_up_state,
        follow_up_state in ('never_touched', 'stale') as is_neglected

    from aged

)

select * from final
