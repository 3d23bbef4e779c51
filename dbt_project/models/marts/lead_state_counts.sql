-- One row per scope (the company, each team, each rep) at the as-of time T: its leads counted by follow-up
-- state, open and neglected, from lead_aging. The dashboard's tiles and rep list, the run summary, the previews
-- and the published headline read these counts here rather than counting lead_aging's rows themselves.
with

leads as (

    select
        owner_id,
        owner_name,
        team,
        is_open,
        is_neglected,
        follow_up_state
    from {{ ref('lead_aging') }}

),

scoped as (

    select 'company' as scope_type, 'company' as scope, 'company' as scope_label,
        cast(null as {{ dbt.type_string() }}) as scope_team, is_open, is_neglected, follow_up_state
    from leads
    union all
    select 'team', coalesce(team, '{{ var("no_team_label") }}'), coalesce(team, '{{ var("no_team_label") }}'),
        team, is_open, is_neglected, follow_up_state
    from leads
    union all
    select 'rep', owner_id, coalesce(owner_name, owner_id), team, is_open, is_neglected, follow_up_state
    from leads

),

final as (

    select
        scope_type,
        scope,
        max(scope_label) as scope_label,
        max(scope_team) as team,
        cast(count(*) as integer) as leads,
        cast(sum(case when is_open then 1 else 0 end) as integer) as open_leads,
        cast(sum(case when is_neglected then 1 else 0 end) as integer) as neglected_leads,
        {%- for state in ['closed', 'new', 'never_touched', 'active', 'exhausted', 'stale'] %}
        cast(sum(case when follow_up_state = '{{ state }}' then 1 else 0 end) as integer) as {{ state }}_leads{{ ',' if not loop.last }}
        {%- endfor %}
    from scoped
    group by scope_type, scope

)

select * from final
