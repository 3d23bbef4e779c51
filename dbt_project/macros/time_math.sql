{#- METRICS.md: "x days" means x * 24 hours; floor_days(a, b) = floor((b - a) / 24h). -#}
{% macro floor_days(start_at, end_at) -%}
    cast(floor({{ milliseconds_between(start_at, end_at) }} / 86400000.0) as integer)
{%- endmacro %}

{% macro hours_between(start_at, end_at) -%}
    ({{ milliseconds_between(start_at, end_at) }} / 3600000.0)
{%- endmacro %}

{#- end_at - start_at in milliseconds, as one double term: dividing it divides the whole difference. dbt-spark's
    millisecond datediff is a sum of terms without parentheses (a division after it would divide only its last
    term) and goes through whole seconds plus a formatted fraction; Spark's unix_millis is exact. -#}
{% macro milliseconds_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('milliseconds_between', 'follow_up_radar')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__milliseconds_between(start_at, end_at) -%}
    cast(({{ dbt.datediff(start_at, end_at, 'millisecond') }}) as double)
{%- endmacro %}

{% macro spark__milliseconds_between(start_at, end_at) -%}
    cast((unix_millis(cast({{ end_at }} as timestamp)) - unix_millis(cast({{ start_at }} as timestamp))) as double)
{%- endmacro %}

{#- The first day D whose snapshot D + 1 day (00:00 UTC) is at or after the timestamp. -#}
{% macro first_snapshot_day(timestamp_at) -%}
    case
        when {{ timestamp_at }} = cast(cast({{ timestamp_at }} as date) as {{ dbt.type_timestamp() }})
            then cast({{ dbt.dateadd('day', -1, 'cast(' ~ timestamp_at ~ ' as date)') }} as date)
        else cast({{ timestamp_at }} as date)
    end
{%- endmacro %}

{#- The first complete day an incremental daily model rebuilds: on a full build the first lead's creation day;
    else the first day the last recorded build had not built yet (every day when the users' names or teams
    changed), or the first day whose snapshot a lead's recomputed spells changed
    (int_lead_follow_up_spells.changed_from), whichever is earlier. -#}
{% macro coverage_rebuild_from() -%}
    {%- set first_day = '(select min(cast(created_at as date)) from ' ~ ref('int_leads_joined') ~ ')' -%}
    {%- if is_incremental() -%}
    {%- set not_built_yet -%}
        case
            when {{ user_labels(ref('stg_salesforce__users')) }} = {{ previous_build('user_labels') }}
                then cast({{ previous_build('as_of') }} as date)
            else {{ first_day }}
        end
    {%- endset -%}
    {%- set first_changed -%}
        (
            select min({{ first_snapshot_day('changed_from') }})
            from {{ ref('int_lead_follow_up_spells') }}
            where build_number = {{ current_build_number() }}
        )
    {%- endset -%}
    least({{ not_built_yet }}, coalesce({{ first_changed }}, {{ not_built_yet }}))
    {%- else -%}
    {{ first_day }}
    {%- endif -%}
{%- endmacro %}

{#- The smallest whole number of days N with start_at + N days >= end_at: the first age (in days) a lead created
    at start_at is observed at or after end_at. -#}
{% macro ceil_days(start_at, end_at) -%}
    cast(ceil({{ milliseconds_between(start_at, end_at) }} / 86400000.0) as integer)
{%- endmacro %}

{#- The Monday (UTC) starting the ISO week of a timestamp or date, as a date. -#}
{% macro iso_week_start(timestamp_at) -%}
    cast({{ dbt.date_trunc('week', timestamp_at) }} as date)
{%- endmacro %}

{#- The first ISO week W whose end snapshot W + 7 days (Monday 00:00 UTC) is at or after the timestamp, as the
    Monday starting it: the week analogue of first_snapshot_day. -#}
{% macro first_snapshot_week(timestamp_at) -%}
    case
        when {{ timestamp_at }} = cast({{ iso_week_start(timestamp_at) }} as {{ dbt.type_timestamp() }})
            then cast({{ dbt.dateadd('day', -7, iso_week_start(timestamp_at)) }} as date)
        else {{ iso_week_start(timestamp_at) }}
    end
{%- endmacro %}
