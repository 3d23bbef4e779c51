-- Every outbound touch at or before T on a lead that exists at T (METRICS.md "Outbound touch"):
-- completed call tasks, mailbox messages from a rep to the lead (one per lead recipient), and completed
-- email tasks, where an email task within email_task_match_minutes of a message from the same rep to the
-- same lead is that message's touch, not another one. Only what exists at T takes part: a message sent
-- after T does not absorb an email task logged before T. Incremental: a build recomputes the touches of the
-- leads in int_leads_changed.
{{ config(materialized='incremental', incremental_strategy='replace_changed_leads', unique_key='lead_id') }}
-- depends_on: {{ ref('int_leads_changed') }}
with

leads as (

    select lead_id, email from {{ ref('int_leads_joined') }}
    {%- if is_incremental() %}
    where lead_id in (select lead_id from {{ ref('int_leads_changed') }})
    {%- endif %}

),

-- one user per address: when users share one (a team inbox), its messages are the lowest user id's touches
reps as (

    select email, min(user_id) as user_id
    from {{ ref('stg_salesforce__users') }}
    where email is not null
    group by 1

),

completed_tasks as (

    select
        tasks.task_id,
        tasks.lead_id,
        tasks.owner_id as rep_id,
        tasks.task_subtype,
        tasks.call_disposition,
        coalesce(tasks.completed_at, tasks.created_at) as touched_at
    from {{ ref('stg_salesforce__tasks') }} as tasks
    inner join leads on tasks.lead_id = leads.lead_id
    where tasks.is_completed
        and not tasks.is_deleted
        and coalesce(tasks.completed_at, tasks.created_at) <= {{ as_of() }}

),

calls as (

    select
        'task:' || completed_tasks.task_id as touch_id,
        completed_tasks.lead_id,
        completed_tasks.rep_id,
        completed_tasks.touched_at,
        cast(null as {{ dbt.type_string() }}) as message_id,
        'call' as channel,
        coalesce(dispositions.is_connected, false) as is_connect,
        dispositions.call_disposition is not null as has_outcome,
        false as is_bounced
    from completed_tasks
    left join {{ ref('call_disposition_mapping') }} as dispositions
        on lower(trim(completed_tasks.call_disposition)) = lower(dispositions.call_disposition)
    where completed_tasks.task_subtype = 'call'

),

bounces as (

    select distinct message_id, recipient_email
    from {{ ref('stg_sendgrid__events') }}
    where event_type = 'bounce'

),

messages as (

    select
        'message:' || messages.message_id || ':' || leads.lead_id as touch_id,
        leads.lead_id,
        reps.user_id as rep_id,
        messages.sent_at as touched_at,
        messages.message_id,
        'email' as channel,
        false as is_connect,
        false as has_outcome,
        bounces.message_id is not null as is_bounced
    from {{ ref('stg_mailbox__messages') }} as messages
    inner join reps on messages.from_email = reps.email
    inner join {{ ref('stg_mailbox__recipients') }} as recipients
        on messages.message_id = recipients.message_id
    inner join leads on recipients.recipient_email = leads.email
    left join bounces
        on messages.message_id = bounces.message_id
        and recipients.recipient_email = bounces.recipient_email
    where messages.sent_at <= {{ as_of() }}

),

email_tasks as (

    select
        'task:' || completed_tasks.task_id as touch_id,
        completed_tasks.lead_id,
        completed_tasks.rep_id,
        completed_tasks.touched_at,
        cast(null as {{ dbt.type_string() }}) as message_id,
        'email' as channel,
        false as is_connect,
        false as has_outcome,
        false as is_bounced
    from completed_tasks
    where completed_tasks.task_subtype in ('email', 'listemail')
        and not exists (
            select 1
            from messages
            where messages.lead_id = completed_tasks.lead_id
                and messages.rep_id = completed_tasks.rep_id
                and messages.touched_at
                    >= {{ dbt.dateadd('minute', -var('email_task_match_minutes'), 'completed_tasks.touched_at') }}
                and messages.touched_at
                    <= {{ dbt.dateadd('minute', var('email_task_match_minutes'), 'completed_tasks.touched_at') }}
        )

),

unioned as (

    select * from calls
    union all
    select * from messages
    union all
    select * from email_tasks

),

final as (

    select
        -- ids
        touch_id,
        lead_id,
        rep_id,
        message_id,

        -- touch
        channel,
        is_connect,
        has_outcome,
        is_bounced,

        -- timestamps
        touched_at

    from unioned

)

select * from final
