-- One row per Message-ID: a message found in several mailboxes (CC'd reps) counts once.
with

source as (

    select * from {{ source('mailbox', 'mailbox_messages') }}

),

latest as (

    {{ deduplicate('source', partition_by='message_id', order_by='_file_id, _row_number') }}

),

final as (

    select
        -- ids
        message_id,
        in_reply_to as in_reply_to_message_id,

        -- sender
        lower(trim(from_address)) as from_email,
        from_name,

        -- content
        subject,
        body_text,

        -- timestamps
        sent_at

    from latest

)

select * from final
