{#- METRICS.md "Segments": company size and revenue bands, labelled from the edges in dbt_project.yml. Null or
    not positive gives 'unknown'. -#}

{#- NumberOfEmployees by employee_band_edges, inclusive upper edges: 1-10, 11-50, ..., 10001+. -#}
{% macro employee_band(employees) -%}
    {%- set edges = var('employee_band_edges') -%}
    {%- set labels = employee_band_labels() -%}
    case
        when {{ employees }} is null or {{ employees }} <= 0 then 'unknown'
    {%- for edge in edges %}
        when {{ employees }} <= {{ edge }} then '{{ labels[loop.index0] }}'
    {%- endfor %}
        else '{{ labels[edges | length] }}'
    end
{%- endmacro %}

{#- AnnualRevenue by revenue_band_edges, lower edges inclusive: <1M, 1M-10M, ..., 1B+. -#}
{% macro revenue_band(revenue) -%}
    {%- set edges = var('revenue_band_edges') -%}
    {%- set labels = revenue_band_labels() -%}
    case
        when {{ revenue }} is null or {{ revenue }} <= 0 then 'unknown'
    {%- for edge in edges %}
        when {{ revenue }} < {{ edge }} then '{{ labels[loop.index0] }}'
    {%- endfor %}
        else '{{ labels[edges | length] }}'
    end
{%- endmacro %}

{#- The band labels in order, 'unknown' last. -#}
{% macro employee_band_labels() -%}
    {%- set edges = var('employee_band_edges') -%}
    {%- set labels = [] -%}
    {%- for edge in edges -%}
        {%- do labels.append((1 if loop.first else edges[loop.index0 - 1] + 1) ~ '-' ~ edge) -%}
    {%- endfor -%}
    {{ return(labels + [(edges[-1] + 1) ~ '+', 'unknown']) }}
{%- endmacro %}

{% macro revenue_band_labels() -%}
    {%- set edges = var('revenue_band_edges') -%}
    {%- set labels = ['<' ~ money_label(edges[0])] -%}
    {%- for edge in edges[1:] -%}
        {%- do labels.append(money_label(edges[loop.index0]) ~ '-' ~ money_label(edge)) -%}
    {%- endfor -%}
    {{ return(labels + [money_label(edges[-1]) ~ '+', 'unknown']) }}
{%- endmacro %}

{#- 1000000 -> 1M, 50000000 -> 50M, 1000000000 -> 1B, 2500000 -> 2.5M, 500 -> 500. -#}
{% macro money_label(amount) -%}
    {%- for size, suffix in [(1000000000000, 'T'), (1000000000, 'B'), (1000000, 'M'), (1000, 'K'), (1, '')] -%}
        {%- if amount >= size or loop.last -%}
            {%- set value = amount / size -%}
            {{ return((value | int if value == value | int else value) ~ suffix) }}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}
