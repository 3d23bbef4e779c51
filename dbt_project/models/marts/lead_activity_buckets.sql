-- One row per (follow-up group, activity, bucket) at T (METRICS.md marts.lead_activity_buckets): how many leads
-- of each follow-up group logged 0, 1, ... and max_attempts or more touches, calls, connects, emails and
-- replies. Dispositioned leads are counted at or before closed_at, the others at T. Every bucket of every
-- (group, activity) has a row, zeros included.
{% set groups = ['dispositioned', 'neglected', 'exhausted', 'working'] %}
{% set activities = ['touches', 'calls', 'connects', 'emails', 'replies'] %}
with

outcomes as (

    select * from {{ ref('int_lead_outcomes') }}

),

grid as (

    select follow_up_groups.follow_up_group, activities.activity, buckets.bucket_min, buckets.bucket
    from (
        {% for group in groups %}
        select '{{ group }}' as follow_up_group {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ) as follow_up_groups
    cross join (
        {% for activity in activities %}
        select '{{ activity }}' as activity {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ) as activities
    cross join ({{ attempt_buckets(0) }}) as buckets

),

counts as (

    {% for activity in activities %}
    select
        follow_up_group,
        '{{ activity }}' as activity,
        {{ attempt_bucket_min(
            "case when follow_up_group = 'dispositioned' then " ~ activity ~ "_at_close else " ~ activity ~ " end"
        ) }} as bucket_min
    from outcomes
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

bucketed as (

    select follow_up_group, activity, bucket_min, count(*) as leads
    from counts
    group by 1, 2, 3

),

group_sizes as (

    select follow_up_group, count(*) as group_leads
    from outcomes
    group by 1

),

final as (

    select
        -- grain
        cast(grid.follow_up_group as {{ dbt.type_string() }}) as follow_up_group,
        cast(grid.activity as {{ dbt.type_string() }}) as activity,
        cast(grid.bucket as {{ dbt.type_string() }}) as bucket,
        cast(grid.bucket_min as integer) as bucket_min,

        -- leads
        cast(coalesce(bucketed.leads, 0) as integer) as leads,
        cast(coalesce(group_sizes.group_leads, 0) as integer) as group_leads,
        cast({{ rate('coalesce(bucketed.leads, 0)', 'group_sizes.group_leads') }} as double) as share_of_group

    from grid
    left join bucketed
        on grid.follow_up_group = bucketed.follow_up_group
        and grid.activity = bucketed.activity
        and grid.bucket_min = bucketed.bucket_min
    left join group_sizes on grid.follow_up_group = group_sizes.follow_up_group

)

select * from final
