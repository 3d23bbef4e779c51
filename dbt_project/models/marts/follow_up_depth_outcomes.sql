-- One row per depth bucket at T (METRICS.md marts.follow_up_depth_outcomes): the leads settled at T under all
-- three rules (never-touched leads are depth 0) by attempts_at_settle, 0, 1, ... and max_attempts or more, with
-- their response and conversion rates and Wilson intervals. Descriptive only: depth stops growing when a lead
-- answers or converts, so conversion by depth is not the effect of more touches (see response_by_attempt).
with

settled as (

    select
        {{ attempt_bucket_min('attempts_at_settle') }} as bucket_min,
        responded_before_settle,
        is_converted
    from {{ ref('int_lead_outcomes') }}
    where settled_at is not null

),

counted as (

    select
        bucket_min,
        count(*) as leads,
        sum(case when responded_before_settle then 1 else 0 end) as responded_leads,
        sum(case when is_converted then 1 else 0 end) as converted_leads
    from settled
    group by 1

),

buckets as (

    {{ attempt_buckets(0) }}

),

filled as (

    select
        buckets.bucket,
        buckets.bucket_min,
        coalesce(counted.leads, 0) as leads,
        coalesce(counted.responded_leads, 0) as responded_leads,
        coalesce(counted.converted_leads, 0) as converted_leads
    from buckets
    left join counted on buckets.bucket_min = counted.bucket_min

),

final as (

    select
        -- grain
        cast(bucket as {{ dbt.type_string() }}) as depth,
        cast(bucket_min as integer) as depth_min,

        -- leads
        cast(leads as integer) as leads,
        cast(responded_leads as integer) as responded_leads,
        cast(converted_leads as integer) as converted_leads,

        -- rates
        cast({{ rate('responded_leads', 'leads') }} as double) as response_rate,
        cast({{ wilson_low('responded_leads', 'leads') }} as double) as response_rate_ci_low,
        cast({{ wilson_high('responded_leads', 'leads') }} as double) as response_rate_ci_high,
        cast({{ rate('converted_leads', 'leads') }} as double) as conversion_rate,
        cast({{ wilson_low('converted_leads', 'leads') }} as double) as conversion_rate_ci_low,
        cast({{ wilson_high('converted_leads', 'leads') }} as double) as conversion_rate_ci_high,
        leads >= {{ var('min_cell_n') }} as is_reportable

    from filled

)

select * from final
