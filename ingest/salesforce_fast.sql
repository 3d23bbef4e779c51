-- Salesforce's canonical value forms, checked and typed in SQL (see ingest/salesforce_fast.py).
-- A `sf_is_*` macro is true only for values the Python converters (ingest/salesforce.py, ingest/records.py)
-- accept with exactly the value the matching `sf_*` macro gives; every other non-empty value is typed in
-- Python. Years stay within Salesforce's own range (1700-4000), so no offset can overflow; counts keep to
-- 18 digits, so every one fits a BIGINT (longer ones are judged exactly in Python).

create or replace temp macro sf_is_boolean(v) as v in ('true', 'false', '1', '0', 'TRUE', 'FALSE', 'True', 'False');

create or replace temp macro sf_boolean(v) as v in ('true', '1', 'TRUE', 'True');

create or replace temp macro sf_is_count(v) as regexp_full_match(v, '[0-9]{1,18}');

create or replace temp macro sf_is_amount(v) as regexp_full_match(v, '[0-9]{1,15}(\.[0-9]{1,15})?');

create or replace temp macro sf_is_day(v) as
    regexp_full_match(v, '(1[7-9][0-9][0-9]|[23][0-9][0-9][0-9]|4000)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])')
    and try_cast(v as date) is not null;

-- 2024-03-05T14:22:10[.fff]{Z | +hh:mm | +hhmm | nothing}: naive values are UTC already.
create or replace temp macro sf_is_timestamp(v) as
    regexp_full_match(
        v,
        '(1[7-9][0-9][0-9]|[23][0-9][0-9][0-9]|4000)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])'
        || 'T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?'
    )
    and try_cast(v[1:10] as date) is not null;

create or replace temp macro sf_offset_minutes(v) as
    case
        when v[-6] in ('+', '-') then (v[-5:-4]::integer * 60 + v[-2:]::integer) * (if(v[-6] = '-', -1, 1))
        when v[-5] in ('+', '-') then (v[-4:-3]::integer * 60 + v[-2:]::integer) * (if(v[-5] = '-', -1, 1))
        else 0
    end;

-- DuckDB's own cast reads the Z form (zero offset, whether it honours the zone or not); other forms are read
-- without their zone, which is then subtracted.
create or replace temp macro sf_timestamp(v) as
    case
        when v[-1] = 'Z' then cast(v as timestamp)
        else cast(regexp_extract(v, '^[0-9-]{10}T[0-9:]{8}(\.[0-9]+)?') as timestamp) - to_minutes(sf_offset_minutes(v))
    end;

-- Date fields: a date, or the UTC date of a datetime (Salesforce writes both forms).
create or replace temp macro sf_is_date(v) as if(length(v) = 10, sf_is_day(v), sf_is_timestamp(v));

create or replace temp macro sf_date(v) as if(length(v) = 10, cast(v as date), cast(sf_timestamp(v) as date));
