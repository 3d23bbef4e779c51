-- SendGrid Event Webhook POST bodies: compact JSON, one object per event, custom args at the top level.

create or replace macro url_safe_token(s) as
    rtrim(replace(replace(to_base64(unhex(md5(s))), '+', '-'), '/', '_'), '=');
create or replace macro reader_ip(pick) as (pick % 223 + 1) || '.' || (pick % 251) || '.0.' || (pick % 250);
-- The fields each event type adds (`pick` is a random number per event).
create or replace macro event_extras(type, pick, useragent) as
    case type
        when 'deferred' then json_object(
            'response', '421 4.7.0 Temporary System Problem. Try again later.', 'attempt', '1')
        when 'delivered' then json_object(
            'response', '250 2.0.0 OK', 'ip', '168.245.' || (pick % 200) || '.' || (pick % 97))
        when 'bounce' then json_object(
            'reason', '550 5.1.1 The email account that you tried to reach does not exist.',
            'status', '5.1.1', 'type', 'bounce', 'bounce_classification', 'Invalid Address')
        when 'dropped' then json_object(
            'reason', case when pick % 2 = 0 then 'Bounced Address' else 'Invalid' end, 'status', '5.0.0')
        when 'open' then json_object(
            'useragent', useragent, 'ip', reader_ip(pick), 'sg_machine_open', pick % 7 = 0)
        when 'click' then json_object(
            'url', 'https://acme-sales.example/demo?utm_source=email', 'useragent', useragent, 'ip', reader_ip(pick))
        else json_object() end;

-- What every event of an outbound message repeats: its ids and custom args (computed once).
create or replace table outbound_keys as
select
    m.m,
    message_id(m.m, m.stamp, m.kind, '') as smtp_id,
    url_safe_token(getvariable('seed') || ':sg:' || m.m) || '.filterdrecv-'
        || substr(md5(getvariable('seed') || ':filter:' || m.m), 1, 8) || '-' || (m.m % 9 + 1) || '-0' as sg_message_id,
    r.id as rep_id,
    sf_id('00Q', m.lead + 1) as lead_id,
    m.lead,
    m.odd_case
from w_messages as m
join users as r on r.u = m.sender
where m.kind = 0;

-- The deliveries of files lo..hi as JSON text; `seq` is the POST order.
create or replace macro event_json(lo, hi) as table
select
    d.file,
    d.part,
    d.lines,
    d.d as seq,
    json_merge_patch(
        json_object(
            -- the address as the message had it: the To lead's sometimes in another case
            'email', coalesce(u.email, case when k.odd_case and e.lead = k.lead then p.title_case_email
                                            else p.email end),
            'timestamp', e.stamp,
            'smtp-id', k.smtp_id,
            'event', et.s,
            'category', ['outbound'],
            'sg_event_id', url_safe_token(getvariable('seed') || ':event:' || d.event),
            'sg_message_id', k.sg_message_id,
            'rep_id', k.rep_id,
            'lead_id', k.lead_id),
        event_extras(et.s, e.pick, ua.s))::varchar as json
from w_deliveries as d
join w_events as e on e.e = d.event
join outbound_keys as k on k.m = e.message
join lk_event_types as et on et.i = e.type
join lk_user_agents as ua on ua.i = e.pick % getvariable('user_agents')
left join lead_people as p on p.l = e.lead
left join users as u on u.u = e.user
where d.file between lo and hi;
