-- Each lead's status over time, as spells [valid_from, valid_to). Before the first Status change the
-- lead had that change's old value; without any change its current status holds from creation on.
-- closed_since is the start of the unbroken run of non-open spells a closed spell belongs to. Incremental: a
-- build recomputes the spells of the leads in int_leads_changed.
{{ config(materialized='incremental', incremental_strategy='replace_changed_leads', unique_key='lead_id') }}
-- depends_on: {{ ref('int_leads_changed') }}
with

leads as (

    select * from {{ ref('int_leads_joined') }}
    {%- if is_incremental() %}
    where lead_id in (select lead_id from {{ ref('int_leads_changed') }})
    {%- endif %}

),

status_mapping as (

    select * from {{ ref('lead_status_mapping') }}

),

changes as (

    select
        lead_id,
        old_value,
        new_value,
        changed_at,
        row_number() over (partition by lead_id order by changed_at, lead_history_id) as spell_number
    from {{ ref('stg_salesforce__lead_history') }}
    where lower(field_name) = 'status'
        and lead_id in (select lead_id from leads)

),

initial_spells as (

    select
        leads.lead_id,
        case when changes.lead_id is null then leads.status else changes.old_value end as status,
        leads.created_at as valid_from,
        0 as spell_number
    from leads
    left join changes
        on leads.lead_id = changes.lead_id
        and changes.spell_number = 1

),

spells as (

    select * from initial_spells
    union all
    select lead_id, new_value as status, changed_at as valid_from, spell_number from changes

),

categorised as (

    select
        spells.lead_id,
        spells.spell_number,
        spells.status,
        coalesce(status_mapping.status_category, 'open') as status_category,
        status_mapping.status is not null as is_status_mapped,
        spells.valid_from,
        lead(spells.valid_from) over (
            partition by spells.lead_id order by spells.spell_number
        ) as valid_to,
        sum(case when coalesce(status_mapping.status_category, 'open') = 'open' then 1 else 0 end) over (
            partition by spells.lead_id order by spells.spell_number rows between unbounded preceding and current row
        ) as open_spells_so_far
    from spells
    left join status_mapping on spells.status = status_mapping.status

),

final as (

    select
        -- ids
        lead_id,
        spell_number,

        -- status
        status,
        status_category,
        is_status_mapped,
        status_category <> 'open' as is_closed,

        -- timestamps
        valid_from,
        valid_to,
        case
            when status_category <> 'open'
                then min(case when status_category <> 'open' then valid_from end) over (
                    partition by lead_id, open_spells_so_far
                )
        end as closed_since

    from categorised

)

select * from final
