-- The as-of time and metric parameters the marts of this build were computed with (one row). It depends
-- on the marts so that every rebuild of them (the daily rebuild included) records its as-of time.
-- depends_on: {{ ref('lead_aging') }}
-- depends_on: {{ ref('follow_up_coverage_daily') }}
-- depends_on: {{ ref('lead_segment_profile') }}
-- depends_on: {{ ref('lead_activity_buckets') }}
-- depends_on: {{ ref('follow_up_depth_outcomes') }}
-- depends_on: {{ ref('response_by_attempt') }}
-- depends_on: {{ ref('call_list') }}
-- depends_on: {{ ref('shiny_object_curve') }}
-- depends_on: {{ ref('attention_by_age_weekly') }}
with

final as (

    select
        cast({{ as_of() }} as {{ dbt.type_timestamp() }}) as as_of,
        cast({{ var('first_touch_sla_hours') }} as integer) as first_touch_sla_hours,
        cast({{ var('cadence_days') }} as integer) as cadence_days,
        cast({{ var('max_attempts') }} as integer) as max_attempts,
        cast('{{ var('aging_bucket_edges') | join(",") }}' as {{ dbt.type_string() }}) as aging_bucket_edges,
        cast({{ var('email_task_match_minutes') }} as integer) as email_task_match_minutes,

        -- follow-up analytics
        {%- set hours = var('business_hours') %}
        cast('{{ var('company_time_zone') }}' as {{ dbt.type_string() }}) as company_time_zone,
        cast(
            'ISO weekdays {{ hours.weekdays | join(",") }}, [{{ hours.start }}, {{ hours.end }})'
            as {{ dbt.type_string() }}
        ) as business_hours,
        cast({{ var('reply_window_days') }} as integer) as reply_window_days,
        cast({{ var('min_cell_n') }} as integer) as min_cell_n,
        cast({{ var('ci_z') }} as double) as ci_z,
        cast({{ var('timing_lookback_days') }} as integer) as timing_lookback_days,
        cast({{ var('batch_log_min_calls') }} as integer) as batch_log_min_calls,
        cast('{{ var('employee_band_edges') | join(",") }}' as {{ dbt.type_string() }}) as employee_band_edges,
        cast('{{ var('revenue_band_edges') | join(",") }}' as {{ dbt.type_string() }}) as revenue_band_edges,
        cast({{ var('survival_horizon_days') }} as integer) as survival_horizon_days,
        cast({{ var('template_min_leads') }} as integer) as template_min_leads,
        cast({{ var('min_english_share') }} as double) as min_english_share,
        cast({{ var('benchmark_never_follow_up') }} as double) as benchmark_never_follow_up,
        cast({{ var('benchmark_gave_up_after_one') }} as double) as benchmark_gave_up_after_one,
        cast({{ var('benchmark_calls_to_reach') }} as double) as benchmark_calls_to_reach,
        cast({{ var('benchmark_best_hour') }} as integer) as benchmark_best_hour,
        cast('{{ var('benchmark_best_weekdays') | join(",") }}' as {{ dbt.type_string() }}) as benchmark_best_weekdays

)

select * from final
