-- The as-of time and metric parameters the marts of this build were computed with (one row). It depends
-- on the marts so that every rebuild of them (the daily rebuild included) records its as-of time.
-- depends_on: {{ ref('lead_aging') }}
-- depends_on: {{ ref('follow_up_coverage_daily') }}
with

final as (

    select
        cast({{ as_of() }} as {{ dbt.type_timestamp() }}) as as_of,
        cast({{ var('first_touch_sla_hours') }} as integer) as first_touch_sla_hours,
        cast({{ var('cadence_days') }} as integer) as cadence_days,
        cast({{ var('max_attempts') }} as integer) as max_attempts,
        cast('{{ var('aging_bucket_edges') | join(",") }}' as {{ dbt.type_string() }}) as aging_bucket_edges,
        cast({{ var('email_task_match_minutes') }} as integer) as email_task_match_minutes,
        cast({{ var('survival_horizon_days') }} as integer) as survival_horizon_days

)

select * from final
