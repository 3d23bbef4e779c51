{#- What the incremental models know of the builds before this one. A build that finished without an error
    records its as-of time and the highest ledger file_id it read (on-run-end); the next build reads only the
    raw files after it and the leads whose history can have changed since that as-of. A failed build records
    nothing, so the next one redoes its work (every incremental model replaces whole keys: doing it twice is
    harmless). The orchestrator also reads the record (orchestration/lib/dbt_builds.py): files_loaded tells it
    a loaded file was forgotten since, project_version (RADAR_PROJECT_VERSION) that the models changed; both
    call for a full refresh. -#}

{% macro build_state_relation() -%}
    intermediate.radar_builds
{%- endmacro %}

{% macro create_build_state() -%}
    create table if not exists {{ build_state_relation() }} (
        build_number integer,
        as_of {{ dbt.type_timestamp() }},
        max_file_id bigint,
        files_loaded bigint,
        project_version {{ dbt.type_string() }},
        rep_addresses {{ dbt.type_string() }},
        user_labels {{ dbt.type_string() }},
        completed_at {{ dbt.type_timestamp() }}
    )
{%- endmacro %}

{#- A column of the last recorded build (null before the first one). -#}
{% macro previous_build(column) -%}
    (select {{ column }} from {{ build_state_relation() }} order by build_number desc limit 1)
{%- endmacro %}

{#- The highest ledger file_id the last recorded build read: rows of later files are new to this build. -#}
{% macro previous_max_file_id() -%}
    coalesce({{ previous_build('max_file_id') }}, -1)
{%- endmacro %}

{#- This build's number: one more than the last recorded build's (a failed build's number is used again). -#}
{% macro current_build_number() -%}
    (select coalesce(max(build_number), 0) + 1 from {{ build_state_relation() }})
{%- endmacro %}

{#- on-run-end: record the build when every node of it succeeded (or was skipped). Only whole-project builds
    are recorded: a build of a selection leaves the others behind, so it must not move their watermark. -#}
{% macro record_build(results) -%}
    {%- if not execute -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set failed = results | selectattr('status', 'in', ['error', 'fail', 'runtime error']) | list -%}
    {%- set built = results | selectattr('node.config.materialized', 'equalto', 'incremental') | list -%}
    {%- set incremental = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
        | selectattr('config.materialized', 'equalto', 'incremental') | list -%}
    {%- set whole = built | length == incremental | length and incremental | length > 0 -%}
    {%- if whole and not failed and not invocation_args_dict.get('empty') -%}
        {%- set users = graph.nodes['model.follow_up_radar.stg_salesforce__users'].relation_name -%}
        insert into {{ build_state_relation() }}
        select
            {{ current_build_number() }},
            {{ as_of() }},
            (select coalesce(max(file_id), 0) from raw._files),
            (select count(*) from raw._files),
            '{{ env_var("RADAR_PROJECT_VERSION", "") }}',
            {{ rep_addresses(users) }},
            {{ user_labels(users) }},
            cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }})
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- A fingerprint of which address belongs to which user: when it changes, which messages are touches and
    replies changes for any lead, so every lead is recomputed. -#}
{% macro rep_addresses(users_relation) -%}
    (
        select md5(coalesce({{ ordered_list("user_id || '=' || coalesce(email, '')", 'user_id') }}, ''))
        from {{ users_relation }}
    )
{%- endmacro %}

{#- A fingerprint of the users' names and teams, which the coverage rows carry: when it changes, every day of
    follow_up_coverage_daily is rebuilt. -#}
{% macro user_labels(users_relation) -%}
    (
        select md5(coalesce({{ ordered_list(
            "user_id || '=' || coalesce(user_name, '') || '|' || coalesce(team, '')", 'user_id'
        ) }}, ''))
        from {{ users_relation }}
    )
{%- endmacro %}

{#- The values of a group joined by commas in the order of order_by (dbt.listagg ignores the order on Spark). -#}
{% macro ordered_list(value, order_by) -%}
    {{ return(adapter.dispatch('ordered_list', 'follow_up_radar')(value, order_by)) }}
{%- endmacro %}

{% macro default__ordered_list(value, order_by) -%}
    string_agg({{ value }}, ',' order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_list(value, order_by) -%}
    array_join(
        transform(array_sort(collect_list(named_struct('k', {{ order_by }}, 'v', {{ value }}))), x -> x.v), ','
    )
{%- endmacro %}
