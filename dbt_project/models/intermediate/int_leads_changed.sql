-- The leads whose follow-up history this build recomputes: every lead on the first build or when the users'
-- addresses changed; otherwise the leads with a new version, task, status change, message, reply or bounce in
-- the files loaded since the last recorded build, and the leads with anything stamped between that build's
-- as-of time and this one's (data that already existed but only now falls at or before T, or no longer does).
-- The incremental intermediate models replace every row of these leads and leave the others as they are.
{% set since = previous_max_file_id() %}
{% set from_at = 'least(' ~ as_of() ~ ', ' ~ previous_build('as_of') ~ ')' %}
{% set to_at = 'greatest(' ~ as_of() ~ ', ' ~ previous_build('as_of') ~ ')' %}
with

leads as (

    select lead_id, email, created_at, file_id from {{ ref('stg_salesforce__leads') }}

),

tasks as (

    select task_id, lead_id, previous_lead_id, coalesce(completed_at, created_at) as touched_at, file_id
    from {{ ref('stg_salesforce__tasks') }}

),

history as (

    select lead_id, changed_at, file_id from {{ ref('stg_salesforce__lead_history') }}

),

-- addresses of mail in the new files, or sent within the as-of window: the leads they belong to
new_addresses as (

    select recipients.recipient_email as email
    from {{ ref('stg_mailbox__recipients') }} as recipients
    where recipients.file_id > {{ since }}
    union
    select messages.from_email
    from {{ ref('stg_mailbox__messages') }} as messages
    where messages.file_id > {{ since }}
        or (messages.sent_at > {{ from_at }} and messages.sent_at <= {{ to_at }})
    union
    select recipients.recipient_email
    from {{ ref('stg_mailbox__messages') }} as messages
    inner join {{ ref('stg_mailbox__recipients') }} as recipients on messages.message_id = recipients.message_id
    where messages.sent_at > {{ from_at }} and messages.sent_at <= {{ to_at }}
    union
    select recipient_email
    from {{ ref('stg_sendgrid__events') }}
    where file_id > {{ since }} and event_type = 'bounce'

),

changed as (

    select lead_id from leads
    where file_id > {{ since }} or (created_at > {{ from_at }} and created_at <= {{ to_at }})
    union
    select lead_id from tasks
    where file_id > {{ since }} or (touched_at > {{ from_at }} and touched_at <= {{ to_at }})
    union
    select previous_lead_id from tasks where file_id > {{ since }} and previous_lead_id is not null
    union
    select lead_id from history
    where file_id > {{ since }} or (changed_at > {{ from_at }} and changed_at <= {{ to_at }})
    union
    select leads.lead_id from leads inner join new_addresses on leads.email = new_addresses.email

),

everything as (

    select lead_id from leads
    where {{ previous_build('build_number') }} is null
        or {{ rep_addresses(ref('stg_salesforce__users')) }} <> {{ previous_build('rep_addresses') }}

),

final as (

    select lead_id from changed where lead_id is not null
    union
    select lead_id from everything

)

select * from final
