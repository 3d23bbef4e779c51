-- One row per Message-ID: a message found in several mailboxes (CC'd reps) counts once.
with

source as (

    select * from {{ source('mailbox', 'mailbox_messages') }}

),

ranked as (

    select
        *,
        row_number() over (partition by message_id order by _file_id, _row_number) as copy_rank
    from source

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

    from ranked
    where copy_rank = 1

)

select * from final
