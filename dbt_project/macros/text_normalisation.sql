{#- Text normalisation for the lookup seeds (METRICS.md "Segments"). The regular expressions are the engine's
    own: DuckDB (RE2) takes a flags argument, Spark (Java) replaces every match and reads backslashes in string
    literals as escapes. -#}

{#- Every run of characters that are not letters (any script) becomes one space. -#}
{% macro non_letters_to_spaces(text) -%}
    {{ return(adapter.dispatch('non_letters_to_spaces')(text)) }}
{%- endmacro %}

{% macro default__non_letters_to_spaces(text) -%}
    regexp_replace({{ text }}, '[^\p{L}]+', ' ', 'g')
{%- endmacro %}

{% macro spark__non_letters_to_spaces(text) -%}
    regexp_replace({{ text }}, '[^\\p{L}]+', ' ')
{%- endmacro %}

{#- Every run of whitespace becomes one space. -#}
{% macro collapse_whitespace(text) -%}
    {{ return(adapter.dispatch('collapse_whitespace')(text)) }}
{%- endmacro %}

{% macro default__collapse_whitespace(text) -%}
    regexp_replace({{ text }}, '\s+', ' ', 'g')
{%- endmacro %}

{% macro spark__collapse_whitespace(text) -%}
    regexp_replace({{ text }}, '\\s+', ' ')
{%- endmacro %}

{#- A title (or a rule's phrase) as the title rules match it: lower-cased, every non-letter a space, the spaces
    collapsed, and one space padded on each side, so a phrase occurs as whole words when its key is a substring
    of the title's key. A title without letters gives a key of two spaces, which holds no phrase. -#}
{% macro title_key(title) -%}
    {{ dbt.concat(["' '", "trim(" ~ non_letters_to_spaces('lower(' ~ title ~ ')') ~ ")", "' '"]) }}
{%- endmacro %}

{#- A country value as country_aliases is looked up: dots removed, trimmed, inner whitespace collapsed,
    lower-cased ("U.S." and "us" are one key). -#}
{% macro country_key(country) -%}
    lower({{ collapse_whitespace('trim(' ~ dbt.replace(country, "'.'", "''") ~ ')') }})
{%- endmacro %}
