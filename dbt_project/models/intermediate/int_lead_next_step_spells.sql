-- Each lead's next steps over time, as spells [valid_from, valid_to) (METRICS.md rep_scorecard_weekly "next
-- steps at s"): whether the lead exists and is open, and how many of its tasks are open next steps due on or
-- after date(s) (upcoming) or before it (overdue). A task is open from its creation to its completion
-- (next_step_completed_at: CompletedDateTime, else LastModifiedDate); it is upcoming until its due date ends
-- (due_on + 1 day, 00:00 UTC, when date(s) passes it) and overdue after. A task without an ActivityDate is
-- never a next step due on a date, nor overdue, so it is left out. Counts change only at those instants and at
-- the lead's creation and status changes: +1 / -1 at each, summed per lead, so the cost follows leads + tasks +
-- status changes, never leads x days. A snapshot s is in the spell with valid_from <= s < valid_to.
with

leads as (

    select lead_id, owner_id, created_at from {{ ref('int_leads_joined') }}

),

open_spells as (

    select
        spells.lead_id,
        greatest(spells.valid_from, leads.created_at) as open_from,
        case when spells.valid_to is not null then greatest(spells.valid_to, leads.created_at) end as open_to
    from {{ ref('int_lead_status_spells') }} as spells
    inner join leads on spells.lead_id = leads.lead_id
    where not spells.is_closed

),

tasks as (

    select
        tasks.lead_id,
        tasks.created_at as open_from,
        {{ next_step_completed_at('tasks') }} as completed_at,
        cast({{ dbt.dateadd('day', 1, 'tasks.due_on') }} as {{ dbt.type_timestamp() }}) as overdue_from
    from {{ ref('stg_salesforce__tasks') }} as tasks
    where not tasks.is_deleted
        and tasks.due_on is not null
        and tasks.lead_id in (select lead_id from leads)

),

-- each task's upcoming and overdue intervals (an interval that would end before it starts is left out)
task_intervals as (

    select
        lead_id,
        open_from as upcoming_from,
        least(overdue_from, coalesce(completed_at, overdue_from)) as upcoming_to,
        greatest(open_from, overdue_from) as overdue_from,
        completed_at as overdue_to
    from tasks

),

events as (

    select lead_id, open_from as event_at, 1 as open_delta, 0 as upcoming_delta, 0 as overdue_delta
    from open_spells
    where open_to is null or open_to > open_from
    union all
    select lead_id, open_to, -1, 0, 0 from open_spells where open_to > open_from
    union all
    select lead_id, upcoming_from, 0, 1, 0 from task_intervals where upcoming_to > upcoming_from
    union all
    select lead_id, upcoming_to, 0, -1, 0 from task_intervals where upcoming_to > upcoming_from
    union all
    select lead_id, overdue_from, 0, 0, 1 from task_intervals where overdue_to is null or overdue_to > overdue_from
    union all
    select lead_id, overdue_to, 0, 0, -1 from task_intervals where overdue_to > overdue_from

),

instants as (

    select
        lead_id,
        event_at,
        sum(open_delta) as open_delta,
        sum(upcoming_delta) as upcoming_delta,
        sum(overdue_delta) as overdue_delta
    from events
    group by 1, 2

),

running as (

    select
        lead_id,
        event_at,
        lead(event_at) over (partition by lead_id order by event_at) as next_event_at,
        sum(open_delta) over history > 0 as is_open,
        sum(upcoming_delta) over history as upcoming_next_steps,
        sum(overdue_delta) over history as overdue_next_steps
    from instants
    window history as (partition by lead_id order by event_at rows between unbounded preceding and current row)

),

final as (

    select
        -- ids
        running.lead_id,
        leads.owner_id,

        -- the lead and its next steps in the spell
        running.is_open,
        cast(running.upcoming_next_steps as integer) as upcoming_next_steps,
        cast(running.overdue_next_steps as integer) as overdue_next_steps,

        -- timestamps
        leads.created_at,
        running.event_at as valid_from,
        running.next_event_at as valid_to

    from running
    inner join leads on running.lead_id = leads.lead_id

)

select * from final
