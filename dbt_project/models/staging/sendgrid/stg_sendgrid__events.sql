-- One row per sg_event_id: SendGrid delivers at least once, so a re-sent event counts once (as first loaded).
-- Incremental: a build adds the events of the files loaded since the last one that it has not seen.
{{ config(materialized='incremental', unique_key='event_id', incremental_strategy='append') }}
with

source as (

    {{ new_raw_rows(source('sendgrid', 'sendgrid_events')) }}

),

first_seen as (

    {{ deduplicate('source', partition_by='sg_event_id', order_by='_file_id, _row_number') }}

),

unseen as (

    select first_seen.*
    from first_seen
    {% if is_incremental() -%}
    where not exists (select 1 from {{ this }} as stored where stored.event_id = first_seen.sg_event_id)
    {%- endif %}

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
        event_at,

        -- lineage
        _file_id as file_id,
        _row_number as file_row_number

    from unseen

)

select * from final
