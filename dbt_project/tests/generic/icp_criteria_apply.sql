{#- The rows of icp_criteria that can never apply to a lead of `model` (int_lead_segments): a dimension that is
    not a segment dimension, or a segment no lead can have: not a band label, seniority, job function or
    true/false for the dimensions with a fixed set of values, not a code of country_aliases for country, and no
    lead's value for industry and lead_source. -#}
{% test icp_criteria_apply(model, criteria) %}
    {%- set fixed = {
        'employee_band': employee_band_labels(),
        'revenue_band': revenue_band_labels(),
        'is_decision_maker': ['true', 'false'],
    } -%}
    with

    possible as (

        {% for dimension, labels in fixed.items() %}
        {% for label in labels %}
        select '{{ dimension }}' as dimension, '{{ label }}' as segment union all
        {% endfor %}
        {% endfor %}
        select 'seniority', value from {{ ref('title_seniority_rules') }}
        union all select 'seniority', 'individual'
        union all select 'seniority', 'unknown'
        union all select 'job_function', value from {{ ref('title_function_rules') }}
        union all select 'job_function', 'other'
        union all select 'job_function', 'unknown'
        union all select 'country', country_code from {{ ref('country_aliases') }}
        union all select 'country', 'unknown'
        union all select 'country', 'unmapped'
        union all select distinct 'industry', industry from {{ model }}
        union all select distinct 'lead_source', lead_source from {{ model }}

    )

    select criteria.dimension, criteria.segment
    from {{ criteria }} as criteria
    left join possible
        on criteria.dimension = possible.dimension
        and criteria.segment = possible.segment
    where possible.dimension is null
{% endtest %}
