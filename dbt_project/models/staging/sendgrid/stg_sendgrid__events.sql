-- One row per sg_event_id: SendGrid delivers at least once, so a re-sent event counts once.
with

source as (

    select * from {{ source('sendgrid', 'sendgrid_events') }}

),

latest as (

    {{ deduplicate('source', partition_by='sg_event_id', order_by='_file_id, _row_number') }}

),

final as (

    select
        -- ids
        sg_event_id as event_id,
        sg_message_id,
        smtp_id as message_id,

        -- event
        lower(trim(email)) as recipient_email,
        event as event_type,
        event in (
            'processed', 'delivered', 'open', 'click', 'bounce',
            'dropped', 'deferred', 'spamreport', 'unsubscribe'
        ) as is_known_event_type,
        reason,

        -- timestamps
        event_at

    from latest

)

select * from final
