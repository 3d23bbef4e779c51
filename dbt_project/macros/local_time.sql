{#- METRICS.md "Time zones": a UTC timestamp read on a local clock, and business hours in company_time_zone. -#}

{#- The wall-clock time in the IANA zone `zone` (a literal) of a naive timestamp holding UTC. UTC itself is
    left as it is. -#}
{% macro utc_to_local(timestamp_at, zone) -%}
    {%- if zone == 'UTC' -%}
    {{ timestamp_at }}
    {%- else -%}
    {{ return(adapter.dispatch('utc_to_local')(timestamp_at, zone)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__utc_to_local(timestamp_at, zone) -%}
    timezone('{{ zone }}', timezone('UTC', {{ timestamp_at }}))
{%- endmacro %}

{% macro spark__utc_to_local(timestamp_at, zone) -%}
    from_utc_timestamp({{ timestamp_at }}, '{{ zone }}')
{%- endmacro %}

{#- The ISO weekday (1 = Monday ... 7 = Sunday) of a timestamp. -#}
{% macro iso_weekday(timestamp_at) -%}
    {{ return(adapter.dispatch('iso_weekday')(timestamp_at)) }}
{%- endmacro %}

{% macro default__iso_weekday(timestamp_at) -%}
    isodow({{ timestamp_at }})
{%- endmacro %}

{% macro spark__iso_weekday(timestamp_at) -%}
    ((dayofweek({{ timestamp_at }}) + 5) % 7 + 1)
{%- endmacro %}

{#- Whether a UTC timestamp falls within business_hours (ISO weekdays, half-open [start, end) local time) read
    in company_time_zone. -#}
{% macro in_business_hours(timestamp_at) -%}
    {%- set hours = var('business_hours') -%}
    {%- set local = utc_to_local(timestamp_at, var('company_time_zone')) -%}
    {%- set midnight = 'cast(cast(' ~ local ~ ' as date) as ' ~ dbt.type_timestamp() ~ ')' -%}
    (
        {{ iso_weekday(local) }} in ({{ hours.weekdays | join(', ') }})
        and {{ milliseconds_between(midnight, local) }} >= {{ _clock_milliseconds(hours.start) }}
        and {{ milliseconds_between(midnight, local) }} < {{ _clock_milliseconds(hours.end) }}
    )
{%- endmacro %}

{#- "HH:MM" as milliseconds after midnight. -#}
{% macro _clock_milliseconds(clock) -%}
    {%- set parts = clock.split(':') -%}
    {{ (parts[0] | int * 60 + parts[1] | int) * 60000 }}
{%- endmacro %}
