{#- Seeds on Spark with the values written as SQL literals. dbt-spark's session connection pastes each bound
    value between single quotes as it is, so a value with a quote (Cote d'Ivoire in country_aliases) breaks the
    insert, and an empty cell becomes the string 'None'. Here a value is escaped for Spark's string literals
    (backslash and quote), an empty cell is null, and numbers and booleans are written as themselves. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    {%- set type = column_override.get(agate_table.column_names[loop.index0],
                                                       adapter.convert_type(agate_table, loop.index0)) -%}
                    cast({{ spark_seed_literal(value) }} as {{ type }}){{ ',' if not loop.last }}
                {%- endfor -%}){{ ',' if not loop.last }}
            {% endfor -%}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) if loop.first -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}

{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace('\\', '\\\\') | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}
