-- mbox files (RFC 4155) parsed from their lines the way the loader's email parsing reads them: a line starting
-- "From " opens a message; its header block runs to the first blank line (or the first line that is neither a
-- header nor a continuation); folded headers are unfolded. A file that does not start with a "From " line is not
-- an mbox and counts nowhere. A message without a readable Date or without a From address is rejected; one
-- without a Message-ID gets an id from its content, so its copies in several mailboxes still count once.

-- Python's str.strip("<>") after str.strip(), then strip() again: Message-ID and In-Reply-To as the loader keeps them.
create or replace temp macro without_brackets(v) as nullif(strip_ws(trim(strip_ws(v), '<>')), '');

-- One comma-separated piece of an address list: a group's "name:" and anything after ";" are not addresses; the
-- address is the first <...> (a source route "@a,@b:" dropped) unless an addr-spec comes before it, else the
-- first word.
create or replace temp macro piece_address(piece) as list_transform(
    [regexp_replace(regexp_replace(piece, '^[^<>@]*:', ''), ';.*$', '')],
    lambda p: strip_ws(case
        when strpos(p, '<') > 0 and strpos(split_part(p, '<', 1), '@') = 0
            then regexp_replace(regexp_extract(p, '<([^>]*)', 1), '^@[^:]*:', '')
        else trim(regexp_extract(strip_ws(p), '^(\S*)', 1), '<>')
    end)
)[1];

-- The addresses of an address-list header value: quoted display names (which may hold commas or brackets) and
-- comments are not addresses; an unterminated quote swallows the rest; blanks around "@" are dropped.
create or replace temp macro address_list(v) as list_filter(
    list_transform(
        string_split(
            regexp_replace(
                regexp_replace(
                    regexp_replace(regexp_replace(v, '"(?:[^"\\]|\\.)*"', 'Q', 'g'), '".*$', ''),
                    '\((?:[^()]|\([^()]*\))*\)', ' ', 'g'
                ),
                '\s*@\s*', '@', 'g'
            ),
            ','
        ),
        lambda piece: piece_address(piece)
    ),
    lambda address: address <> ''
);

-- Drop one trailing character c, as the RFC 2822 date reader does with commas.
create or replace temp macro without_last(s, c) as case when ends_with(s, c) then left(s, length(s) - 1) else s end;

-- Where a time zone glued to the time starts ("10:00:00+0100"): the first "+", else the first "-".
create or replace temp macro zone_at(s) as case when strpos(s, '+') > 0 then strpos(s, '+') else strpos(s, '-') end;

create or replace temp macro is_int(s) as regexp_full_match(s, '[+-]?\d+');

-- Lines are numbered n (rowid) in file order across all files, and a window without ORDER BY runs in that scan order
-- (DuckDB preserves insertion order), so the running values need no sort of millions of lines: the last separator,
-- the last line that ends a header block, the last line that starts a header (not a continuation). A message is
-- (file, running count of separators).
create temp table mbox_scanned as
with marked as (
    select
        filename,
        rowid as n,
        coalesce(line, '') as line,
        starts_with(coalesce(line, ''), 'From ') as is_separator,
        not starts_with(coalesce(line, ''), 'From ')
            and not regexp_matches(coalesce(line, ''), '^(?:[\x21-\x39\x3b-\x7e]*:|[ \t])') as ends_headers,
        starts_with(coalesce(line, ''), ' ') or starts_with(coalesce(line, ''), chr(9)) as is_continuation
    from mbox_lines
),
running as (
    select
        *,
        sum(is_separator::int) over upto_here as message_number,
        max(case when is_separator then n end) over upto_here as separator_n,
        max(case when ends_headers then n end) over upto_here as last_break_n,
        max(case when not is_continuation then n end) over upto_here as header_start_n
    from marked
    window upto_here as (rows between unbounded preceding and current row)
),
mbox_files as (
    select filename, arg_min(is_separator, n) as file_is_mbox from marked group by filename
)
select files.file_id, running.* exclude (filename), mbox_files.file_is_mbox
from running
inner join mbox_files using (filename)
inner join landed_files as files on files.path = running.filename;

create temp table mbox_headers as
with header_lines as (
    select *
    from mbox_scanned
    where file_is_mbox and not is_separator and not ends_headers
        and (last_break_n is null or last_break_n < separator_n)
        and header_start_n > separator_n
),
unfolded as (
    select file_id, message_number, header_start_n, string_agg(line, '' order by n) as text
    from header_lines
    group by all
)
select
    file_id,
    message_number,
    header_start_n,
    lower(split_part(text, ':', 1)) as name,
    strip_ws(substr(text, strpos(text, ':') + 1)) as value
from unfolded
where lower(split_part(text, ':', 1)) in ('message-id', 'date', 'from', 'to', 'cc', 'in-reply-to');

create temp table mbox_fields as
with messages as (
    select distinct file_id, message_number
    from mbox_scanned
    where file_is_mbox and is_separator
),
fields as (
    select
        file_id,
        message_number,
        first(value order by header_start_n) filter (where name = 'message-id') as message_id_header,
        first(value order by header_start_n) filter (where name = 'date') as date_header,
        first(value order by header_start_n) filter (where name = 'from') as from_header,
        first(value order by header_start_n) filter (where name = 'in-reply-to') as in_reply_to_header
    from mbox_headers
    group by all
)
select messages.file_id, messages.message_number, fields.* exclude (file_id, message_number)
from messages
left join fields using (file_id, message_number);

-- The Date header read as Python's email.utils.parsedate_to_datetime reads it (RFC 2822 and its obsolete forms:
-- optional day name, month before or after the day, RFC 850 dashes, a zone glued to the time, named zones); a
-- date without a known zone is UTC.
create temp table mbox_dates as
with stripped as (
    select file_id, message_number, strip_ws(date_header) as d from mbox_fields where date_header is not null
),
tokens as (
    select
        file_id,
        message_number,
        list_filter(string_split_regex(
            case
                when regexp_matches(d, '^\S*,') then regexp_replace(d, '^\S*,', '')
                when regexp_matches(lower(d), '^(mon|tue|wed|thu|fri|sat|sun)(\s|$)') then regexp_replace(d, '^\S+', '')
                else d
            end,
            '\s+'
        ), lambda token: token <> '') as t
    from stripped
),
rfc850 as (
    select
        file_id,
        message_number,
        case when len(t) = 3 and len(string_split(t[1], '-')) = 3 then string_split(t[1], '-') || t[2:] else t end
            as t
    from tokens
),
zoned as (
    select
        file_id,
        message_number,
        case
            when len(t) <> 4 then t
            when zone_at(t[4]) > 1 then t[1:3] || [t[4][:zone_at(t[4]) - 1], t[4][zone_at(t[4]):]]
            else t || ['']
        end as t
    from rfc850
),
months as (
    select [
        'jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec',
        'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october',
        'november', 'december'
    ] as names
),
month_known as (
    select
        file_id,
        message_number,
        case when list_position(names, lower(t[2])) is null then lower(t[2]) else t[1] end as dd,
        coalesce(list_position(names, lower(t[2])), list_position(names, lower(t[1]))) as month_index,
        t[3] as yy,
        t[4] as tm,
        t[5] as tz
    from zoned, months
    where len(t) >= 5
),
year_known as (
    select
        file_id, message_number, without_last(dd, ',') as dd, (month_index - 1) % 12 + 1 as month,
        without_last(case when strpos(yy, ':') > 1 then tm else yy end, ',') as yy,
        without_last(case when strpos(yy, ':') > 1 then yy else tm end, ',') as tm,
        tz
    from month_known
    where month_index is not null
),
zone_known as (
    select
        file_id, message_number, dd, month,
        case when regexp_matches(yy, '^\d') then yy else tz end as yy,
        case
            when len(string_split(tm, ':')) = 2 then string_split(tm, ':') || ['0']
            when len(string_split(tm, ':')) = 3 then string_split(tm, ':')
            when len(string_split(tm, '.')) = 2 then string_split(tm, '.') || ['0']
            when len(string_split(tm, '.')) = 3 then string_split(tm, '.')
        end as hms,
        upper(case when regexp_matches(yy, '^\d') then tz else yy end) as tz
    from year_known
    where yy <> ''
),
numbers as (
    select
        file_id,
        message_number,
        try_cast(dd as bigint) as dd,
        month,
        try_cast(yy as bigint) as yy,
        try_cast(hms[1] as bigint) as hh,
        try_cast(hms[2] as bigint) as mi,
        try_cast(hms[3] as bigint) as ss,
        case
            when tz in ('UT', 'UTC', 'GMT', 'Z') then 0
            when tz = 'AST' then -400 when tz = 'ADT' then -300
            when tz = 'EST' then -500 when tz = 'EDT' then -400
            when tz = 'CST' then -600 when tz = 'CDT' then -500
            when tz = 'MST' then -700 when tz = 'MDT' then -600
            when tz = 'PST' then -800 when tz = 'PDT' then -700
            when is_int(tz) and not (try_cast(tz as bigint) = 0 and starts_with(tz, '-')) then try_cast(tz as bigint)
        end as zone
    from zone_known
    where is_int(dd) and is_int(yy) and is_int(hms[1]) and is_int(hms[2]) and is_int(hms[3])
),
instants as (
    select
        file_id,
        message_number,
        case when yy < 100 then yy + case when yy > 68 then 1900 else 2000 end else yy end as yy,
        month, dd, hh, mi, ss,
        sign(coalesce(zone, 0)) * ((abs(coalesce(zone, 0)) // 100) * 3600 + (abs(coalesce(zone, 0)) % 100) * 60)
            as offset_seconds
    from numbers
)
select
    file_id,
    message_number,
    try(make_timestamp(yy, month, dd, hh, mi, ss)) - to_seconds(offset_seconds) as sent_at
from instants
where yy between 1 and 9999 and hh between 0 and 23 and mi between 0 and 59 and ss between 0 and 59
    and abs(offset_seconds) < 86400;

-- Messages without a Message-ID: the id is a digest of the message as delivered (its lines after the separator).
create temp table mbox_digests as
select scanned.file_id, scanned.message_number, sha256(string_agg(scanned.line, chr(10) order by scanned.n)) as digest
from mbox_scanned as scanned
semi join (select * from mbox_fields where without_brackets(message_id_header) is null) as anonymous
    using (file_id, message_number)
where not scanned.is_separator
group by all;

create temp table mbox_messages as
select
    fields.file_id,
    fields.message_number,
    coalesce(
        without_brackets(fields.message_id_header), 'sha256-' || left(digests.digest, 32) || '@radar.invalid'
    ) as message_id,
    dates.sent_at,
    address_list(fields.from_header)[1] as from_address,
    without_brackets(fields.in_reply_to_header) as in_reply_to
from mbox_fields as fields
left join mbox_dates as dates using (file_id, message_number)
left join mbox_digests as digests using (file_id, message_number)
where dates.sent_at is not null and address_list(fields.from_header)[1] is not null;

create temp table mbox_recipients as
select messages.file_id, messages.message_number, messages.message_id, headers.name as recipient_type, address
from mbox_messages as messages
inner join mbox_headers as headers using (file_id, message_number)
cross join unnest(address_list(headers.value)) as addresses(address)
where headers.name in ('to', 'cc');

drop table mbox_lines;
drop table mbox_scanned;
