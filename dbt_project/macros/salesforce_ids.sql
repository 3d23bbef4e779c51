{#- Salesforce ids as staging keys and joins them: the 18-character form. An id comes as 15 characters
    (case-sensitive: reports, some tools) or 18 (the same 15 plus a case-safe suffix), so the two forms of one
    record must meet:
    - 15 characters: the suffix is added, as Salesforce computes it (per 5-character chunk, bit i set when
      character i is an upper-case A-Z; the 5 bits index 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'):
      001A0000006Vm9r -> 001A0000006Vm9rIAC;
    - Salesforce's empty lookup (15 zeros, with or without a suffix, e.g. 000000000000000AAA) is null;
    - anything else as delivered: an 18-character id whose suffix does not match its first 15 characters is
      kept (it still finds its record in Salesforce, and joins its exact twin), as is a value that is no id
      (the raw checks judge those).
    raw keeps every id as delivered. -#}
{% macro salesforce_id(column) -%}
    case
        when length({{ column }}) in (15, 18) and substring({{ column }}, 1, 15) = '000000000000000' then null
        when length({{ column }}) = 15 then {{ dbt.concat([column, salesforce_id_suffix(column)]) }}
        else {{ column }}
    end
{%- endmacro %}

{#- The 3-character case-safe suffix of a 15-character id. -#}
{% macro salesforce_id_suffix(column) -%}
    {%- set chunks = [] -%}
    {%- for chunk in range(3) -%}
        {%- set bits = [] -%}
        {%- for i in range(5) -%}
            {%- set char = 'substring(' ~ column ~ ', ' ~ (chunk * 5 + i + 1) ~ ', 1)' -%}
            {%- do bits.append(
                'case when ' ~ dbt.position(char, "'ABCDEFGHIJKLMNOPQRSTUVWXYZ'") ~ ' > 0 then ' ~ (2 ** i) ~ ' else 0 end'
            ) -%}
        {%- endfor -%}
        {%- do chunks.append("substring('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 1 + " ~ bits | join(' + ') ~ ', 1)') -%}
    {%- endfor -%}
    {{ dbt.concat(chunks) }}
{%- endmacro %}
