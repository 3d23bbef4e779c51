-- The segments of each lead that exists at T (METRICS.md "Segments"), from its current field values (the Lead
-- export has no history of them): industry, lead source, company size and revenue bands, country (by the
-- country_aliases seed), seniority and job function (by the title rule seeds), decision-maker and ICP fit (by
-- the icp_criteria seed). The raw title and country are kept beside them for the seeds' unmapped-value checks.
-- Titles and countries are looked up once per distinct value, so the cost follows the leads, not leads x rules.
{% set icp_dimensions = [
    'industry', 'lead_source', 'employee_band', 'revenue_band', 'country', 'seniority', 'job_function',
    'is_decision_maker',
] %}
with

leads as (

    select
        leads.lead_id,
        leads.title,
        leads.industry,
        leads.lead_source,
        leads.number_of_employees,
        leads.annual_revenue,
        leads.country as country_value,
        {{ title_key('leads.title') }} as title_key,
        {{ country_key('leads.country') }} as country_key
    from {{ ref('stg_salesforce__leads') }} as leads
    inner join {{ ref('int_leads_joined') }} as existing on leads.lead_id = existing.lead_id

),

titles as (

    select distinct title_key from leads where title_key is not null

),

seniorities as (

    {{ first_matching_title_rule('titles', ref('title_seniority_rules')) }}

),

job_functions as (

    {{ first_matching_title_rule('titles', ref('title_function_rules')) }}

),

country_codes as (

    select {{ country_key('alias') }} as country_key, min(country_code) as country_code
    from {{ ref('country_aliases') }}
    group by 1

),

segmented as (

    select
        leads.lead_id,
        leads.title,
        leads.country_value,
        coalesce(nullif(trim(leads.industry), ''), 'unknown') as industry,
        coalesce(nullif(trim(leads.lead_source), ''), 'unknown') as lead_source,
        {{ employee_band('leads.number_of_employees') }} as employee_band,
        {{ revenue_band('leads.annual_revenue') }} as revenue_band,
        case
            when leads.country_key is null or leads.country_key = '' then 'unknown'
            else coalesce(country_codes.country_code, 'unmapped')
        end as country,
        case
            when leads.title is null or trim(leads.title) = '' then 'unknown'
            else coalesce(seniorities.value, 'individual')
        end as seniority,
        seniorities.value is not null as is_seniority_rule_matched,
        case
            when leads.title is null or trim(leads.title) = '' then 'unknown'
            else coalesce(job_functions.value, 'other')
        end as job_function,
        job_functions.value is not null as is_job_function_rule_matched
    from leads
    left join country_codes on leads.country_key = country_codes.country_key
    left join seniorities on leads.title_key = seniorities.title_key
    left join job_functions on leads.title_key = job_functions.title_key

),

with_decision_maker as (

    select
        *,
        case when seniority in ('c_level', 'vp', 'director') then 'true' else 'false' end as is_decision_maker
    from segmented

),

-- each lead's value of every dimension the ICP seed lists, judged against the allowed segments
icp_values as (

    {% for dimension in icp_dimensions %}
    select lead_id, '{{ dimension }}' as dimension, {{ dimension }} as segment from with_decision_maker
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

icp_judged as (

    select
        icp_values.lead_id,
        max(case when icp_values.segment in ('unknown', 'unmapped') then 1 else 0 end) as has_unknown,
        max(
            case
                when icp_values.segment in ('unknown', 'unmapped') then 0
                when allowed.segment is null then 1
                else 0
            end
        ) as has_not_allowed
    from icp_values
    inner join (select distinct dimension from {{ ref('icp_criteria') }}) as listed
        on icp_values.dimension = listed.dimension
    left join {{ ref('icp_criteria') }} as allowed
        on icp_values.dimension = allowed.dimension
        and icp_values.segment = allowed.segment
    group by 1

),

final as (

    select
        -- ids
        leads.lead_id,

        -- as exported (for the seeds' checks)
        leads.title,
        leads.country_value,

        -- segments
        leads.industry,
        leads.lead_source,
        leads.employee_band,
        leads.revenue_band,
        leads.country,
        leads.seniority,
        leads.job_function,
        leads.is_decision_maker = 'true' as is_decision_maker,
        case
            when icp_judged.has_not_allowed = 1 then 'non_icp'
            when icp_judged.has_unknown = 1 or icp_judged.lead_id is null then 'unknown'
            else 'icp'
        end as icp_fit,

        -- how the title was mapped
        leads.is_seniority_rule_matched,
        leads.is_job_function_rule_matched

    from with_decision_maker as leads
    left join icp_judged on leads.lead_id = icp_judged.lead_id

)

select * from final
