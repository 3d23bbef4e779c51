-- Salesforce rows typed the way the loader types them: a row with any value that does not fit its field, or with a
-- required field empty, is rejected whole (it counts nowhere). Only the fields the marts read are kept.

-- Python's str.strip(): leading and trailing whitespace.
create or replace temp macro strip_ws(x) as regexp_replace(x, '^\s+|\s+$', '', 'g');

-- ISO-8601 as Python's datetime.fromisoformat reads it: YYYY-MM-DD or YYYYMMDD, then optionally any one separator
-- and HH[:MM[:SS[.f]]] (colons optional) with an optional Z or +-HH[:MM] offset; naive UTC, null when not ISO.
create or replace temp macro any_iso_timestamp(x) as list_transform(
    [regexp_extract(
        regexp_replace(strip_ws(x), '^(\d{4})-(\d{2})-(\d{2})', '\1\2\3'),
        '^(\d{4})(\d{2})(\d{2})(?:.(\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(?:Z|([+-])(\d{2})(?::?(\d{2}))?)?)?$',
        ['y', 'mo', 'd', 'h', 'mi', 's', 'f', 'sign', 'oh', 'om']
    )],
    lambda p: case
        when p.y = '' or p.y = '0000' then null
        when coalesce(nullif(p.h, '')::int, 0) > 23 or coalesce(nullif(p.mi, '')::int, 0) > 59
            or coalesce(nullif(p.s, '')::int, 0) > 59 then null
        when coalesce(nullif(p.oh, '')::int, 0) > 23 or coalesce(nullif(p.om, '')::int, 0) > 59 then null
        else try(make_timestamp(
                p.y::bigint, p.mo::bigint, p.d::bigint,
                coalesce(nullif(p.h, '')::bigint, 0), coalesce(nullif(p.mi, '')::bigint, 0),
                coalesce(nullif(p.s, '')::bigint, 0)
            ))
            + to_microseconds(rpad(left(p.f, 6), 6, '0')::bigint)
            - to_minutes((case p.sign when '-' then -1 else 1 end)
                * (coalesce(nullif(p.oh, '')::bigint, 0) * 60 + coalesce(nullif(p.om, '')::bigint, 0)))
    end
)[1];

-- The exports' own form (2024-03-05T14:22:10.000Z) parsed directly; strptime rejects what Python rejects in it.
create or replace temp macro iso_timestamp(x) as case
    when regexp_full_match(x, '\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z') and x not like '0000%'
        then try_strptime(x, '%Y-%m-%dT%H:%M:%S.%gZ')
    else any_iso_timestamp(x)
end;

-- A date field holds a date (YYYY-MM-DD directly), or a datetime whose UTC date is taken.
create or replace temp macro iso_date(x) as case
    when regexp_full_match(x, '\d{4}-\d{2}-\d{2}') and x not like '0000%' then try_strptime(x, '%Y-%m-%d')::date
    else cast(iso_timestamp(x) as date)
end;

create or replace temp macro sf_boolean(x) as case lower(strip_ws(x))
    when 'true' then true when '1' then true when 'false' then false when '0' then false
end;

-- Whole numbers from 0 to 2^63 - 1, written any way a float can be (Python's float()).
create or replace temp macro sf_count(x) as list_transform(
    [try_cast(x as double)],
    lambda v: case when isfinite(v) and v = floor(v) and v >= 0 and v < 9223372036854775808.0 then v::bigint end
)[1];

create or replace temp macro sf_amount(x) as list_transform(
    [try_cast(x as double)], lambda v: case when isfinite(v) and v >= 0 then v end
)[1];

create or replace temp macro fits(text, typed) as (text is null or typed is not null);

create temp table sf_leads as
with typed as (
    select
        files.file_id,
        leads.rowid as row_order,
        leads.*,
        iso_timestamp(leads."CreatedDate") as created_at,
        iso_timestamp(leads."LastModifiedDate") as last_modified_at,
        sf_boolean(leads."IsDeleted") as is_deleted
    from sf_leads_text as leads
    inner join landed_files as files on files.path = leads.filename
)
select
    file_id, row_order, "Id" as lead_id, "OwnerId" as owner_id, "Email" as email, "Status" as status,
    "FirstName" as first_name, "LastName" as last_name, "Company" as company, "LeadSource" as lead_source,
    is_deleted, created_at, last_modified_at
from typed
where "Id" is not null and "Status" is not null and "OwnerId" is not null
    and created_at is not null and last_modified_at is not null
    and fits("IsDeleted", is_deleted)
    and fits("NumberOfEmployees", sf_count("NumberOfEmployees"))
    and fits("AnnualRevenue", sf_amount("AnnualRevenue"))
    and fits("IsConverted", sf_boolean("IsConverted"))
    and fits("ConvertedDate", iso_date("ConvertedDate"));

create temp table sf_tasks as
with typed as (
    select
        files.file_id,
        tasks.rowid as row_order,
        tasks.*,
        iso_date(tasks."ActivityDate") as due_on,
        iso_timestamp(tasks."CompletedDateTime") as completed_at,
        iso_timestamp(tasks."CreatedDate") as created_at,
        iso_timestamp(tasks."LastModifiedDate") as last_modified_at,
        sf_boolean(tasks."IsDeleted") as is_deleted
    from sf_tasks_text as tasks
    inner join landed_files as files on files.path = tasks.filename
)
select
    file_id, row_order, "Id" as task_id, "WhoId" as lead_id, "OwnerId" as owner_id,
    "TaskSubtype" as task_subtype, "CallDisposition" as call_disposition, "Status" as status,
    due_on, completed_at, created_at, last_modified_at, is_deleted
from typed
where "Id" is not null and "WhoId" is not null and "OwnerId" is not null and "Status" is not null
    and created_at is not null and last_modified_at is not null
    and fits("ActivityDate", due_on)
    and fits("CompletedDateTime", completed_at)
    and fits("IsDeleted", is_deleted)
    and fits("CallDurationInSeconds", sf_count("CallDurationInSeconds"));

create temp table sf_users as
select
    files.file_id, users.rowid as row_order, users."Id" as user_id, users."Name" as user_name,
    users."Email" as email, users."Department" as department
from sf_users_text as users
inner join landed_files as files on files.path = users.filename
where users."Id" is not null and users."Name" is not null and fits(users."IsActive", sf_boolean(users."IsActive"));

create temp table sf_lead_history as
with typed as (
    select files.file_id, history.rowid as row_order, history.*, iso_timestamp(history."CreatedDate") as changed_at
    from sf_lead_history_text as history
    inner join landed_files as files on files.path = history.filename
)
select
    file_id, row_order, "Id" as history_id, "LeadId" as lead_id, "Field" as field_name,
    "OldValue" as old_value, "NewValue" as new_value, changed_at
from typed
where "Id" is not null and "LeadId" is not null and "Field" is not null and changed_at is not null;

drop table sf_leads_text;
drop table sf_tasks_text;
drop table sf_users_text;
drop table sf_lead_history_text;
