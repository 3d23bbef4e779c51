-- lead_aging and follow_up_coverage_daily (METRICS.md) at the as-of time T, from the typed landing tables.
-- Parameters are session variables set by floor.py: as_of, first_touch_sla_hours, cadence_days, max_attempts,
-- aging_bucket_edges, email_task_match_minutes.
--
-- The daily coverage is not built from leads x days: a lead's follow-up state can only change at a few instants
-- (creation, touches, the SLA expiring, the cadence lapsing after a touch, its first response, status changes),
-- so each lead becomes a handful of state runs over days; a rep's count of a state on a day is then a running sum
-- over the rep's days of +1 where a run starts and -1 the day after one ends.

-- The first daily snapshot s = D + 1 day (00:00 UTC) at or after x, as its day D.
create or replace temp macro snapshot_day(x) as cast(x - interval 1 microsecond as date);

create or replace temp macro floor_days(a, b) as cast(floor(datediff('millisecond', a, b) / 86400000.0) as integer);

create or replace temp macro follow_up_state(is_closed, touches, last_touch_at, created_at, has_responded, s) as case
    when is_closed then 'closed'
    when touches = 0 and created_at + to_hours(getvariable('first_touch_sla_hours')) > s then 'new'
    when touches = 0 then 'never_touched'
    when last_touch_at + to_days(getvariable('cadence_days')) > s then 'active'
    when touches >= getvariable('max_attempts') and not has_responded then 'exhausted'
    else 'stale'
end;

-- Buckets 0-7d, 8-14d, ... by inclusive upper edges, then "<last edge>d+".
create or replace temp macro aging_bucket(age_days) as list_transform(
    [len(list_filter(getvariable('aging_bucket_edges'), lambda edge: edge < age_days))],
    lambda below: case
        when below = len(getvariable('aging_bucket_edges')) then getvariable('aging_bucket_edges')[-1]::varchar || 'd+'
        else (case when below = 0 then 0 else getvariable('aging_bucket_edges')[below] + 1 end)::varchar
            || '-' || getvariable('aging_bucket_edges')[below + 1]::varchar || 'd'
    end
)[1];

-- Staging: the latest version of each record, each message and recipient once.
create temp table users as
select user_id, user_name, lower(trim(email)) as email, department as team
from sf_users
qualify row_number() over (partition by user_id order by file_id desc, row_order desc) = 1;

create temp table tasks as
select *, lower(trim(status)) = 'completed' as is_completed, coalesce(is_deleted, false) as deleted
from sf_tasks
qualify row_number() over (partition by task_id order by last_modified_at desc, file_id desc, row_order desc) = 1;

create temp table messages as
select message_id, lower(trim(from_address)) as from_email, sent_at
from mbox_messages
qualify row_number() over (partition by message_id order by file_id, message_number) = 1;

create temp table recipients as
select distinct message_id, lower(trim(address)) as recipient_email
from mbox_recipients;

-- Leads that exist at T: created at or before T and not deleted in their latest version, with their current owner.
create temp table leads as
with latest as (
    select *
    from sf_leads
    qualify row_number() over (partition by lead_id order by last_modified_at desc, file_id desc, row_order desc) = 1
)
select
    latest.lead_id, latest.owner_id, users.user_name as owner_name, users.team, lower(trim(latest.email)) as email,
    nullif(trim(coalesce(latest.first_name, '') || ' ' || coalesce(latest.last_name, '')), '') as lead_name,
    latest.company, latest.lead_source, latest.status, latest.created_at
from latest
left join users on users.user_id = latest.owner_id
where not coalesce(latest.is_deleted, false) and latest.created_at <= getvariable('as_of');

-- Status spells: before the first Status change the lead had its old value, without changes its current status.
-- closed_since is where the unbroken run of closed spells a closed spell belongs to began.
create temp table spells as
with history as (
    select *
    from sf_lead_history
    qualify row_number() over (partition by history_id order by file_id desc, row_order desc) = 1
),
changes as (
    select
        lead_id, old_value, new_value, changed_at,
        row_number() over (partition by lead_id order by changed_at, history_id) as spell_number
    from history
    where lower(field_name) = 'status' and lead_id in (select lead_id from leads)
),
all_spells as (
    select leads.lead_id, 0 as spell_number, case when changes.lead_id is null then leads.status else changes.old_value end
        as status, leads.created_at as valid_from
    from leads
    left join changes on changes.lead_id = leads.lead_id and changes.spell_number = 1
    union all
    select lead_id, spell_number, new_value, changed_at from changes
),
categorised as (
    select
        all_spells.*,
        coalesce(mapping.status_category, 'open') as status_category,
        coalesce(mapping.status_category, 'open') <> 'open' as is_closed
    from all_spells
    left join lead_status_mapping as mapping on mapping.status = all_spells.status
)
select
    *,
    case when is_closed then min(case when is_closed then valid_from end) over (partition by lead_id, open_spells) end
        as closed_since
from (
    select *, sum((not is_closed)::int) over (partition by lead_id order by spell_number) as open_spells
    from categorised
);

-- Outbound touches at or before T on leads that exist at T: completed call tasks, messages from a rep's address
-- to the lead's (one per lead recipient, however many users share the address), and completed email tasks that no
-- such message within the match window (same lead, same rep) already stands for.
create temp table touches as
with completed as (
    select
        tasks.lead_id, tasks.owner_id as rep_id, lower(trim(tasks.task_subtype)) as subtype, tasks.call_disposition,
        coalesce(tasks.completed_at, tasks.created_at) as touched_at
    from tasks
    semi join leads using (lead_id)
    where tasks.is_completed and not tasks.deleted
        and coalesce(tasks.completed_at, tasks.created_at) <= getvariable('as_of')
),
message_touches as (
    select messages.message_id, leads.lead_id, users.user_id as rep_id, messages.sent_at as touched_at
    from messages
    inner join users on users.email = messages.from_email
    inner join recipients using (message_id)
    inner join leads on leads.email = recipients.recipient_email
    where messages.sent_at <= getvariable('as_of')
)
select completed.lead_id, completed.touched_at, 'call' as channel, coalesce(dispositions.is_connected, false) as is_connect
from completed
left join call_disposition_mapping as dispositions
    on lower(trim(completed.call_disposition)) = lower(dispositions.call_disposition)
where completed.subtype = 'call'
union all
select distinct on (message_id, lead_id) lead_id, touched_at, 'email', false
from message_touches
union all
select lead_id, touched_at, 'email', false
from completed
where subtype in ('email', 'listemail')
    and not exists (
        select 1
        from message_touches
        where message_touches.lead_id = completed.lead_id
            and message_touches.rep_id = completed.rep_id
            and message_touches.touched_at
                between completed.touched_at - to_minutes(getvariable('email_task_match_minutes'))
                and completed.touched_at + to_minutes(getvariable('email_task_match_minutes'))
    );

-- Responses at or before T: connects, and replies (a message from the lead's address to a rep's address).
create temp table responses as
select lead_id, touched_at as responded_at, false as is_reply
from touches
where is_connect
union all
select leads.lead_id, messages.sent_at, true
from messages
inner join leads on leads.email = messages.from_email
where messages.sent_at <= getvariable('as_of')
    and exists (
        select 1
        from recipients
        inner join users on users.email = recipients.recipient_email
        where recipients.message_id = messages.message_id
    );

create or replace table lead_aging as
with touch_counts as (
    select
        lead_id,
        count(*) as touches,
        count(*) filter (where channel = 'call') as calls,
        count(*) filter (where is_connect) as connects,
        count(*) filter (where channel = 'email') as emails,
        min(touched_at) as first_touch_at,
        max(touched_at) as last_touch_at
    from touches
    group by lead_id
),
response_counts as (
    select lead_id, count(*) as responses, count(*) filter (where is_reply) as replies
    from responses
    group by lead_id
),
-- Next steps at T: tasks not completed by T; due on their activity date.
next_steps as (
    select
        lead_id,
        min(due_on) filter (where due_on >= cast(getvariable('as_of') as date)) as next_step_due_on,
        count(*) filter (where due_on < cast(getvariable('as_of') as date)) as overdue_next_steps
    from tasks
    where not deleted and created_at <= getvariable('as_of') and due_on is not null
        and (not is_completed or coalesce(completed_at, created_at) > getvariable('as_of'))
    group by lead_id
),
status_at_t as (
    select lead_id, arg_max(spells, spell_number) as spell
    from spells
    where valid_from <= getvariable('as_of')
    group by lead_id
),
joined as (
    select
        leads.*,
        coalesce(status_at_t.spell.status_category, 'open') as status_category,
        coalesce(status_at_t.spell.is_closed, false) as is_closed,
        status_at_t.spell.closed_since as closed_at,
        coalesce(touch_counts.touches, 0) as touches,
        coalesce(touch_counts.calls, 0) as calls,
        coalesce(touch_counts.connects, 0) as connects,
        coalesce(touch_counts.emails, 0) as emails,
        coalesce(response_counts.replies, 0) as replies,
        touch_counts.first_touch_at,
        touch_counts.last_touch_at,
        coalesce(response_counts.responses, 0) > 0 as has_responded,
        next_steps.next_step_due_on,
        coalesce(next_steps.overdue_next_steps, 0) as overdue_next_steps
    from leads
    left join status_at_t using (lead_id)
    left join touch_counts using (lead_id)
    left join response_counts using (lead_id)
    left join next_steps using (lead_id)
),
aged as (
    select
        *,
        case
            when is_closed then floor_days(created_at, closed_at)
            else floor_days(created_at, getvariable('as_of'))
        end as age_days,
        follow_up_state(is_closed, touches, last_touch_at, created_at, has_responded, getvariable('as_of'))
            as follow_up_state
    from joined
)
select
    lead_id::varchar as lead_id,
    lead_name::varchar as lead_name,
    company::varchar as company,
    lead_source::varchar as lead_source,
    owner_id::varchar as owner_id,
    owner_name::varchar as owner_name,
    team::varchar as team,
    created_at::timestamp as created_at,
    status_category::varchar as status_category,
    not is_closed as is_open,
    closed_at::timestamp as closed_at,
    age_days::integer as age_days,
    aging_bucket(age_days)::varchar as aging_bucket,
    touches::integer as touches,
    calls::integer as calls,
    connects::integer as connects,
    emails::integer as emails,
    replies::integer as replies,
    greatest(touches - 1, 0)::integer as follow_ups,
    first_touch_at::timestamp as first_touch_at,
    last_touch_at::timestamp as last_touch_at,
    (datediff('millisecond', created_at, first_touch_at) / 3600000.0)::double as hours_to_first_touch,
    floor_days(last_touch_at, getvariable('as_of')) as days_since_last_touch,
    has_responded,
    next_step_due_on::date as next_step_due_on,
    overdue_next_steps::integer as overdue_next_steps,
    follow_up_state::varchar as follow_up_state,
    follow_up_state in ('never_touched', 'stale') as is_neglected
from aged;

-- Daily states as runs. Every instant that can move a lead's state, as the day D of the first snapshot s = D + 1 day
-- it is seen at (never before the lead's first day): touches (and their cadence lapsing), the SLA expiring, the
-- first response, each status spell starting. Between two such days the state cannot change.
create temp table state_changes as
with bounds as (
    select cast(getvariable('as_of') as date) - 1 as last_day
),
counted_leads as (
    select lead_id, owner_id, created_at, cast(created_at as date) as first_day
    from leads, bounds
    where cast(created_at as date) <= last_day
),
instants as (
    select lead_id, snapshot_day(touched_at) as day, 1 as touches, touched_at, null::integer as spell_number,
        null::boolean as is_closed, false as responded
    from touches
    union all
    select lead_id, snapshot_day(touched_at + to_days(getvariable('cadence_days'))), 0, null, null, null, false
    from touches
    union all
    select lead_id, snapshot_day(created_at + to_hours(getvariable('first_touch_sla_hours'))), 0, null, null, null, false
    from counted_leads
    union all
    select lead_id, snapshot_day(min(responded_at)), 0, null, null, null, true
    from responses
    group by lead_id
    union all
    select lead_id, snapshot_day(valid_from), 0, null, spell_number, is_closed, false
    from spells
)
select
    instants.lead_id,
    counted_leads.owner_id,
    counted_leads.created_at,
    greatest(instants.day, counted_leads.first_day) as day,
    sum(instants.touches) as touches,
    max(instants.touched_at) as last_touched_at,
    arg_max(instants.is_closed, instants.spell_number) as is_closed,
    bool_or(instants.responded) as responded
from instants
inner join counted_leads using (lead_id)
cross join bounds
where instants.day <= bounds.last_day
group by all;

create or replace table follow_up_coverage_daily as
with bounds as (
    select cast(getvariable('as_of') as date) - 1 as last_day
),
running as (
    select
        lead_id,
        owner_id,
        day,
        lead(day, 1, last_day + 1) over (partition by lead_id order by day) as next_day,
        follow_up_state(
            last_value(is_closed ignore nulls) over running_total,
            sum(touches) over running_total,
            max(last_touched_at) over running_total,
            created_at,
            bool_or(responded) over running_total,
            (day + 1)::timestamp
        ) as state
    from state_changes, bounds
    window running_total as (partition by lead_id order by day rows between unbounded preceding and current row)
),
-- Each run adds one lead to its state from its first day and removes it on the day after its last.
changes as (
    select owner_id, day, state, 1 as delta from running
    union all
    select owner_id, next_day, state, -1 from running, bounds where next_day <= last_day
),
per_day as (
    select
        owner_id,
        day,
        sum(delta) filter (where state = 'new') as new_leads,
        sum(delta) filter (where state = 'never_touched') as never_touched_leads,
        sum(delta) filter (where state = 'active') as active_leads,
        sum(delta) filter (where state = 'stale') as stale_leads,
        sum(delta) filter (where state = 'exhausted') as exhausted_leads
    from changes
    group by all
),
days as (
    select owner_id, unnest(generate_series(min(day), any_value(last_day), interval 1 day))::date as day
    from running, bounds
    group by owner_id
),
counts as (
    select
        days.owner_id,
        days.day,
        sum(coalesce(per_day.new_leads, 0)) over owner_days as new_leads,
        sum(coalesce(per_day.never_touched_leads, 0)) over owner_days as never_touched_leads,
        sum(coalesce(per_day.active_leads, 0)) over owner_days as active_leads,
        sum(coalesce(per_day.stale_leads, 0)) over owner_days as stale_leads,
        sum(coalesce(per_day.exhausted_leads, 0)) over owner_days as exhausted_leads
    from days
    left join per_day using (owner_id, day)
    window owner_days as (partition by days.owner_id order by days.day)
)
select
    counts.day::date as day,
    counts.owner_id::varchar as owner_id,
    users.user_name::varchar as owner_name,
    users.team::varchar as team,
    (new_leads + never_touched_leads + active_leads + stale_leads + exhausted_leads)::integer as open_leads,
    (never_touched_leads + active_leads + stale_leads)::integer as due_leads,
    active_leads::integer as covered_leads,
    never_touched_leads::integer as never_touched_leads,
    stale_leads::integer as stale_leads,
    exhausted_leads::integer as exhausted_leads,
    new_leads::integer as new_leads,
    case
        when never_touched_leads + active_leads + stale_leads > 0
            then active_leads / (never_touched_leads + active_leads + stale_leads)
    end::double as follow_up_coverage
from counts
left join users on users.user_id = counts.owner_id;
