-- One row per Message-ID: a message found in several mailboxes (CC'd reps) counts once, as first loaded.
-- Incremental: a build adds the messages of the files loaded since the last one that it has not seen.
{{ config(materialized='incremental', unique_key='message_id', incremental_strategy='append') }}
with

source as (

    {{ new_raw_rows(source('mailbox', 'mailbox_messages')) }}

),

first_seen as (

    {{ deduplicate('source', partition_by='message_id', order_by='_file_id, _row_number') }}

),

unseen as (

    select first_seen.*
    from first_seen
    {% if is_incremental() -%}
    where not exists (select 1 from {{ this }} as stored where stored.message_id = first_seen.message_id)
    {%- endif %}

),

final as (

    select
        -- ids
        message_id,
        in_reply_to as in_reply_to_message_id,

        -- sender
        lower(trim(from_address)) as from_email,
        from_name,

        -- content (the body stays in raw: no model reads it)
        subject,

        -- timestamps
        sent_at,

        -- lineage
        _file_id as file_id,
        _row_number as file_row_number

    from unseen

)

select * from final
