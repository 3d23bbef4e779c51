-- One row per (message, recipient address); an address in both To and Cc is kept as To.
with

source as (

    select * from {{ source('mailbox', 'mailbox_recipients') }}

),

latest as (

    {{ deduplicate(
        'source',
        partition_by='message_id, lower(trim(address))',
        order_by="case when recipient_type = 'to' then 0 else 1 end, _file_id, _row_number",
    ) }}

),

final as (

    select
        -- ids
        message_id,

        -- recipient
        lower(trim(address)) as recipient_email,
        recipient_type,
        display_name

    from latest

)

select * from final
