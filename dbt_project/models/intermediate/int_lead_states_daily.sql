-- One row per (complete day D, lead created before the snapshot s = D + 1 day): the lead's follow-up
-- state at s, for every D with s <= T (METRICS.md follow_up_coverage_daily). Touch counts and last touches
-- are running totals over days, so the cost follows leads x days, not leads x days x touches.
with

leads as (

    select * from {{ ref('int_leads_joined') }}

),

days as (

    {{ day_spine(
        '(select min(cast(created_at as date)) from ' ~ ref('int_leads_joined') ~ ')',
        'cast(' ~ dbt.dateadd('day', -1, 'cast(' ~ as_of() ~ ' as date)') ~ ' as date)'
    ) }}

),

lead_days as (

    select
        leads.lead_id,
        leads.owner_id,
        leads.created_at,
        days.day_on,
        cast({{ dbt.dateadd('day', 1, 'days.day_on') }} as {{ dbt.type_timestamp() }}) as snapshot_at
    from leads
    inner join days on days.day_on >= cast(leads.created_at as date)

),

touch_days as (

    select
        touches.lead_id,
        case
            when {{ first_snapshot_day('touches.touched_at') }} < cast(leads.created_at as date)
                then cast(leads.created_at as date)
            else {{ first_snapshot_day('touches.touched_at') }}
        end as day_on,
        count(*) as touches_on_day,
        max(touches.touched_at) as last_touched_at_on_day
    from {{ ref('int_touches_unioned') }} as touches
    inner join leads on touches.lead_id = leads.lead_id
    group by 1, 2

),

first_responses as (

    select lead_id, min(responded_at) as first_responded_at
    from {{ ref('int_responses_unioned') }}
    group by 1

),

running as (

    select
        lead_days.*,
        coalesce(sum(touch_days.touches_on_day) over (
            partition by lead_days.lead_id order by lead_days.day_on
            rows between unbounded preceding and current row
        ), 0) as touches,
        max(touch_days.last_touched_at_on_day) over (
            partition by lead_days.lead_id order by lead_days.day_on
            rows between unbounded preceding and current row
        ) as last_touch_at
    from lead_days
    left join touch_days
        on lead_days.lead_id = touch_days.lead_id
        and lead_days.day_on = touch_days.day_on

),

with_status as (

    select
        running.*,
        spells.status_category,
        coalesce(spells.is_closed, false) as is_closed,
        coalesce(first_responses.first_responded_at <= running.snapshot_at, false) as has_responded
    from running
    left join {{ ref('int_lead_status_spells') }} as spells
        on running.lead_id = spells.lead_id
        and spells.valid_from <= running.snapshot_at
        and (spells.valid_to is null or spells.valid_to > running.snapshot_at)
    left join first_responses on running.lead_id = first_responses.lead_id

),

final as (

    select
        -- grain
        day_on,
        lead_id,
        owner_id,

        -- state at the snapshot
        snapshot_at,
        coalesce(status_category, 'open') as status_category,
        not is_closed as is_open,
        touches,
        last_touch_at,
        has_responded,
        {{ follow_up_state('is_closed', 'touches', 'last_touch_at', 'created_at', 'has_responded', 'snapshot_at') }}
            as follow_up_state

    from with_status

)

select * from final
