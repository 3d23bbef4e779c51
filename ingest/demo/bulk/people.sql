-- People as the exports show them: users (reps and managers) and each lead's person, company and address.
-- Tables, not views: every export joins them.

create or replace table users as
select
    u.u,
    sf_id('005', u.u + 1) as id,
    f.s || ' ' || l.s as name,
    f.s as first_name,
    lower(f.s || '.' || l.s) as login,
    lower(f.s || '.' || l.s) || '@' || getvariable('company_domain') as email,
    t.s as department,
    case when u.manager >= 0 then sf_id('005', u.manager + 1) else '' end as manager_id,
    u.manager,
    u.leave_at,
    u.offset_min
from w_users as u
join lk_rep_first as f on f.i = u.first
join lk_rep_last as l on l.i = u.last
join lk_teams as t on t.i = u.team
order by u.u;

-- A lead's address is first.last@company domain, numbered when two different people would share it;
-- leads that repeat an earlier person (`person`) share that person's address.
create or replace table lead_people as
with named as (
    select
        l.l,
        l.person,
        f.s as first_name,
        la.s as last_name,
        h.s || ' ' || t.tail || c.suffix as company,
        t.industry,
        c.country,
        lower(h.s || '-' || t.tail) || '.example' as domain,
        strip_accents(replace(replace(f.s, 'ø', 'o'), 'Ø', 'O')) as ascii_first,
        strip_accents(replace(replace(la.s, 'ø', 'o'), 'Ø', 'O')) as ascii_last,
        l.email_case,
        l.offset_min
    from w_leads as l
    join lk_lead_first as f on f.i = l.first
    join lk_lead_last as la on la.i = l.last
    join lk_company_head as h on h.i = l.head
    join lk_company_tail as t on t.i = l.tail
    join lk_countries as c on c.i = l.country
),
numbered as (
    select l, row_number() over (partition by lower(ascii_first || '.' || ascii_last), domain order by l) as nth
    from named
    where person = l
),
addressed as (
    select
        named.*,
        ascii_first || '.' || ascii_last || case when nth > 1 then nth::varchar else '' end as local_part,
        upper(domain[1]) || domain[2:] as title_domain
    from named
    join numbered on numbered.l = named.person
)
select
    * exclude (local_part, title_domain),
    lower(local_part) || '@' || domain as email,
    local_part || '@' || title_domain as title_case_email,
    case email_case
        when 1 then local_part || '@' || title_domain
        when 2 then upper(local_part) || '@' || domain
        else lower(local_part) || '@' || domain
    end as crm_email
from addressed
order by l;  -- clustered, so joins on a range of leads read only those row groups
