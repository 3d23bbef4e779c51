-- Bench data for tests/benchmarks/bench_readers.py, generated in DuckDB in the sources' real formats.
-- Sizes come from variables: tasks, leads, messages, events (rows), event_files (SendGrid bodies).

create or replace macro pick(options, i) as options[1 + (hash(i) % len(options))::integer];
create or replace macro stamp(t) as strftime(t, '%Y-%m-%dT%H:%M:%S.000Z');
create or replace macro sf_id(prefix, i) as prefix || lpad(upper(to_hex(i)), 12, '0') || 'AAA';

-- Salesforce Task export: 13 columns, every value quoted on output, '' for empty optional values.
create or replace view bench_tasks as
select
    sf_id('00T5g', i) as Id,
    sf_id('00Q5g', i % 100000) as WhoId,
    sf_id('0055g', i % 60) as OwnerId,
    pick(['Call', 'Email: Quick follow-up', 'Re: "Pricing", next steps', 'Follow up, as promised', 'Intro'], i)
        as Subject,
    pick(['Call', 'Email', 'Task'], i) as TaskSubtype,
    if(i % 3 = 0, pick(['Connected', 'Left Voicemail', 'Busy', 'No Answer'], i), '') as CallDisposition,
    if(i % 3 = 0, (i % 900)::varchar, '') as CallDurationInSeconds,
    pick(['Completed', 'Not Started', 'In Progress'], i) as Status,
    strftime(date '2023-01-01' + (i % 540)::integer, '%Y-%m-%d') as ActivityDate,
    if(i % 4 = 0, '', stamp(timestamp '2023-01-01' + to_seconds(i * 13 % 46656000))) as CompletedDateTime,
    stamp(timestamp '2023-01-01' + to_seconds(i * 13 % 46656000)) as CreatedDate,
    stamp(timestamp '2023-01-01' + to_seconds(i * 13 % 46656000 + 3600)) as LastModifiedDate,
    if(i % 97 = 0, 'true', 'false') as IsDeleted
from range(getvariable('tasks')) as t(i);

-- Salesforce Lead export: 18 columns and an extra Description, sometimes over several lines.
create or replace view bench_leads as
select
    sf_id('00Q5g', i) as Id,
    pick(['Ana', 'Lou', 'Zoë', 'Omar', 'Jane'], i) as FirstName,
    pick(['Diligent', 'Client', 'O''Neil', 'Müller', 'Smith'], i // 7) as LastName,
    'lead' || i || '@client-' || (i % 5000) || '.example' as Email,
    pick(['CTO', 'VP Sales', '', 'Head of "Ops"'], i) as Title,
    pick(['Acme, Inc.', 'Bluefin Supply', 'Alder Systems GmbH'], i // 3) || ' ' || (i % 5000) as Company,
    pick(['Retail', 'Transportation', '', 'Software'], i) as Industry,
    if(i % 5 = 0, '', (10 + i % 5000)::varchar) as NumberOfEmployees,
    if(i % 6 = 0, '', ((i % 9000) * 1000 + 0.5)::varchar) as AnnualRevenue,
    pick(['United States', 'Germany', 'France'], i) as Country,
    pick(['Webinar', 'Partner Referral', 'Web'], i) as LeadSource,
    pick(['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'], i)
        as Status,
    sf_id('0055g', i % 60) as OwnerId,
    if(i % 10 = 0, 'true', 'false') as IsConverted,
    if(i % 10 = 0, strftime(date '2024-01-01' + (i % 300)::integer, '%Y-%m-%d'), '') as ConvertedDate,
    stamp(timestamp '2023-01-01' + to_seconds(i * 31 % 46656000)) as CreatedDate,
    stamp(timestamp '2023-01-01' + to_seconds(i * 31 % 46656000 + 86400)) as LastModifiedDate,
    'false' as IsDeleted,
    if(i % 20 = 0, 'Met at the fair,' || chr(10) || 'asked for a demo', '') as Description
from range(getvariable('leads')) as t(i);

-- mbox messages, one text per message: mostly plain us-ascii, some quoted-printable UTF-8, a fifth
-- multipart/alternative, a few encoded display names, replies with In-Reply-To, a few drafts without a Date.
create or replace view bench_messages as
with m as (
    select
        i,
        i % getvariable('mailboxes') as box,
        timestamp '2024-01-01' + to_seconds(i * 37 % 31536000) as sent,
        pick(['-0800', '+0100', '+0000', '-0500', '+0530'], i) as zone,
        pick(['Ana Diligent', 'Lou Client', 'Jane O''Neil', '=?utf-8?q?Zo=C3=AB_Walker?='], i // 3) as name,
        'rep' || (i % 60) || '@acme-sales.example' as sender,
        'lead' || (i % 100000) || '@client-' || (i % 5000) || '.example' as recipient,
        pick(['plain', 'plain', 'plain', 'alternative', 'utf8'], i) as kind
    from range(getvariable('messages')) as t(i)
),
text as (
    select box, i, 'From ' || sender || ' ' || strftime(sent, '%a %b %d %H:%M:%S %Y') || chr(10)
        || 'Message-ID: <' || strftime(sent, '%Y%m%d%H%M%S') || '.' || md5(i::varchar)[:16] || '@mail.example.com>'
        || chr(10)
        || if(i % 5000 = 17, '', 'Date: ' || strftime(sent, '%a, %d %b %Y %H:%M:%S ') || zone || chr(10))
        || 'From: ' || name || ' <' || sender || '>' || chr(10)
        || 'To: Lead ' || (i % 100000) || ' <' || recipient || '>' || chr(10)
        || if(i % 6 = 0, 'Cc: manager' || (i % 8) || '@acme-sales.example' || chr(10), '')
        || 'Subject: Following up on ' || (i % 100000) || chr(10)
        || if(i % 5 = 1, 'In-Reply-To: <' || md5((i - 1)::varchar)[:16] || '@mail.example.com>' || chr(10), '')
        || case kind
            when 'alternative' then 'Content-Type: multipart/alternative; boundary="==alt-' || i || '=="' || chr(10)
                || 'MIME-Version: 1.0' || chr(10) || chr(10) || '--==alt-' || i || '==' || chr(10)
                || 'Content-Type: text/plain; charset="us-ascii"' || chr(10) || 'Content-Transfer-Encoding: 7bit'
                || chr(10) || chr(10) || 'Hi, checking in on my note.' || chr(10) || 'Best' || chr(10)
                || '--==alt-' || i || '==' || chr(10) || 'Content-Type: text/html; charset="us-ascii"' || chr(10)
                || chr(10) || '<p>Hi, checking in on my note.</p>' || chr(10) || '--==alt-' || i || '==--'
                || chr(10)
            when 'utf8' then 'Content-Type: text/plain; charset="utf-8"' || chr(10) || 'MIME-Version: 1.0' || chr(10)
                || 'Content-Transfer-Encoding: quoted-printable' || chr(10) || chr(10)
                || 'Caf=C3=A9 tomorrow? We could go over the numbers of the last quarter, if that=' || chr(10)
                || ' suits you.' || chr(10)
            else 'Content-Type: text/plain; charset="us-ascii"' || chr(10) || 'MIME-Version: 1.0' || chr(10)
                || 'Content-Transfer-Encoding: 7bit' || chr(10) || chr(10)
                || 'Hi,' || chr(10) || chr(10) || 'I wanted to follow up on my last message.' || chr(10)
                || 'Would a 15-minute call this week work?' || chr(10) || chr(10) || 'Best,' || chr(10) || 'Rep'
                || chr(10)
        end || chr(10) as message
    from m
)
select box, i, message from text;

-- SendGrid events grouped into webhook bodies (JSON arrays); the last tenth of the files are JSON lines.
create or replace view bench_events as
select
    i % getvariable('event_files') as body,
    to_json(struct_pack(
        email := 'lead' || (i % 100000) || '@client-' || (i % 5000) || '.example',
        "timestamp" := 1704067200 + i * 17 % 31536000,
        "smtp-id" := '<' || md5((i // 4)::varchar)[:16] || '@mail.example.com>',
        event := pick(['processed', 'delivered', 'open', 'click', 'bounce'], i),
        category := ['outbound'],
        sg_event_id := md5(i::varchar)[:22],
        sg_message_id := md5((i // 4)::varchar)[:22] || '.filterdrecv-1-0',
        lead_id := sf_id('00Q5g', i % 100000),
        rep_id := sf_id('0055g', i % 60),
        reason := if(i % 5 = 4, '550 5.1.1 mailbox does not exist', null)
    )) as event
from range(getvariable('events')) as t(i);
