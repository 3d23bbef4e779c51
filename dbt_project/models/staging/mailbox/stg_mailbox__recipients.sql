-- One row per (message, recipient address); an address in both To and Cc is kept as To.
-- Incremental: a build adds the recipients of the files loaded since the last one, and a To replaces a stored
-- Cc of the same address.
{{ config(
    materialized='incremental',
    unique_key=['message_id', 'recipient_email'],
    incremental_strategy='delete+insert',
) }}
with

source as (

    select *, lower(trim(address)) as recipient_email
    from ({{ new_raw_rows(source('mailbox', 'mailbox_recipients')) }}) as delivered

),

first_seen as (

    {{ deduplicate(
        'source',
        partition_by='message_id, recipient_email',
        order_by="case when recipient_type = 'to' then 0 else 1 end, _file_id, _row_number",
    ) }}

),

better as (

    select first_seen.*
    from first_seen
    {% if is_incremental() -%}
    left join {{ this }} as stored
        on first_seen.message_id = stored.message_id
        and first_seen.recipient_email = stored.recipient_email
    where stored.message_id is null
        or (stored.recipient_type = 'cc' and first_seen.recipient_type = 'to')
    {%- endif %}

),

final as (

    select
        -- ids
        message_id,

        -- recipient
        recipient_email,
        recipient_type,
        display_name,

        -- lineage
        _file_id as file_id,
        _row_number as file_row_number

    from better

)

select * from final
