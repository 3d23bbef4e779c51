-- Each lead's follow-up state over time, as spells [valid_from, valid_to) (METRICS.md follow_up_state). The
-- state only changes at a few instants: creation, the first-touch SLA running out, each touch, each cadence
-- lapse after a touch, each status change and the first response. The state is evaluated at each of them and
-- runs of the same state are merged, so the cost follows leads x state changes, not leads x days.
-- from_day / to_day give the complete days D whose snapshot D + 1 day falls in the spell (to_day excluded).
-- Incremental: a build recomputes the leads in int_leads_changed; changed_from is where a recomputed lead's
-- spells first differ from the stored ones (a lead that no longer exists keeps one row without a state), so
-- follow_up_coverage_daily rebuilds only the days from there on.
{{ config(materialized='incremental', incremental_strategy='replace_changed_leads', unique_key='lead_id') }}
-- depends_on: {{ ref('int_leads_changed') }}
with

leads as (

    select lead_id, owner_id, created_at
    from {{ ref('int_leads_joined') }}
    {%- if is_incremental() %}
    where lead_id in (select lead_id from {{ ref('int_leads_changed') }})
    {%- endif %}

),

touches as (

    select touches.lead_id, touches.touched_at, leads.created_at
    from {{ ref('int_touches_unioned') }} as touches
    inner join leads on touches.lead_id = leads.lead_id

),

status_spells as (

    select spells.lead_id, spells.spell_number, spells.is_closed, spells.valid_from, leads.created_at
    from {{ ref('int_lead_status_spells') }} as spells
    inner join leads on spells.lead_id = leads.lead_id

),

first_responses as (

    select responses.lead_id, min(responses.responded_at) as responded_at, min(leads.created_at) as created_at
    from {{ ref('int_responses_unioned') }} as responses
    inner join leads on responses.lead_id = leads.lead_id
    group by 1

),

-- what happens at each instant (an instant before creation counts at creation)
events as (

    select lead_id, created_at as event_at, 0 as touches_added, cast(null as {{ dbt.type_timestamp() }}) as touch_at,
        cast(null as integer) as spell_number, 0 as responded
    from leads
    union all
    select lead_id, {{ dbt.dateadd('hour', var('first_touch_sla_hours'), 'created_at') }}, 0, null, null, 0
    from leads
    union all
    select lead_id, greatest(touched_at, created_at), 1, touched_at, null, 0
    from touches
    union all
    select lead_id, greatest({{ dbt.dateadd('hour', var('cadence_days') * 24, 'touched_at') }}, created_at),
        0, null, null, 0
    from touches
    union all
    select lead_id, greatest(valid_from, created_at), 0, null, spell_number, 0
    from status_spells
    union all
    select lead_id, greatest(responded_at, created_at), 0, null, null, 1
    from first_responses

),

instants as (

    select
        lead_id,
        event_at,
        sum(touches_added) as touches_added,
        max(touch_at) as last_touch_at,
        max(spell_number) as spell_number,
        max(responded) as responded
    from events
    group by 1, 2

),

-- everything at or before each instant; status spells are numbered in time order, so the latest is the max
running as (

    select
        lead_id,
        event_at,
        sum(touches_added) over history as touches,
        max(last_touch_at) over history as last_touch_at,
        max(spell_number) over history as spell_number,
        max(responded) over history as responded
    from instants
    window history as (partition by lead_id order by event_at rows between unbounded preceding and current row)

),

states as (

    select
        running.lead_id,
        running.event_at,
        {{ follow_up_state(
            'status_spells.is_closed', 'running.touches', 'running.last_touch_at', 'leads.created_at',
            'running.responded = 1', 'running.event_at'
        ) }} as follow_up_state
    from running
    inner join leads on running.lead_id = leads.lead_id
    inner join status_spells
        on running.lead_id = status_spells.lead_id
        and running.spell_number = status_spells.spell_number

),

starts as (

    select *
    from (
        select
            *,
            lag(follow_up_state) over (partition by lead_id order by event_at) as previous_state
        from states
    ) as with_previous
    where previous_state is null or previous_state <> follow_up_state

),

spells as (

    select
        starts.lead_id,
        leads.owner_id,
        starts.follow_up_state,
        starts.event_at as valid_from,
        lead(starts.event_at) over (partition by starts.lead_id order by starts.event_at) as valid_to,
        leads.created_at
    from starts
    inner join leads on starts.lead_id = leads.lead_id

),

{% if is_incremental() %}
stored as (

    select *
    from {{ this }}
    where lead_id in (select lead_id from {{ ref('int_leads_changed') }})

),

differences as (

    (
        select lead_id, owner_id, follow_up_state, valid_from, valid_to from spells
        except
        select lead_id, owner_id, follow_up_state, valid_from, valid_to from stored where follow_up_state is not null
    )
    union all
    (
        select lead_id, owner_id, follow_up_state, valid_from, valid_to from stored where follow_up_state is not null
        except
        select lead_id, owner_id, follow_up_state, valid_from, valid_to from spells
    )

),

-- where each lead's spells changed; a build that failed after storing them left its own marks to keep
changes as (

    select lead_id, min(changed_at) as changed_from
    from (
        select lead_id, valid_from as changed_at from differences
        union all
        select lead_id, changed_from from stored where build_number = {{ current_build_number() }}
    ) as marks
    where changed_at is not null
    group by 1

),
{% else %}
changes as (

    select lead_id, cast(null as {{ dbt.type_timestamp() }}) as changed_from from leads where false

),
{% endif %}

final as (

    select
        -- ids
        spells.lead_id,
        spells.owner_id,

        -- state
        spells.follow_up_state,

        -- timestamps
        spells.valid_from,
        spells.valid_to,

        -- the complete days D whose snapshot D + 1 day falls in the spell; a lead exists from its creation day
        case
            when spells.valid_from = spells.created_at then cast(spells.created_at as date)
            else {{ first_snapshot_day('spells.valid_from') }}
        end as from_day,
        case when spells.valid_to is not null then {{ first_snapshot_day('spells.valid_to') }} end as to_day,

        -- lineage
        changes.changed_from,
        {{ current_build_number() }} as build_number

    from spells
    left join changes on spells.lead_id = changes.lead_id
    union all
    select
        changes.lead_id,
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        changes.changed_from,
        cast(null as {{ dbt.type_timestamp() }}),
        cast(null as date),
        cast(null as date),
        changes.changed_from,
        {{ current_build_number() }}
    from changes
    where changes.lead_id not in (select lead_id from leads)

)

select * from final
