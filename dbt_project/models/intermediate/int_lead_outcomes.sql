-- One row per lead that exists at T with the shared rules of METRICS.md's follow-up analytics: activity at T
-- and at its close, the first response and what it took (touches_to_first_response, 0 for an inbound-first
-- lead; calls_to_first_connect), settling (closed / never_touched / stopped, settled_at, attempts_at_settle,
-- unanswered-settled), the follow-up group and the segments. Two passes over the touches and responses, each
-- grouped by lead: the cost follows leads + touches.
with

leads as (

    select lead_id, owner_id, team, created_at from {{ ref('int_leads_joined') }}

),

status_at_as_of as (

    select lead_id, status_category, is_closed, closed_since
    from {{ ref('int_lead_status_spells') }}
    where valid_from <= {{ as_of() }}
        and (valid_to is null or valid_to > {{ as_of() }})

),

touches as (

    select * from {{ ref('int_touches_ordered') }}

),

responses as (

    select * from {{ ref('int_responses_unioned') }}

),

touch_totals as (

    select
        lead_id,
        count(*) as touches,
        sum(case when channel = 'call' then 1 else 0 end) as calls,
        sum(case when is_connect then 1 else 0 end) as connects,
        sum(case when channel = 'email' then 1 else 0 end) as emails,
        sum(case when channel = 'call' and has_outcome then 1 else 0 end) as calls_with_outcome,
        min(touched_at) as first_touch_at,
        max(touched_at) as last_touch_at,
        min(case when is_connect then touched_at end) as first_connect_at
    from touches
    group by 1

),

response_totals as (

    select
        lead_id,
        sum(case when response_type = 'reply' then 1 else 0 end) as replies,
        min(responded_at) as first_response_at,
        max(responded_at) as last_response_at
    from responses
    group by 1

),

-- the lead at T: status, state, and when its follow-up settled
at_as_of as (

    select
        leads.lead_id,
        leads.owner_id,
        leads.team,
        leads.created_at,
        coalesce(status_at_as_of.status_category, 'open') as status_category,
        coalesce(status_at_as_of.is_closed, false) as is_closed,
        status_at_as_of.closed_since as closed_at,
        coalesce(touch_totals.touches, 0) as touches,
        coalesce(touch_totals.calls, 0) as calls,
        coalesce(touch_totals.connects, 0) as connects,
        coalesce(touch_totals.emails, 0) as emails,
        coalesce(touch_totals.calls_with_outcome, 0) as calls_with_outcome,
        coalesce(response_totals.replies, 0) as replies,
        touch_totals.first_touch_at,
        touch_totals.last_touch_at,
        touch_totals.first_connect_at,
        response_totals.first_response_at,
        response_totals.last_response_at
    from leads
    left join status_at_as_of on leads.lead_id = status_at_as_of.lead_id
    left join touch_totals on leads.lead_id = touch_totals.lead_id
    left join response_totals on leads.lead_id = response_totals.lead_id

),

stated as (

    select
        *,
        {{ follow_up_state(
            'is_closed', 'touches', 'last_touch_at', 'created_at', '(first_response_at is not null)', as_of()
        ) }} as follow_up_state
    from at_as_of

),

settled as (

    select
        *,
        case
            when follow_up_state = 'closed' then 'closed'
            when follow_up_state = 'never_touched' then 'never_touched'
            when follow_up_state in ('stale', 'exhausted') then 'stopped'
        end as settle_rule,
        case
            when follow_up_state = 'closed' then closed_at
            when follow_up_state = 'never_touched'
                then {{ dbt.dateadd('hour', var('first_touch_sla_hours'), 'created_at') }}
            when follow_up_state in ('stale', 'exhausted')
                then {{ dbt.dateadd('hour', var('cadence_days') * 24, 'last_touch_at') }}
        end as settled_at
    from stated

),

-- the second pass: touches and replies up to each lead's own instants
touches_until as (

    select
        settled.lead_id,
        sum(case when touches.touched_at <= settled.closed_at then 1 else 0 end) as touches_at_close,
        sum(case when touches.touched_at <= settled.closed_at and touches.channel = 'call' then 1 else 0 end)
            as calls_at_close,
        sum(case when touches.touched_at <= settled.closed_at and touches.is_connect then 1 else 0 end)
            as connects_at_close,
        sum(case when touches.touched_at <= settled.closed_at and touches.channel = 'email' then 1 else 0 end)
            as emails_at_close,
        sum(case when touches.touched_at <= settled.settled_at then 1 else 0 end) as attempts_at_settle,
        sum(case when touches.touched_at <= settled.first_response_at then 1 else 0 end)
            as touches_to_first_response,
        sum(case when touches.touched_at <= settled.first_connect_at and touches.channel = 'call' then 1 else 0 end)
            as calls_to_first_connect
    from settled
    inner join touches on settled.lead_id = touches.lead_id
    group by 1

),

replies_until as (

    select settled.lead_id, count(*) as replies_at_close
    from settled
    inner join responses on settled.lead_id = responses.lead_id
    where responses.response_type = 'reply'
        and responses.responded_at <= settled.closed_at
    group by 1

),

segments as (

    select * from {{ ref('int_lead_segments') }}

),

final as (

    select
        -- ids
        settled.lead_id,
        settled.owner_id,
        settled.team,

        -- creation
        settled.created_at,
        {{ in_business_hours('settled.created_at') }} as created_in_business_hours,

        -- status and state at T
        settled.status_category,
        settled.is_closed,
        settled.status_category = 'converted' as is_converted,
        settled.closed_at,
        settled.follow_up_state,
        settled.follow_up_state in ('never_touched', 'stale') as is_neglected,
        case
            when settled.follow_up_state = 'closed' then 'dispositioned'
            when settled.follow_up_state in ('never_touched', 'stale') then 'neglected'
            when settled.follow_up_state = 'exhausted' then 'exhausted'
            else 'working'
        end as follow_up_group,

        -- activity at T
        settled.touches,
        settled.calls,
        settled.connects,
        settled.emails,
        settled.replies,
        settled.calls_with_outcome,
        settled.first_touch_at,
        settled.last_touch_at,
        {{ hours_between('settled.created_at', 'settled.first_touch_at') }} as hours_to_first_touch,

        -- activity at or before closed_at (null while open)
        case when settled.is_closed then coalesce(touches_until.touches_at_close, 0) end as touches_at_close,
        case when settled.is_closed then coalesce(touches_until.calls_at_close, 0) end as calls_at_close,
        case when settled.is_closed then coalesce(touches_until.connects_at_close, 0) end as connects_at_close,
        case when settled.is_closed then coalesce(touches_until.emails_at_close, 0) end as emails_at_close,
        case when settled.is_closed then coalesce(replies_until.replies_at_close, 0) end as replies_at_close,

        -- responses
        settled.first_response_at is not null as has_responded,
        settled.first_response_at,
        settled.last_response_at,
        case
            when settled.first_response_at is not null then coalesce(touches_until.touches_to_first_response, 0)
        end as touches_to_first_response,
        coalesce(touches_until.touches_to_first_response, 0) = 0 and settled.first_response_at is not null
            as is_inbound_first,
        settled.first_connect_at,
        case when settled.first_connect_at is not null then touches_until.calls_to_first_connect end
            as calls_to_first_connect,

        -- settling
        settled.settle_rule,
        settled.settled_at,
        case when settled.settled_at is not null then coalesce(touches_until.attempts_at_settle, 0) end
            as attempts_at_settle,
        case
            when settled.settled_at is not null then coalesce(settled.first_response_at <= settled.settled_at, false)
        end as responded_before_settle,
        coalesce(
            settled.settle_rule in ('closed', 'stopped')
            and touches_until.attempts_at_settle >= 1
            and not coalesce(settled.first_response_at <= settled.settled_at, false)
            and settled.status_category <> 'converted',
            false
        ) as is_unanswered_settled,

        -- segments
        segments.industry,
        segments.lead_source,
        segments.employee_band,
        segments.revenue_band,
        segments.country,
        segments.seniority,
        segments.job_function,
        segments.is_decision_maker,
        segments.icp_fit

    from settled
    left join touches_until on settled.lead_id = touches_until.lead_id
    left join replies_until on settled.lead_id = replies_until.lead_id
    left join segments on settled.lead_id = segments.lead_id

)

select * from final
