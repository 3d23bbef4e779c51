-- One row per (complete ISO week, owner, aging bucket): the shiny-object test (METRICS.md
-- attention_by_age_weekly). Touches in the week on the owner's leads open at the touch, by the lead's age at the
-- touch, against the owner's open leads of each age over the week's seven daily snapshots. Open leads come
-- from the state spells (int_lead_follow_up_spells): each open spell is cut at the days its lead moves from
-- one bucket to the next, +1 where a piece starts and -1 where it ends, summed over the days, so the cost
-- follows leads x state changes plus days x owners x buckets, never leads x days.
{% set last_day = 'cast(' ~ dbt.dateadd('day', 6, last_complete_week()) ~ ' as date)' %}
{% set weeks_end = dbt.dateadd('day', 7, 'cast(' ~ last_complete_week() ~ ' as ' ~ dbt.type_timestamp() ~ ')') %}
with

leads as (

    select lead_id, owner_id, created_at from {{ ref('int_leads_joined') }}

),

spells as (

    select spells.lead_id, leads.owner_id, leads.created_at, spells.follow_up_state, spells.valid_from,
        spells.valid_to, spells.from_day, spells.to_day
    from {{ ref('int_lead_follow_up_spells') }} as spells
    inner join leads on spells.lead_id = leads.lead_id
    where spells.follow_up_state is not null

),

buckets as (

    {{ aging_bucket_ranges() }}

),

-- touches on a lead open at the touch (a touch before the lead's creation finds no spell: the lead did not exist)
open_touches as (

    select
        spells.owner_id,
        {{ iso_week_start('touches.touched_at') }} as week_start,
        {{ aging_bucket(floor_days('spells.created_at', 'touches.touched_at')) }} as aging_bucket
    from {{ ref('int_touches_unioned') }} as touches
    inner join spells
        on touches.lead_id = spells.lead_id
        and touches.touched_at >= spells.valid_from
        and (spells.valid_to is null or touches.touched_at < spells.valid_to)
    where spells.follow_up_state <> 'closed'
        and touches.touched_at < {{ weeks_end }}

),

weekly_touches as (

    select week_start, owner_id, aging_bucket, count(*) as touches
    from open_touches
    group by 1, 2, 3

),

-- an open spell's complete days [from_day, to_day) cut by bucket: the days D whose snapshot D + 1 day finds the
-- lead's floor_days age in [min_age, max_age]
pieces as (

    select
        spells.owner_id,
        buckets.aging_bucket,
        spells.from_day,
        spells.to_day,
        {{ first_snapshot_day(dbt.dateadd('day', 'buckets.min_age', 'spells.created_at')) }} as bucket_from_day,
        case
            when buckets.max_age is not null
                then {{ first_snapshot_day(dbt.dateadd('day', 'buckets.max_age + 1', 'spells.created_at')) }}
        end as bucket_to_day
    from spells
    cross join buckets
    where spells.follow_up_state <> 'closed'

),

open_days as (

    select
        owner_id,
        aging_bucket,
        case when bucket_from_day > from_day then bucket_from_day else from_day end as from_day,
        case
            when to_day is null then bucket_to_day
            when bucket_to_day is null or to_day < bucket_to_day then to_day
            else bucket_to_day
        end as to_day
    from pieces

),

deltas as (

    select owner_id, aging_bucket, from_day as day_on, 1 as delta
    from open_days
    where (to_day is null or to_day > from_day) and from_day <= {{ last_day }}
    union all
    select owner_id, aging_bucket, to_day, -1
    from open_days
    where to_day > from_day and to_day <= {{ last_day }}

),

daily_deltas as (

    select owner_id, aging_bucket, day_on, sum(delta) as delta
    from deltas
    group by 1, 2, 3

),

owners as (

    select owner_id, {{ iso_week_start('min(created_at)') }} as first_week
    from leads
    group by 1

),

days as (

    {{ day_spine(iso_week_start('(select min(created_at) from leads)'), last_day) }}

),

grid as (

    select days.day_on, {{ iso_week_start('days.day_on') }} as week_start, owners.owner_id, buckets.aging_bucket
    from days
    inner join owners on days.day_on >= owners.first_week
    cross join buckets

),

daily_open as (

    select
        grid.week_start,
        grid.owner_id,
        grid.aging_bucket,
        sum(coalesce(daily_deltas.delta, 0)) over (
            partition by grid.owner_id, grid.aging_bucket order by grid.day_on
            rows between unbounded preceding and current row
        ) as open_leads
    from grid
    left join daily_deltas
        on grid.owner_id = daily_deltas.owner_id
        and grid.aging_bucket = daily_deltas.aging_bucket
        and grid.day_on = daily_deltas.day_on

),

weekly as (

    select
        daily_open.week_start,
        daily_open.owner_id,
        daily_open.aging_bucket,
        coalesce(max(weekly_touches.touches), 0) as touches,
        sum(daily_open.open_leads) as open_lead_days
    from daily_open
    left join weekly_touches
        on daily_open.week_start = weekly_touches.week_start
        and daily_open.owner_id = weekly_touches.owner_id
        and daily_open.aging_bucket = weekly_touches.aging_bucket
    group by 1, 2, 3

),

-- shares of whole numbers (touches, lead-days), so that no sum of fractions depends on the order it is taken in
shares as (

    select
        *,
        case when sum(touches) over owner_week > 0
            then cast(touches as double) / sum(touches) over owner_week end as touch_share,
        case when sum(open_lead_days) over owner_week > 0
            then cast(open_lead_days as double) / sum(open_lead_days) over owner_week end as open_share
    from weekly
    window owner_week as (partition by week_start, owner_id)

),

final as (

    select
        -- grain
        cast(week_start as date) as week_start,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(aging_bucket as {{ dbt.type_string() }}) as aging_bucket,

        -- attention and open leads
        cast(touches as integer) as touches,
        cast(open_lead_days as double) / 7 as avg_open_leads,
        cast(touch_share as double) as touch_share,
        cast(open_share as double) as open_share,
        cast(case when open_share > 0 then touch_share / open_share end as double) as attention_index

    from shares

)

select * from final
