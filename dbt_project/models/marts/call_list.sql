-- One row per open lead that needs its owner's action at the as-of time T: the day's work queue (METRICS.md
-- call_list). A lead appears once, with the first reason that holds; age, touches, last touch and next step
-- are lead_aging's. Ranked per owner by reason, then the longest wait, then lead_id.
{% set reasons = ['replied_unanswered', 'sla_breached', 'next_step_overdue', 'cadence_lapses_today', 'stale',
                  'awaiting_disposition'] %}
with

leads as (

    select * from {{ ref('lead_aging') }}
    where is_open

),

titles as (

    select lead_id, title from {{ ref('stg_salesforce__leads') }}

),

-- the earliest response after the lead's latest outbound touch (any response, when it was never touched)
unanswered as (

    select responses.lead_id, min(responses.responded_at) as unanswered_since
    from {{ ref('int_responses_unioned') }} as responses
    inner join leads on responses.lead_id = leads.lead_id
    where leads.last_touch_at is null or responses.responded_at > leads.last_touch_at
    group by 1

),

overdue as (

    select lead_id, min(due_on) as first_overdue_on
    from ({{ next_steps_at_as_of() }}) as open_tasks
    where due_on < cast({{ as_of() }} as date)
    group by 1

),

-- the touch that reached max_attempts, for the exhausted leads
exhausting_touches as (

    select lead_id, touched_at as exhausted_by_at
    from (
        select
            touches.lead_id,
            touches.touched_at,
            row_number() over (partition by touches.lead_id order by touches.touched_at, touches.touch_id)
                as touch_number
        from {{ ref('int_touches_unioned') }} as touches
        inner join leads on touches.lead_id = leads.lead_id
        where leads.follow_up_state = 'exhausted'
    ) as numbered
    where touch_number = {{ var('max_attempts') }}

),

prioritised as (

    select
        leads.*,
        unanswered.unanswered_since,
        overdue.first_overdue_on,
        exhausting_touches.exhausted_by_at,
        {{ dbt.dateadd('hour', var('cadence_days') * 24, 'leads.last_touch_at') }} as cadence_lapses_at,
        case
            when unanswered.lead_id is not null then 1
            when leads.follow_up_state = 'never_touched' then 2
            when leads.overdue_next_steps > 0 then 3
            when leads.follow_up_state = 'active'
                and {{ dbt.dateadd('hour', var('cadence_days') * 24, 'leads.last_touch_at') }}
                    <= {{ dbt.dateadd('day', 1, as_of()) }}
                then 4
            when leads.follow_up_state = 'stale' then 5
            when leads.follow_up_state = 'exhausted' then 6
        end as reason_priority
    from leads
    left join unanswered on leads.lead_id = unanswered.lead_id
    left join overdue on leads.lead_id = overdue.lead_id
    left join exhausting_touches on leads.lead_id = exhausting_touches.lead_id

),

waiting as (

    select
        *,
        case reason_priority
            when 1 then unanswered_since
            when 2 then {{ dbt.dateadd('hour', var('first_touch_sla_hours'), 'created_at') }}
            when 3 then cast(first_overdue_on as {{ dbt.type_timestamp() }})
            when 6 then exhausted_by_at
            else cadence_lapses_at
        end as waiting_since
    from prioritised
    where reason_priority is not null

),

ranked as (

    select
        waiting.*,
        {{ hours_between('waiting_since', as_of()) }} as hours_waiting,
        row_number() over (
            partition by owner_id
            order by reason_priority, {{ hours_between('waiting_since', as_of()) }} desc, lead_id
        ) as rank_in_owner
    from waiting

),

final as (

    select
        -- identity
        cast(ranked.owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(ranked.owner_name as {{ dbt.type_string() }}) as owner_name,
        cast(ranked.team as {{ dbt.type_string() }}) as team,
        cast(ranked.lead_id as {{ dbt.type_string() }}) as lead_id,

        -- the lead's business contact fields (never its email address or phone)
        cast(ranked.lead_name as {{ dbt.type_string() }}) as lead_name,
        cast(ranked.company as {{ dbt.type_string() }}) as company,
        cast(titles.title as {{ dbt.type_string() }}) as title,

        -- why it is on the list
        cast(case ranked.reason_priority
            {%- for reason in reasons %}
            when {{ loop.index }} then '{{ reason }}'
            {%- endfor %}
        end as {{ dbt.type_string() }}) as reason,
        cast(ranked.reason_priority as integer) as reason_priority,
        cast(ranked.waiting_since as {{ dbt.type_timestamp() }}) as waiting_since,
        cast(ranked.hours_waiting as double) as hours_waiting,

        -- the lead's follow-up so far (lead_aging)
        ranked.age_days,
        ranked.touches,
        ranked.last_touch_at,
        ranked.next_step_due_on,

        -- the owner's order of work
        cast(ranked.rank_in_owner as integer) as rank_in_owner

    from ranked
    left join titles on ranked.lead_id = titles.lead_id

)

select * from final
