-- One row per (message, recipient address); an address in both To and Cc is kept as To.
with

source as (

    select * from {{ source('mailbox', 'mailbox_recipients') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by message_id, lower(trim(address))
            order by case when recipient_type = 'to' then 0 else 1 end, _file_id, _row_number
        ) as copy_rank
    from source

),

final as (

    select
        -- ids
        message_id,

        -- recipient
        lower(trim(address)) as recipient_email,
        recipient_type,
        display_name

    from ranked
    where copy_rank = 1

)

select * from final
