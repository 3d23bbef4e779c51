-- One row per attempt number k at T (METRICS.md marts.response_by_attempt): of the leads at risk at their k-th
-- touch (a k-th touch, no response before it, and a known outcome: a next touch, a response at or after it, or
-- cadence_days since it), the share whose first response came between it and the next touch. k runs from 1 to
-- max_attempts - 1; the top row pools every k >= max_attempts (lead-attempts). Inbound-first leads (a
-- response before any touch) are at risk at no attempt, so they are in no row.
with

attempts as (

    select
        {{ attempt_bucket_min('touches.touch_number') }} as bucket_min,
        touches.touched_at,
        touches.next_touched_at,
        outcomes.first_response_at,
        outcomes.is_converted
    from {{ ref('int_touches_ordered') }} as touches
    inner join {{ ref('int_lead_outcomes') }} as outcomes on touches.lead_id = outcomes.lead_id

),

judged as (

    select
        bucket_min,
        is_converted,
        coalesce(
            (first_response_at is null or first_response_at >= touched_at)
            and (
                next_touched_at is not null
                or first_response_at >= touched_at
                or touched_at <= {{ dbt.dateadd('hour', -24 * var('cadence_days'), as_of()) }}
            ),
            false
        ) as is_at_risk,
        coalesce(
            first_response_at >= touched_at and (next_touched_at is null or first_response_at < next_touched_at),
            false
        ) as is_first_response
    from attempts

),

counted as (

    select
        bucket_min,
        sum(case when is_at_risk then 1 else 0 end) as at_risk,
        sum(case when is_at_risk and is_first_response then 1 else 0 end) as first_responses,
        sum(case when is_at_risk and is_first_response and is_converted then 1 else 0 end)
            as converted_of_first_responses
    from judged
    group by 1

),

-- eventual responders by touches_to_first_response, for the cumulative share
responders as (

    select {{ attempt_bucket_min('touches_to_first_response') }} as bucket_min, count(*) as leads
    from {{ ref('int_lead_outcomes') }}
    where touches_to_first_response >= 1
    group by 1

),

buckets as (

    {{ attempt_buckets(1) }}

),

filled as (

    select
        buckets.bucket,
        buckets.bucket_min,
        coalesce(counted.at_risk, 0) as at_risk,
        coalesce(counted.first_responses, 0) as first_responses,
        coalesce(counted.converted_of_first_responses, 0) as converted_of_first_responses,
        sum(coalesce(responders.leads, 0)) over (
            order by buckets.bucket_min rows between unbounded preceding and current row
        ) as cumulative_responders,
        sum(coalesce(responders.leads, 0)) over () as responders
    from buckets
    left join counted on buckets.bucket_min = counted.bucket_min
    left join responders on buckets.bucket_min = responders.bucket_min

),

final as (

    select
        -- grain
        cast(bucket as {{ dbt.type_string() }}) as attempt,
        cast(bucket_min as integer) as attempt_min,

        -- hazard
        cast(at_risk as integer) as at_risk,
        cast(first_responses as integer) as first_responses,
        cast({{ rate('first_responses', 'at_risk') }} as double) as response_hazard,
        cast({{ wilson_low('first_responses', 'at_risk') }} as double) as hazard_ci_low,
        cast({{ wilson_high('first_responses', 'at_risk') }} as double) as hazard_ci_high,

        -- responders reached
        cast(cumulative_responders as integer) as cumulative_responders,
        cast(responders as integer) as responders,
        cast({{ rate('cumulative_responders', 'responders') }} as double) as cumulative_response_share,
        cast(converted_of_first_responses as integer) as converted_of_first_responses,
        at_risk >= {{ var('min_cell_n') }} as is_reportable

    from filled

)

select * from final
