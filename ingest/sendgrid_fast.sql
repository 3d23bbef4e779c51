-- SendGrid events in their canonical form, checked and typed in SQL (see ingest/sendgrid_fast.py).
-- `sg_is_canonical` is true only for an event `ingest.sendgrid.event_row` accepts with exactly the row the
-- typed select gives: an object without repeated keys, string sg_event_id/email/event, a whole-second Unix
-- timestamp that Python turns into a datetime, optional sg_message_id/smtp-id that are strings (smtp-id in
-- printable ASCII, so Python's strip() has nothing to strip), no NUL or surrogate escapes, and nothing Python's
-- json module reads its own way (`sg_is_odd`). Every other event is read by `event_row`.

-- What Python's json module reads its own way: a NaN or infinity literal where a JSON value starts (DuckDB
-- accepts nan, -NaN, inf, ... which Python rejects), or nesting deep enough for Python to hit its recursion
-- limit (500 opening brackets or more; DuckDB has no such limit).
create or replace temp macro sg_is_odd(t) as
    regexp_matches(t, '(?i)(^|[\[:,])\s*-?(nan|inf)')
    or (length(t) >= 500 and length(t) - length(replace(replace(t, '[', ''), '{', '')) >= 500);

-- The fields the raw table needs, in this order, read with one JSON parse per event.
create or replace temp macro sg_paths() as
    ['$.sg_event_id', '$.email', '$.event', '$.timestamp', '$.sg_message_id', '$."smtp-id"', '$.reason'];

create or replace temp macro sg_is_canonical(kind, types, texts, keys, t) as
    kind = 'OBJECT'
    and types[1] = 'VARCHAR' and texts[1] <> ''
    and types[2] = 'VARCHAR' and texts[2] <> ''
    and types[3] = 'VARCHAR' and texts[3] <> ''
    and types[4] in ('UBIGINT', 'BIGINT') and try_cast(texts[4] as hugeint) between 0 and 253402300799
    and coalesce(types[5], 'NULL') in ('NULL', 'VARCHAR')
    and coalesce(types[6], 'NULL') in ('NULL', 'VARCHAR') and coalesce(regexp_full_match(texts[6], '[!-~]*'), true)
    and len(keys) = len(list_distinct(keys))
    and not regexp_matches(t, '\\u0000|\\u[dD][89a-fA-F]')
    and not sg_is_odd(t);
