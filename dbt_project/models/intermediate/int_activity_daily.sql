-- One row per complete day D (D + 1 day <= T) from the first recorded activity on: the day's activity in the
-- sources and how long the feeds had been quiet at the day's end. Input of the monitoring measures (volume
-- and freshness) that tell a data problem from a follow-up problem.
with

activity as (

    select created_at as activity_at, 'lead' as activity_type from {{ ref('stg_salesforce__leads') }}
    union all
    select coalesce(completed_at, created_at), 'crm_task' from {{ ref('stg_salesforce__tasks') }}
    union all
    select sent_at, 'message' from {{ ref('stg_mailbox__messages') }}
    union all
    select event_at, 'email_event' from {{ ref('stg_sendgrid__events') }}

),

known_at_t as (

    select * from activity where activity_at <= {{ as_of() }}

),

per_day as (

    select
        cast(activity_at as date) as day_on,
        sum(case when activity_type = 'lead' then 1 else 0 end) as leads_created,
        sum(case when activity_type = 'crm_task' then 1 else 0 end) as crm_tasks,
        sum(case when activity_type = 'message' then 1 else 0 end) as messages,
        sum(case when activity_type = 'email_event' then 1 else 0 end) as email_events,
        max(activity_at) as latest_activity_at
    from known_at_t
    group by 1

),

touches as (

    select cast(touched_at as date) as day_on, count(*) as outbound_touches
    from {{ ref('int_touches_unioned') }}
    group by 1

),

days as (

    {{ day_spine(
        '(select min(day_on) from per_day)',
        'cast(' ~ dbt.dateadd('day', -1, 'cast(' ~ as_of() ~ ' as date)') ~ ' as date)'
    ) }}

),

running as (

    select
        days.day_on,
        coalesce(per_day.leads_created, 0) as leads_created,
        coalesce(per_day.crm_tasks, 0) as crm_tasks,
        coalesce(per_day.messages, 0) as messages,
        coalesce(per_day.email_events, 0) as email_events,
        coalesce(touches.outbound_touches, 0) as outbound_touches,
        max(per_day.latest_activity_at) over (
            order by days.day_on rows between unbounded preceding and current row
        ) as latest_activity_at
    from days
    left join per_day on days.day_on = per_day.day_on
    left join touches on days.day_on = touches.day_on

),

final as (

    select
        -- grain
        cast(day_on as date) as day,

        -- the day's activity
        cast(leads_created as integer) as leads_created,
        cast(crm_tasks as integer) as crm_tasks,
        cast(messages as integer) as messages,
        cast(email_events as integer) as email_events,
        cast(outbound_touches as integer) as outbound_touches,

        -- freshness at the day's end (D + 1 day)
        latest_activity_at,
        {{ hours_between(
            'latest_activity_at',
            'cast(' ~ dbt.dateadd('day', 1, 'day_on') ~ ' as ' ~ dbt.type_timestamp() ~ ')'
        ) }} as hours_since_activity

    from running

)

select * from final
