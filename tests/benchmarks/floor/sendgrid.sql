-- SendGrid events typed the way the loader types them: an event that is not an object, lacks sg_event_id, email or
-- event (or has one that is not a string), has a non-string sg_message_id or smtp-id, or has no timestamp in Unix
-- seconds is rejected. Neither headline mart reads events (bounces only flag touches); they are loaded because the
-- pipeline loads them.

-- A field's JSON value as text: null when absent, JSON null or empty; `fits` says whether it may stand there.
create or replace temp macro json_text(value) as case
    when json_type(value) = 'VARCHAR' then nullif(json_extract_string(value, '$'), '')
end;

create or replace temp macro json_text_fits(value, required) as case
    when json_type(value) = 'VARCHAR' then not required or json_extract_string(value, '$') <> ''
    else not required and coalesce(json_type(value), 'NULL') = 'NULL'
end;

create temp table sendgrid_events as
with events as (
    select
        files.file_id,
        events.rowid as row_order,
        json_type(events.event) = 'OBJECT' as is_object,
        -- one parse per event for all the fields
        json_extract(
            events.event, ['$.sg_event_id', '$.email', '$.event', '$.sg_message_id', '$."smtp-id"', '$.timestamp']
        ) as f
    from sendgrid_text as events
    inner join landed_files as files on files.path = events.filename
),
typed as (
    select
        *,
        case when json_type(f[6]) in ('UBIGINT', 'BIGINT', 'DOUBLE') then f[6]::double end as unix_seconds
    from events
    where is_object
)
select
    file_id,
    row_order,
    json_text(f[1]) as sg_event_id,
    json_text(f[4]) as sg_message_id,
    nullif(trim(strip_ws(json_text(f[5])), '<>'), '') as smtp_id,
    json_text(f[2]) as email,
    json_text(f[3]) as event_type,
    make_timestamp(round(unix_seconds * 1000000)::bigint) as event_at
from typed
where json_text_fits(f[1], true) and json_text_fits(f[2], true) and json_text_fits(f[3], true)
    and json_text_fits(f[4], false) and json_text_fits(f[5], false)
    and unix_seconds >= 0 and unix_seconds < 253402300800;

drop table sendgrid_text;
