-- Formatting macros shared by the exports. Times arrive as Unix seconds (BIGINT, UTC).

-- Salesforce 18-character ids: key prefix, pod "5g", a 10-digit base-62 counter, then the case-safe
-- checksum (one character per 5-character chunk: a bit for each upper-case letter).
create or replace macro b62(n, p) as
    substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', ((n // p) % 62)::integer + 1, 1);
create or replace macro b62_upper(n, p) as (((n // p) % 62) between 10 and 35)::integer;
create or replace macro b62_check(n, a, b, c, d, e) as
    substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345',
           1 + b62_upper(n, a) + 2 * b62_upper(n, b) + 4 * b62_upper(n, c) + 8 * b62_upper(n, d)
             + 16 * b62_upper(n, e), 1);
create or replace macro text_upper(s, i) as (ascii(substr(s, i, 1)) between 65 and 90)::integer;
create or replace macro text_check(s) as
    substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345',
           1 + text_upper(s, 1) + 2 * text_upper(s, 2) + 4 * text_upper(s, 3) + 8 * text_upper(s, 4)
             + 16 * text_upper(s, 5), 1);
create or replace macro sf_id(prefix, n) as
    prefix || '5g'
    || b62(n, 13537086546263552) || b62(n, 218340105584896) || b62(n, 3521614606208) || b62(n, 56800235584)
    || b62(n, 916132832) || b62(n, 14776336) || b62(n, 238328) || b62(n, 3844) || b62(n, 62) || b62(n, 1)
    || text_check(prefix || '5g')
    || b62_check(n, 13537086546263552, 218340105584896, 3521614606208, 56800235584, 916132832)
    || b62_check(n, 14776336, 238328, 3844, 62, 1);

create or replace macro ts(t) as make_timestamp(t * 1000000);
create or replace macro sf_datetime(t) as strftime(ts(t), '%Y-%m-%dT%H:%M:%S.000Z');
-- What a misconfigured integration writes: US local format, which the loader must reject.
create or replace macro us_datetime(t) as
    strftime(ts(t), '%-m/%-d/%Y %-I:%M ') || case when hour(ts(t)) < 12 then 'AM' else 'PM' end;
create or replace macro sf_day(d) as strftime(DATE '1970-01-01' + d::integer, '%Y-%m-%d');
create or replace macro sf_flag(b) as case when b then 'true' else 'false' end;
create or replace macro blank_if_negative(v) as case when v >= 0 then v::varchar else '' end;

-- RFC 2822 Date with a numeric zone, and the asctime of an mbox "From " line (always UTC).
create or replace macro rfc2822(t, offset_min) as
    strftime(ts(t + offset_min * 60), '%a, %d %b %Y %H:%M:%S ')
    || case when offset_min < 0 then '-' else '+' end
    || lpad((abs(offset_min) // 60)::varchar, 2, '0') || lpad((abs(offset_min) % 60)::varchar, 2, '0');
create or replace macro asctime(t) as
    strftime(ts(t), '%a %b ') || lpad(day(ts(t))::varchar, 2, ' ') || strftime(ts(t), ' %H:%M:%S %Y');

create or replace macro is_ascii(s) as strlen(s) = length(s);
-- An RFC 2047 encoded word (Q encoding) for header text that is not ASCII.
create or replace macro header_text(s) as
    case when is_ascii(s) then s
         else '=?utf-8?q?'
              || qp_chars(replace(replace(replace(replace(s, '=', '=3D'), '?', '=3F'), '_', '=5F'), ' ', '_'))
              || '?=' end;
create or replace macro quoted_printable(s) as qp_chars(replace(s, '=', '=3D'));
-- mbox writers escape body lines that start with "From " (RFC 4155).
create or replace macro mbox_escape(s) as regexp_replace(s, '(^|\n)From ', '\1>From ', 'g');

create or replace macro fill(s, first, company, rep, rep_first, login, manager_first) as
    replace(replace(replace(replace(replace(replace(s,
        '{first}', first), '{company}', company), '{rep}', rep), '{rep_first}', rep_first),
        '{login}', login), '{manager_first}', manager_first);
-- The HTML alternative of a plain body: paragraphs, line breaks, the text escaped.
create or replace macro html_body(s) as
    '<html><body>' || chr(10) || '<p>'
    || replace(replace(replace(replace(replace(replace(s, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                                       chr(10) || chr(10), chr(1)),
                               chr(10), '<br>' || chr(10)),
               chr(1), '</p>' || chr(10) || '<p>')
    || '</p>' || chr(10) || '</body></html>';
