-- Every reply at or before T (one per lead the replying address belongs to), credited to exactly one outbound
-- email to that lead (METRICS.md "Reply credit"): the email whose Message-ID is the reply's In-Reply-To;
-- failing that, the latest email to the lead sent at or before the reply and at most reply_window_days
-- earlier (ties: the higher touch id); failing both, none (uncredited: still a reply and a response, but in no
-- email rate). A CRM email task has no Message-ID, so it takes credit by the time rule only.
with

replies as (

    select
        responses.response_id,
        responses.lead_id,
        responses.message_id,
        responses.responded_at as replied_at,
        messages.in_reply_to_message_id
    from {{ ref('int_responses_unioned') }} as responses
    inner join {{ ref('stg_mailbox__messages') }} as messages on responses.message_id = messages.message_id
    where responses.response_type = 'reply'

),

emails as (

    select touch_id, lead_id, message_id, touched_at as sent_at
    from {{ ref('int_touches_unioned') }}
    where channel = 'email'

),

by_in_reply_to as (

    select replies.response_id, min(emails.touch_id) as touch_id
    from replies
    inner join emails
        on replies.lead_id = emails.lead_id
        and replies.in_reply_to_message_id = emails.message_id
    group by 1

),

by_time as (

    select response_id, touch_id
    from (
        select
            replies.response_id,
            emails.touch_id,
            row_number() over (
                partition by replies.response_id order by emails.sent_at desc, emails.touch_id desc
            ) as recency
        from replies
        inner join emails
            on replies.lead_id = emails.lead_id
            and emails.sent_at <= replies.replied_at
            and emails.sent_at >= {{ dbt.dateadd('hour', -24 * var('reply_window_days'), 'replies.replied_at') }}
    ) as candidates
    where recency = 1

),

final as (

    select
        -- ids
        replies.response_id,
        replies.lead_id,
        replies.message_id,
        coalesce(by_in_reply_to.touch_id, by_time.touch_id) as credited_touch_id,

        -- credit
        case
            when by_in_reply_to.touch_id is not null then 'in_reply_to'
            when by_time.touch_id is not null then 'time_window'
            else 'uncredited'
        end as credit_rule,

        -- timestamps
        replies.replied_at

    from replies
    left join by_in_reply_to on replies.response_id = by_in_reply_to.response_id
    left join by_time on replies.response_id = by_time.response_id

)

select * from final
