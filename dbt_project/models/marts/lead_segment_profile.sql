-- One row per (dimension, segment) at T (METRICS.md marts.lead_segment_profile): the leads of each segment value
-- present among the leads, by follow-up group, with the neglect rate and its Wilson interval against the
-- `all` row's. Every segment value present has a row, unknown and unmapped included.
{% set dimensions = [
    'all', 'industry', 'employee_band', 'revenue_band', 'country', 'lead_source', 'seniority', 'job_function',
    'is_decision_maker', 'icp_fit',
] %}
with

outcomes as (

    select * from {{ ref('int_lead_outcomes') }}

),

segmented as (

    {% for dimension in dimensions %}
    select
        '{{ dimension }}' as dimension,
        {% if dimension == 'all' -%}
        'all'
        {%- elif dimension == 'is_decision_maker' -%}
        case when is_decision_maker then 'true' else 'false' end
        {%- else -%}
        {{ dimension }}
        {%- endif %} as segment,
        follow_up_group,
        is_converted,
        touches,
        touches_at_close
    from outcomes
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

counted as (

    select
        dimension,
        segment,
        count(*) as leads,
        sum(case when follow_up_group = 'dispositioned' then 1 else 0 end) as dispositioned_leads,
        sum(case when follow_up_group = 'neglected' then 1 else 0 end) as neglected_leads,
        sum(case when follow_up_group = 'exhausted' then 1 else 0 end) as exhausted_leads,
        sum(case when follow_up_group = 'working' then 1 else 0 end) as working_leads,
        sum(case when is_converted then 1 else 0 end) as converted_leads,
        sum(case when follow_up_group = 'dispositioned' then touches_at_close else 0 end)
            as touches_dispositioned,
        sum(case when follow_up_group = 'neglected' then touches else 0 end) as touches_neglected
    from segmented
    group by 1, 2

),

rated as (

    select
        *,
        neglected_leads + exhausted_leads + working_leads as open_leads,
        {{ rate('neglected_leads', 'neglected_leads + exhausted_leads + working_leads') }} as neglect_rate,
        {{ wilson_low('neglected_leads', 'neglected_leads + exhausted_leads + working_leads') }}
            as neglect_rate_ci_low,
        {{ wilson_high('neglected_leads', 'neglected_leads + exhausted_leads + working_leads') }}
            as neglect_rate_ci_high
    from counted

),

all_leads as (

    select neglected_leads as all_neglected_leads, neglect_rate as all_neglect_rate
    from rated
    where dimension = 'all'

),

final as (

    select
        -- grain
        cast(rated.dimension as {{ dbt.type_string() }}) as dimension,
        cast(rated.segment as {{ dbt.type_string() }}) as segment,

        -- leads by follow-up group
        cast(rated.leads as integer) as leads,
        cast(rated.dispositioned_leads as integer) as dispositioned_leads,
        cast(rated.neglected_leads as integer) as neglected_leads,
        cast(rated.exhausted_leads as integer) as exhausted_leads,
        cast(rated.working_leads as integer) as working_leads,
        cast(rated.open_leads as integer) as open_leads,
        cast(rated.converted_leads as integer) as converted_leads,

        -- neglect
        cast(rated.neglect_rate as double) as neglect_rate,
        cast(rated.neglect_rate_ci_low as double) as neglect_rate_ci_low,
        cast(rated.neglect_rate_ci_high as double) as neglect_rate_ci_high,
        cast({{ rate('rated.dispositioned_leads', 'rated.leads') }} as double) as disposition_rate,
        cast({{ rate('rated.converted_leads', 'rated.dispositioned_leads') }} as double) as conversion_rate,
        cast({{ rate('rated.neglected_leads', 'all_leads.all_neglected_leads') }} as double)
            as share_of_all_neglected,
        cast((rated.neglect_rate - all_leads.all_neglect_rate) * 100 as double) as neglect_rate_vs_all_pp,
        rated.open_leads >= {{ var('min_cell_n') }} as is_reportable,
        cast(
            case
                when rated.open_leads >= {{ var('min_cell_n') }}
                    and rated.neglect_rate_ci_low > all_leads.all_neglect_rate then 'over'
                when rated.open_leads >= {{ var('min_cell_n') }}
                    and rated.neglect_rate_ci_high < all_leads.all_neglect_rate then 'under'
                else 'inconclusive'
            end as {{ dbt.type_string() }}
        ) as neglect_signal,

        -- touches per lead
        cast({{ rate('rated.touches_dispositioned', 'rated.dispositioned_leads') }} as double)
            as mean_touches_dispositioned,
        cast({{ rate('rated.touches_neglected', 'rated.neglected_leads') }} as double) as mean_touches_neglected

    from rated
    cross join all_leads

)

select * from final
