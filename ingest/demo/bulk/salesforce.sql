-- Salesforce Data Export rows as an export taken at time `x` (Unix seconds) sees each record.
-- Every column is text, as written: blank for null. `no` numbers the rows in Id order; `modified` (Unix
-- seconds) picks the rows of a delta export.

create or replace macro user_export(x) as table
select
    u.u + 1 as no,
    u.id as "Id", u.name as "Name", u.email as "Email", u.department as "Department",
    u.manager_id as "ManagerId", sf_flag(u.leave_at = 0 or u.leave_at > x) as "IsActive"
from users as u;

create or replace macro lead_export(x) as table
with changed as (
    select
        lead,
        max(stamp) as last_change,
        arg_max(new, stamp) filter (where field = 0) as status,
        max(stamp) filter (where field = 0 and new = 2) as converted_at
    from w_changes
    where stamp <= x
    group by lead
),
owner_then as (
    select lead, old as owner from w_changes where field = 1 and stamp > x
)
select
    l.l + 1 as no,
    greatest(l.created, coalesce(c.last_change, 0), case when l.deleted_at between 1 and x then l.deleted_at else 0 end)
        as modified,
    sf_id('00Q', l.l + 1) as "Id",
    p.first_name as "FirstName",
    p.last_name as "LastName",
    p.crm_email as "Email",
    coalesce(ti.s, '') as "Title",
    p.company as "Company",
    case when l.sparse then '' else p.industry end as "Industry",
    blank_if_negative(l.employees) as "NumberOfEmployees",
    blank_if_negative(l.revenue) as "AnnualRevenue",
    p.country as "Country",
    so.s as "LeadSource",
    coalesce(st.s, 'Open - Not Contacted') as "Status",
    sf_id('005', coalesce(o.owner, l.owner) + 1) as "OwnerId",
    sf_flag(c.status = 2) as "IsConverted",
    case when c.status = 2 then strftime(ts(c.converted_at), '%Y-%m-%d') else '' end as "ConvertedDate",
    sf_datetime(l.created) as "CreatedDate",
    sf_datetime(modified) as "LastModifiedDate",
    sf_flag(l.deleted_at between 1 and x) as "IsDeleted"
from w_leads as l
join lead_people as p on p.l = l.l
join lk_sources as so on so.i = l.source
left join lk_titles as ti on ti.i = l.title
left join changed as c on c.lead = l.l
left join lk_statuses as st on st.i = c.status
left join owner_then as o on o.lead = l.l
where l.created <= x;

-- Tasks as exported at `x`; the rows planted bad for export `bad_part` (1 base, 2 increment) carry a
-- CompletedDateTime in US format. Email tasks are named after the email's subject, as the CRM logs them.
-- `kind` (0 call, 1 email, 2 next step), `done` and `deleted` let a filtered export skip the text work.
create or replace macro task_export(x, bad_part) as table
select
    t.no,
    t.kind,
    t.completed between 1 and x as done,
    t.deleted_at between 1 and x as deleted,
    greatest(t.created, case when t.completed between 1 and x then t.completed else 0 end,
             case when t.deleted_at between 1 and x then t.deleted_at else 0 end) as modified,
    sf_id('00T', t.no) as "Id",
    sf_id('00Q', t.lead + 1) as "WhoId",
    sf_id('005', t.rep + 1) as "OwnerId",
    case when t.kind = 1
         then 'Email: ' || fill(tp.subject, p.first_name, p.company, '', '', '', '')
         else su.s end as "Subject",
    case t.kind when 0 then 'Call' when 1 then (case when t.list_email then 'ListEmail' else 'Email' end)
         else 'Task' end as "TaskSubtype",
    coalesce(d.s, '') as "CallDisposition",
    blank_if_negative(t.duration) as "CallDurationInSeconds",
    case when t.completed between 1 and x then 'Completed'
         when t.in_progress then 'In Progress'
         else 'Not Started' end as "Status",
    sf_day(t.activity_day) as "ActivityDate",
    case when not t.completed between 1 and x then ''
         when t.bad = bad_part then us_datetime(t.completed)
         else sf_datetime(t.completed) end as "CompletedDateTime",
    sf_datetime(t.created) as "CreatedDate",
    sf_datetime(modified) as "LastModifiedDate",
    sf_flag(t.deleted_at between 1 and x) as "IsDeleted"
from w_tasks as t
left join lk_task_subjects as su on su.i = t.subject
left join lk_dispositions as d on d.i = t.disposition
left join lk_templates as tp on tp.i = t.template
left join lead_people as p on p.l = t.lead and t.kind = 1
where t.created <= x;

-- Field changes stamped in (since, x].
create or replace macro history_export(since, x) as table
select
    h.no,
    sf_id('017', h.no) as "Id",
    sf_id('00Q', h.lead + 1) as "LeadId",
    case h.field when 0 then 'Status' else 'Owner' end as "Field",
    case h.field when 0 then so.s else sf_id('005', h.old + 1) end as "OldValue",
    case h.field when 0 then sn.s else sf_id('005', h.new + 1) end as "NewValue",
    sf_datetime(h.stamp) as "CreatedDate"
from w_changes as h
left join lk_statuses as so on so.i = h.old and h.field = 0
left join lk_statuses as sn on sn.i = h.new and h.field = 0
where h.stamp > since and h.stamp <= x;
