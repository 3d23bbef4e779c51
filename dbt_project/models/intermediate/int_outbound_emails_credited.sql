-- One row per outbound email per lead recipient at or before T (the email touches: mailbox messages and CRM
-- email tasks without one), with what the email rates of METRICS.md need: is_replied (a reply is credited to
-- it, int_replies_credited), is_deliverable (no SendGrid bounce or dropped event at or before T for that
-- message and recipient; a CRM email task has no SendGrid events and counts as deliverable) and is_mature
-- (sent_at <= T - reply_window_days). Email reply rate = replied mature deliverable emails / mature deliverable
-- emails.
with

emails as (

    select touch_id, lead_id, rep_id, message_id, touch_number, is_by_owner, touched_at as sent_at
    from {{ ref('int_touches_ordered') }}
    where channel = 'email'

),

leads as (

    select lead_id, email from {{ ref('int_leads_joined') }}

),

undeliverable as (

    select distinct message_id, recipient_email
    from {{ ref('stg_sendgrid__events') }}
    where event_type in ('bounce', 'dropped')
        and event_at <= {{ as_of() }}

),

credits as (

    select credited_touch_id as touch_id, count(*) as credited_replies, min(replied_at) as first_credited_reply_at
    from {{ ref('int_replies_credited') }}
    where credited_touch_id is not null
    group by 1

),

final as (

    select
        -- ids
        emails.touch_id,
        emails.lead_id,
        emails.rep_id,
        emails.message_id,

        -- email
        emails.touch_number,
        emails.is_by_owner,
        undeliverable.message_id is null as is_deliverable,
        emails.sent_at <= {{ dbt.dateadd('hour', -24 * var('reply_window_days'), as_of()) }} as is_mature,
        coalesce(credits.credited_replies, 0) as credited_replies,
        credits.touch_id is not null as is_replied,

        -- timestamps
        emails.sent_at,
        credits.first_credited_reply_at

    from emails
    inner join leads on emails.lead_id = leads.lead_id
    left join undeliverable
        on emails.message_id = undeliverable.message_id
        and leads.email = undeliverable.recipient_email
    left join credits on emails.touch_id = credits.touch_id

)

select * from final
