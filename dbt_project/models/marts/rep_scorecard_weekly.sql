-- One row per (ISO week W, rep): the rep's weekly scorecard (METRICS.md rep_scorecard_weekly). Every week whose
-- start is <= T from the first lead's week, for every rep owning a lead created before the week's snapshot
-- s_W = min(W end, T). The event columns group the leads, touches, emails and replies by the week of their
-- instant (creation, touch, sending, reply, settling, close, first connect), one pass over each; the snapshot
-- columns map the next-step spells (int_lead_next_step_spells) to the weeks whose s_W they hold, +1 where a
-- spell starts and -1 where it ends, summed over the weeks. The cost follows leads + touches + weeks x reps,
-- never leads x weeks. Rebuilt whole at every build (see the model's description).
{% set week_end = dbt.dateadd('day', 7, 'cast(week_start as ' ~ dbt.type_timestamp() ~ ')') %}
{% set speed_order = 'case when speed_hours is null then 1 else 0 end, speed_hours, lead_id' %}
with

leads as (

    select * from {{ ref('int_lead_outcomes') }}

),

owners as (

    select owner_id, min(created_at) as first_created_at from leads group by 1

),

weeks as (

    select distinct {{ iso_week_start('day_on') }} as week_start
    from ({{ day_spine(iso_week_start('(select min(created_at) from leads)'), iso_week_start(as_of())) }}) as days

),

-- a rep has a row from the first week whose snapshot s_W = min(W end, T) comes after one of its leads' creation
grid as (

    select weeks.week_start, owners.owner_id, {{ week_end }} <= {{ as_of() }} as is_complete
    from weeks
    inner join owners
        on owners.first_created_at < case when {{ week_end }} < {{ as_of() }} then {{ week_end }} else {{ as_of() }} end

),

-- speed to lead: the leads created in W; an untouched lead inside its first-touch SLA is not in the cohort yet
new_leads as (

    select
        lead_id,
        owner_id,
        {{ iso_week_start('created_at') }} as week_start,
        created_in_business_hours,
        first_touch_at is not null as is_touched,
        {{ dbt.dateadd('hour', var('first_touch_sla_hours'), 'created_at') }} <= {{ as_of() }} as is_past_sla,
        case when hours_to_first_touch < 0 then 0.0 else hours_to_first_touch end as speed_hours
    from leads

),

speed_cohort as (

    select
        *,
        {{ percentile_ranks(speed_order, 'week_start, owner_id', 'speed') }}
    from new_leads
    where is_touched or is_past_sla

),

business_hours_cohort as (

    select
        *,
        {{ percentile_ranks(speed_order, 'week_start, owner_id', 'in_hours') }}
    from speed_cohort
    where created_in_business_hours

),

speed as (

    select
        new_leads.week_start,
        new_leads.owner_id,
        count(*) as new_leads,
        sum(case when speed_cohort.lead_id is not null then 1 else 0 end) as speed_cohort_leads,
        {{ rank_percentile('speed_cohort.speed_hours', 0.5, 'speed_cohort.speed') }} as speed_p50,
        {{ rank_percentile('speed_cohort.speed_hours', 0.9, 'speed_cohort.speed') }} as speed_p90,
        sum(case when speed_cohort.speed_hours <= {{ var('first_touch_sla_hours') }} then 1 else 0 end) as within_sla,
        sum(case when speed_cohort.speed_hours <= 1 then 1 else 0 end) as within_1h,
        sum(case when not new_leads.is_touched and new_leads.is_past_sla then 1 else 0 end) as still_untouched
    from new_leads
    left join speed_cohort on new_leads.lead_id = speed_cohort.lead_id
    group by 1, 2

),

speed_in_hours as (

    select
        week_start,
        owner_id,
        count(*) as cohort_leads,
        {{ rank_percentile('speed_hours', 0.5, 'in_hours') }} as speed_p50,
        {{ rank_percentile('speed_hours', 0.9, 'in_hours') }} as speed_p90
    from business_hours_cohort
    group by 1, 2

),

-- activity: the touches in W on the rep's leads, whoever made them
activity as (

    select
        {{ iso_week_start('touches.touched_at') }} as week_start,
        leads.owner_id,
        count(*) as touches,
        sum(case when touches.channel = 'call' then 1 else 0 end) as calls,
        sum(case when touches.is_connect then 1 else 0 end) as connects,
        sum(case when touches.channel = 'email' then 1 else 0 end) as emails,
        sum(case when touches.is_by_owner then 0 else 1 end) as touches_by_others,
        sum(case when touches.channel = 'call' and touches.has_outcome then 1 else 0 end) as calls_with_outcome
    from {{ ref('int_touches_ordered') }} as touches
    inner join leads on touches.lead_id = leads.lead_id
    group by 1, 2

),

emails as (

    select
        {{ iso_week_start('emails.sent_at') }} as week_start,
        leads.owner_id,
        sum(case when emails.is_mature and emails.is_deliverable then 1 else 0 end) as mature_emails,
        sum(case when emails.is_mature and emails.is_deliverable and emails.is_replied then 1 else 0 end)
            as replied_emails
    from {{ ref('int_outbound_emails_credited') }} as emails
    inner join leads on emails.lead_id = leads.lead_id
    group by 1, 2

),

replies as (

    select {{ iso_week_start('responses.responded_at') }} as week_start, leads.owner_id, count(*) as replies
    from {{ ref('int_responses_unioned') }} as responses
    inner join leads on responses.lead_id = leads.lead_id
    where responses.response_type = 'reply'
    group by 1, 2

),

-- follow-up depth: the leads whose follow-up settled in W by rule 1 (closed) or 3 (stopped); the unanswered-settled
-- ranked first by attempts, so the median's rank counts only them
settled as (

    select
        *,
        row_number() over (
            partition by owner_id, week_start
            order by case when is_unanswered_settled then 0 else 1 end, attempts_at_settle, lead_id
        ) as attempts_rank,
        sum(case when is_unanswered_settled then 1 else 0 end) over (partition by owner_id, week_start) as attempts_n
    from (select *, {{ iso_week_start('settled_at') }} as week_start from leads) as with_week
    where settle_rule in ('closed', 'stopped')

),

depth as (

    select
        week_start,
        owner_id,
        count(*) as settled_leads,
        sum(case when is_unanswered_settled then 1 else 0 end) as unanswered,
        sum(case when is_unanswered_settled and attempts_at_settle = 1 then 1 else 0 end) as one_attempt,
        sum(case when is_unanswered_settled and attempts_at_settle = 2 then 1 else 0 end) as two_attempts,
        sum(case when is_unanswered_settled and attempts_at_settle >= {{ var('max_attempts') }} then 1 else 0 end)
            as max_attempts,
        {{ rank_percentile('attempts_at_settle', 0.5, 'attempts') }} as median_attempts,
        sum(case when settle_rule = 'stopped' and responded_before_settle then 1 else 0 end) as stopped_after_response
    from settled
    group by 1, 2

),

-- dispositions: the leads closed at T whose close is in W, with the touches at or before it
closed as (

    select
        owner_id,
        {{ iso_week_start('closed_at') }} as week_start,
        is_converted,
        touches_at_close,
        {{ percentile_ranks('touches_at_close, lead_id', 'owner_id, ' ~ iso_week_start('closed_at'), 'closed') }}
    from leads
    where is_closed

),

dispositions as (

    select
        week_start,
        owner_id,
        count(*) as dispositioned_leads,
        sum(case when is_converted then 1 else 0 end) as converted_leads,
        sum(case when touches_at_close = 0 then 1 else 0 end) as closed_untouched_leads,
        {{ rank_percentile('touches_at_close', 0.5, 'closed') }} as attempts_median,
        avg(cast(touches_at_close as double)) as attempts_mean
    from closed
    group by 1, 2

),

-- reach: the leads whose first connect is in W
connected as (

    select
        owner_id,
        {{ iso_week_start('first_connect_at') }} as week_start,
        calls_to_first_connect,
        {{ percentile_ranks('calls_to_first_connect, lead_id', 'owner_id, ' ~ iso_week_start('first_connect_at'),
            'calls') }}
    from leads
    where first_connect_at is not null

),

reach as (

    select
        week_start,
        owner_id,
        count(*) as first_connect_leads,
        avg(cast(calls_to_first_connect as double)) as calls_mean,
        {{ rank_percentile('calls_to_first_connect', 0.5, 'calls') }} as calls_median
    from connected
    group by 1, 2

),

-- next steps at s_W: a spell [valid_from, valid_to) holds the weeks from the first whose s_W is at or after
-- valid_from (for the lead's creation, after it: a lead counts when created before s_W) to the first whose s_W is
-- at or after valid_to; an instant after T is in no week
next_step_weeks as (

    select
        owner_id,
        case
            when valid_from = created_at then
                case when created_at < {{ as_of() }} then {{ iso_week_start('created_at') }} end
            when valid_from <= {{ as_of() }} then {{ first_snapshot_week('valid_from') }}
        end as from_week,
        case when valid_to <= {{ as_of() }} then {{ first_snapshot_week('valid_to') }} end as to_week,
        case when is_open then 1 else 0 end as open_leads,
        case when is_open and upcoming_next_steps > 0 then 1 else 0 end as with_next_step,
        case when is_open then overdue_next_steps else 0 end as overdue_next_steps,
        case when is_open and overdue_next_steps > 0 then 1 else 0 end as with_overdue
    from {{ ref('int_lead_next_step_spells') }}

),

next_step_deltas as (

    select
        week_start,
        owner_id,
        sum(open_leads) as open_leads,
        sum(with_next_step) as with_next_step,
        sum(overdue_next_steps) as overdue_next_steps,
        sum(with_overdue) as with_overdue
    from (
        select from_week as week_start, owner_id, open_leads, with_next_step, overdue_next_steps, with_overdue
        from next_step_weeks
        where from_week is not null
        union all
        select to_week, owner_id, -open_leads, -with_next_step, -overdue_next_steps, -with_overdue
        from next_step_weeks
        where from_week is not null and to_week is not null
    ) as deltas
    group by 1, 2

),

next_steps as (

    select
        grid.week_start,
        grid.owner_id,
        {%- for column in ['open_leads', 'with_next_step', 'overdue_next_steps', 'with_overdue'] %}
        sum(coalesce(next_step_deltas.{{ column }}, 0)) over weeks_so_far as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from grid
    left join next_step_deltas
        on grid.week_start = next_step_deltas.week_start
        and grid.owner_id = next_step_deltas.owner_id
    window weeks_so_far as (
        partition by grid.owner_id order by grid.week_start rows between unbounded preceding and current row
    )

),

-- follow_up_coverage_daily on the last complete day of W (D + 1 day <= T), when W has one
coverage_at_end as (

    select
        grid.week_start,
        grid.owner_id,
        coverage.follow_up_coverage
    from grid
    inner join {{ ref('follow_up_coverage_daily') }} as coverage
        on grid.owner_id = coverage.owner_id
        and coverage.day = case
            when grid.is_complete then cast({{ dbt.dateadd('day', 6, 'grid.week_start') }} as date)
            else {{ last_complete_day() }}
        end
        and coverage.day >= grid.week_start

),

users as (

    select user_id, user_name, team, is_active from {{ ref('stg_salesforce__users') }}

),

final as (

    select
        -- grain
        cast(grid.week_start as date) as week_start,
        cast(grid.owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(users.user_name as {{ dbt.type_string() }}) as owner_name,
        cast(users.team as {{ dbt.type_string() }}) as team,
        users.is_active as rep_is_active,
        grid.is_complete,

        -- speed to lead
        cast(coalesce(speed.new_leads, 0) as integer) as new_leads,
        cast(coalesce(speed.speed_cohort_leads, 0) as integer) as speed_cohort_leads,
        cast(speed.speed_p50 as double) as speed_to_lead_p50_hours,
        cast(speed.speed_p90 as double) as speed_to_lead_p90_hours,
        {{ rate('speed.within_sla', 'speed.speed_cohort_leads') }} as first_touch_within_sla_rate,
        {{ rate('speed.within_1h', 'speed.speed_cohort_leads') }} as first_touch_within_1h_rate,
        cast(coalesce(speed_in_hours.cohort_leads, 0) as integer) as business_hours_cohort_leads,
        cast(speed_in_hours.speed_p50 as double) as speed_to_lead_business_hours_p50_hours,
        cast(speed_in_hours.speed_p90 as double) as speed_to_lead_business_hours_p90_hours,
        cast(coalesce(speed.still_untouched, 0) as integer) as still_untouched_leads,

        -- activity
        cast(coalesce(activity.touches, 0) as integer) as touches,
        cast(coalesce(activity.calls, 0) as integer) as calls,
        cast(coalesce(activity.connects, 0) as integer) as connects,
        cast(coalesce(activity.emails, 0) as integer) as emails,
        cast(coalesce(activity.touches_by_others, 0) as integer) as touches_by_others,
        cast(coalesce(activity.calls_with_outcome, 0) as integer) as calls_with_outcome,
        {{ rate('activity.connects', 'activity.calls_with_outcome') }} as connect_rate,
        cast(coalesce(emails.mature_emails, 0) as integer) as mature_emails,
        case
            when {{ dbt.dateadd('day', 7 + var('reply_window_days'), 'cast(grid.week_start as ' ~ dbt.type_timestamp() ~ ')') }}
                <= {{ as_of() }}
                then {{ rate('emails.replied_emails', 'emails.mature_emails') }}
        end as email_reply_rate,
        cast(coalesce(replies.replies, 0) as integer) as replies,

        -- follow-up depth
        cast(coalesce(depth.settled_leads, 0) as integer) as settled_leads,
        cast(coalesce(depth.unanswered, 0) as integer) as unanswered_settled_leads,
        {{ rate('depth.one_attempt', 'depth.unanswered') }} as never_followed_up_rate,
        {{ rate('depth.two_attempts', 'depth.unanswered') }} as gave_up_after_one_rate,
        {{ rate('depth.max_attempts', 'depth.unanswered') }} as reached_max_attempts_rate,
        cast(depth.median_attempts as integer) as median_attempts_unanswered,
        cast(coalesce(depth.stopped_after_response, 0) as integer) as stopped_after_response_leads,
        ({{ rate('depth.one_attempt', 'depth.unanswered') }} - {{ var('benchmark_never_follow_up') }}) * 100
            as never_followed_up_vs_benchmark_pp,
        ({{ rate('depth.two_attempts', 'depth.unanswered') }} - {{ var('benchmark_gave_up_after_one') }}) * 100
            as gave_up_after_one_vs_benchmark_pp,

        -- dispositions
        cast(coalesce(dispositions.dispositioned_leads, 0) as integer) as dispositioned_leads,
        cast(coalesce(dispositions.converted_leads, 0) as integer) as converted_leads,
        cast(coalesce(dispositions.closed_untouched_leads, 0) as integer) as closed_untouched_leads,
        cast(dispositions.attempts_median as integer) as attempts_before_disposition_median,
        cast(dispositions.attempts_mean as double) as attempts_before_disposition_mean,

        -- reach
        cast(coalesce(reach.first_connect_leads, 0) as integer) as first_connect_leads,
        cast(reach.calls_mean as double) as calls_to_first_connect_mean,
        cast(reach.calls_median as integer) as calls_to_first_connect_median,
        cast(reach.calls_mean - {{ var('benchmark_calls_to_reach') }} as double) as calls_to_first_connect_vs_benchmark,

        -- next steps at s_W
        cast(next_steps.open_leads as integer) as open_leads_at_end,
        cast(next_steps.with_next_step as integer) as open_leads_with_next_step,
        {{ rate('next_steps.with_next_step', 'next_steps.open_leads') }} as next_step_coverage,
        cast(next_steps.overdue_next_steps as integer) as overdue_next_steps,
        cast(next_steps.with_overdue as integer) as leads_with_overdue_next_step,
        cast(coverage_at_end.follow_up_coverage as double) as follow_up_coverage_at_end

    from grid
    left join users on grid.owner_id = users.user_id
    {%- for part in ['speed', 'speed_in_hours', 'activity', 'emails', 'replies', 'depth', 'dispositions', 'reach',
                     'next_steps', 'coverage_at_end'] %}
    left join {{ part }} on grid.week_start = {{ part }}.week_start and grid.owner_id = {{ part }}.owner_id
    {%- endfor %}

)

select * from final
