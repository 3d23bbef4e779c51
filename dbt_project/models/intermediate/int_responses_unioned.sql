-- Every response at or before T (METRICS.md "Response"): connected calls and replies, a reply being a
-- message from the lead's address to a rep's address. Incremental: a build recomputes the responses of the
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

reps as (

    select email from {{ ref('stg_salesforce__users') }}

),

connects as (

    select
        touch_id as response_id,
        lead_id,
        cast(null as {{ dbt.type_string() }}) as message_id,
        'connect' as response_type,
        touched_at as responded_at
    from {{ ref('int_touches_unioned') }}
    where is_connect
        and lead_id in (select lead_id from leads)

),

replies as (

    select
        'message:' || messages.message_id || ':' || leads.lead_id as response_id,
        leads.lead_id,
        messages.message_id,
        'reply' as response_type,
        messages.sent_at as responded_at
    from {{ ref('stg_mailbox__messages') }} as messages
    inner join leads on messages.from_email = leads.email
    where exists (
        select 1
        from {{ ref('stg_mailbox__recipients') }} as recipients
        inner join reps on recipients.recipient_email = reps.email
        where recipients.message_id = messages.message_id
    )

),

unioned as (

    select * from connects
    union all
    select * from replies

),

final as (

    select
        -- ids
        response_id,
        lead_id,
        message_id,

        -- response
        response_type,

        -- timestamps
        responded_at

    from unioned
    where responded_at <= {{ as_of() }}

)

select * from final
