{#- METRICS.md "Rates, intervals, percentiles". -#}

{#- successes / trials as a double; null when there are no trials. -#}
{% macro rate(successes, trials) -%}
    case when ({{ trials }}) > 0 then cast(({{ successes }}) as double) / ({{ trials }}) end
{%- endmacro %}

{#- The Wilson score interval of k successes in n trials at z = ci_z, clamped to [0, 1]; null when n = 0. At
    k = 0 the low bound and at k = n the high bound are exactly 0 and 1 (the formula's value, which floating
    point would miss by a rounding error). -#}
{% macro wilson_low(k, n) -%}
    {%- set k, n = '(' ~ k ~ ')', '(' ~ n ~ ')' -%}
    case
        when {{ n }} is null or {{ n }} <= 0 then null
        when {{ k }} <= 0 then 0.0
        else greatest(0.0, {{ _wilson_center(k, n) }} - {{ _wilson_half(k, n) }})
    end
{%- endmacro %}

{% macro wilson_high(k, n) -%}
    {%- set k, n = '(' ~ k ~ ')', '(' ~ n ~ ')' -%}
    case
        when {{ n }} is null or {{ n }} <= 0 then null
        when {{ k }} >= {{ n }} then 1.0
        else least(1.0, {{ _wilson_center(k, n) }} + {{ _wilson_half(k, n) }})
    end
{%- endmacro %}

{#- center = (p + z²/(2n)) / (1 + z²/n) -#}
{% macro _wilson_center(k, n) -%}
    {%- set z2 = var('ci_z') * var('ci_z') -%}
    ((cast({{ k }} as double) / {{ n }} + {{ z2 }} / (2.0 * {{ n }})) / (1.0 + {{ z2 }} / {{ n }}))
{%- endmacro %}

{#- half = z * sqrt(p(1 - p)/n + z²/(4n²)) / (1 + z²/n) -#}
{% macro _wilson_half(k, n) -%}
    {%- set z = var('ci_z') -%}
    {%- set p = '(cast(' ~ k ~ ' as double) / ' ~ n ~ ')' -%}
    ({{ z }} * sqrt({{ p }} * (1.0 - {{ p }}) / {{ n }} + {{ z * z }} / (4.0 * {{ n }} * {{ n }}))
        / (1.0 + {{ z * z }} / {{ n }}))
{%- endmacro %}

{#- The rank percentile P_q of METRICS.md: the value at 1-based rank ceil(q * n) of the n values sorted
    ascending (the lower median for q = 0.5 and even n; null when n = 0). In two steps, portable SQL with no
    quantile function: percentile_ranks() adds each row's rank and its partition's n, and rank_percentile()
    aggregates the value at the rank. `order_by` decides the ranking (it may rank rows that have no value,
    such as never-touched leads, last); rows the caller leaves out do not count in n. q is a literal, turned
    into thousandths so that ceil(q * n) is exact. -#}
{% macro percentile_ranks(order_by, partition_by=none, prefix='percentile') -%}
    {%- set partition = 'partition by ' ~ partition_by if partition_by else '' -%}
    row_number() over ({{ partition }} order by {{ order_by }}) as {{ prefix }}_rank,
    count(*) over ({{ partition }}) as {{ prefix }}_n
{%- endmacro %}

{% macro rank_percentile(value, q, prefix='percentile') -%}
    {%- set thousandths = (q * 1000) | round | int -%}
    max(case when {{ prefix }}_rank = ceil({{ thousandths }} * {{ prefix }}_n / 1000.0) then {{ value }} end)
{%- endmacro %}
