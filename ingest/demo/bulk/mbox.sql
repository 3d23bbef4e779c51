-- mbox messages (RFC 4155 / RFC 5322). Kinds: 0 outbound (rep to lead), 1 reply (lead to rep),
-- 2 internal (rep to manager), 3 internal reply (manager to rep), 4 draft (no Date header).

create or replace macro message_id(m, stamp, kind, lead_domain) as
    case when kind = 1
         then '<' || upper(substr(md5(getvariable('seed') || ':msg:' || m), 1, 24)) || '@mail.' || lead_domain || '>'
         else '<' || strftime(ts(stamp), '%Y%m%d%H%M%S') || '.'
              || substr(md5(getvariable('seed') || ':msg:' || m), 1, 16)
              || '@mail.' || getvariable('company_domain') || '>' end;
create or replace macro person(display, address) as display || ' <' || address || '>';
create or replace macro lead_display(first, last) as header_text(first) || ' ' || header_text(last);

-- Everything about a message but its MIME structure; `plain` is the text body without any quote.
create or replace view message_plain as
with messages as (
    select
        m.*,
        p.first_name, p.last_name, p.company, p.domain, p.offset_min as lead_offset,
        case when m.odd_case then p.title_case_email else p.email end as lead_address,
        case when m.kind in (1, 3) then m.to_user else m.sender end as rep_u  -- whose signature and login
    from w_messages as m
    left join lead_people as p on p.l = m.lead
)
select
    m.m, m.kind, m.stamp, m.parent, m.parent_email, m.html, m.sender,
    message_id(m.m, m.stamp, m.kind, m.domain) as message_id,
    case when m.kind = 1 then m.lead_address else s.email end as envelope_from,
    case when m.kind = 1 then person(lead_display(m.first_name, m.last_name), m.lead_address)
         else person('"' || s.name || '"', s.email) end as from_header,
    case when m.kind = 1 then m.first_name || ' ' || m.last_name else s.name end as from_name,
    case when m.kind in (0, 4) then person(lead_display(m.first_name, m.last_name), m.lead_address)
         else person(t.name, t.email) end as to_header,
    coalesce(person(cu.name, cu.email), person(lead_display(cl.first_name, cl.last_name), cl.email)) as cc_header,
    rfc2822(m.stamp, case when m.utc_date then 0 when m.kind = 1 then m.lead_offset else s.offset_min end)
        as date_header,
    case when m.kind in (1, 3) then 'Re: ' else '' end
        || header_text(fill(st.subject, m.first_name, m.company, '', '', '', '')) as subject,
    fill(tp.body, m.first_name, m.company, r.name, r.first_name, r.login, coalesce(mg.first_name, ''))
        || case when m.kind = 1 then chr(10) || chr(10) || m.first_name || ' ' || m.last_name || chr(10) || m.company
                else '' end as plain
from messages as m
left join users as s on s.u = m.sender
left join users as t on t.u = m.to_user
left join users as r on r.u = m.rep_u
left join users as mg on mg.u = r.manager
left join users as cu on cu.u = m.cc_user
left join lead_people as cl on cl.l = m.cc_lead
join lk_templates as tp on tp.i = m.template
join lk_templates as st on st.i = m.subject_template;

-- What a reply quotes of the message it answers (only the few answered messages are kept).
create or replace table quoted as
select
    m, chr(10) || chr(10) || 'On ' || strftime(ts(stamp), '%a, %b %-d, %Y at %-I:%M %p') || ' ' || from_name
    || ' wrote:' || chr(10) || replace('> ' || replace(plain, chr(10), chr(10) || '> ') || chr(10), '> ' || chr(10),
                                       '>' || chr(10)) as quote,
    message_id
from message_plain
where m in (select parent from w_messages where parent >= 0);

create or replace macro part_headers(subtype, ascii) as
    'Content-Type: text/' || subtype || '; charset="' || case when ascii then 'us-ascii' else 'utf-8' end || '"'
    || chr(10) || 'Content-Transfer-Encoding: ' || case when ascii then '7bit' else 'quoted-printable' end;
create or replace macro encoded(s) as case when is_ascii(s) then s else quoted_printable(s) end;
create or replace macro boundary(m) as
    '===============' || substr(md5(getvariable('seed') || ':part:' || m), 1, 19) || '==';
-- The MIME headers and the payload: text/plain, or multipart/alternative with an HTML part.
create or replace macro mime(m, html, body) as
    case when not html
         then 'MIME-Version: 1.0' || chr(10) || part_headers('plain', is_ascii(body)) || chr(10) || chr(10)
              || encoded(body)
         else 'MIME-Version: 1.0' || chr(10) || 'Content-Type: multipart/alternative; boundary="' || boundary(m) || '"'
              || chr(10) || chr(10) || '--' || boundary(m) || chr(10) || part_headers('plain', is_ascii(body))
              || chr(10) || chr(10) || encoded(body) || '--' || boundary(m) || chr(10)
              || part_headers('html', is_ascii(body)) || chr(10) || chr(10) || encoded(html_body(body)) || chr(10)
              || '--' || boundary(m) || '--' || chr(10) end;

-- Messages lo..hi as mbox entries: the "From " line, then the headers, the (escaped) body and a blank line.
create or replace macro mbox_text(lo, hi) as table
with framed as (
    select
        mp.*,
        coalesce(q.message_id, case when mp.parent_email >= 0
            then '<' || substr(md5(getvariable('seed') || ':tool:' || mp.parent_email), 1, 24)
                 || '@mail.outreach-tool.example>' end) as answers,
        mp.plain || coalesce(q.quote, chr(10)) as body
    from message_plain as mp
    left join quoted as q on q.m = mp.parent
    where mp.m between lo and hi
)
select
    m,
    stamp,
    sender,
    'From ' || envelope_from || ' ' || asctime(stamp) || chr(10) as separator,
    concat_ws(chr(10),
        'Message-ID: ' || message_id,
        case when kind <> 4 then 'Date: ' || date_header end,
        'From: ' || from_header,
        'To: ' || to_header,
        'Cc: ' || cc_header,
        'Subject: ' || subject,
        'In-Reply-To: ' || answers,
        'References: ' || answers,
        case when kind = 4 then 'X-Gmail-Labels: Drafts' end)
    || chr(10) || mbox_escape(mime(m, html, body)) || chr(10) as message
from framed;

-- One mbox per (holder, part: 0 base, 1 increment) for messages lo..hi, in send order. A received copy
-- carries the holder's Delivered-To, as Gmail writes it, so no two people's mailboxes are the same file.
create or replace macro mbox_files(lo, hi, base) as table
select
    c.user,
    (t.stamp > base)::integer as part,
    string_agg(t.separator || case when c.user = t.sender then '' else 'Delivered-To: ' || u.email || chr(10) end
               || t.message, '' order by t.m) as text,
    count(*) as messages
from w_copies as c
join mbox_text(lo, hi) as t on t.m = c.message
join users as u on u.u = c.user
where c.message between lo and hi
group by all;
