-- Every outbound touch at or before T with its place in the lead's sequence (METRICS.md "Touch order"):
-- touch_number counts the lead's touches from 1 by touch time, then touch id; next_touched_at is the time of
-- the next one (t_(k+1), null for the last). A touch's rep is the task's owner, or the user whose address sent
-- the message; it may differ from the lead's owner.
with

touches as (

    select * from {{ ref('int_touches_unioned') }}

),

leads as (

    select lead_id, owner_id from {{ ref('int_leads_joined') }}

),

ordered as (

    select
        touches.*,
        row_number() over (partition by touches.lead_id order by touches.touched_at, touches.touch_id)
            as touch_number,
        lead(touches.touched_at) over (partition by touches.lead_id order by touches.touched_at, touches.touch_id)
            as next_touched_at,
        leads.owner_id
    from touches
    inner join leads on touches.lead_id = leads.lead_id

),

final as (

    select
        -- ids
        touch_id,
        lead_id,
        rep_id,
        message_id,

        -- order
        touch_number,

        -- touch
        channel,
        is_connect,
        has_outcome,
        is_bounced,
        coalesce(rep_id = owner_id, false) as is_by_owner,

        -- timestamps
        touched_at,
        next_touched_at

    from ordered

)

select * from final
