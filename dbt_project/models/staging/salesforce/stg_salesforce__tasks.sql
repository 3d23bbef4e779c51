-- One row per task: the latest exported version by LastModifiedDate (ties: the later file, then later row).
-- Incremental like stg_salesforce__leads. previous_lead_id keeps the lead the replaced version was on, so a
-- task moved to another lead (WhoId changed) recomputes the lead it left too. Ids in their 18-character form
-- (macros/salesforce_ids.sql): a 15-character WhoId joins its 18-character lead; the empty lookup is null.
{{ config(materialized='incremental', unique_key='task_id', incremental_strategy='delete+insert') }}
with

source as (

    {{ new_raw_rows(source('salesforce', 'salesforce_tasks')) }}

),

keyed as (

    select
        source.*,
        {{ salesforce_id(adapter.quote('Id')) }} as sf_task_id,
        {{ salesforce_id(adapter.quote('WhoId')) }} as sf_who_id,
        {{ salesforce_id(adapter.quote('OwnerId')) }} as sf_owner_id
    from source

),

latest as (

    {{ deduplicate('keyed', partition_by='sf_task_id', order_by=adapter.quote('LastModifiedDate') ~ ' desc, _file_id desc, _row_number desc') }}

),

newer as (

    select
        latest.*,
        {% if is_incremental() -%}
        case
            -- the same version again (a build that failed after storing it): keep what it replaced
            when stored.file_id = latest._file_id and stored.file_row_number = latest._row_number
                then stored.previous_lead_id
            else stored.lead_id
        end as previous_lead_id
        {%- else -%}
        cast(null as {{ dbt.type_string() }}) as previous_lead_id
        {%- endif %}
    from latest
    {% if is_incremental() -%}
    left join {{ this }} as stored on latest.sf_task_id = stored.task_id
    where stored.task_id is null or latest.{{ adapter.quote('LastModifiedDate') }} >= stored.last_modified_at
    {%- endif %}

),

final as (

    select
        -- ids
        sf_task_id as task_id,
        sf_who_id as lead_id,
        sf_owner_id as owner_id,

        -- task
        {{ adapter.quote('Subject') }} as subject,
        lower(trim({{ adapter.quote('TaskSubtype') }})) as task_subtype,
        {{ adapter.quote('CallDisposition') }} as call_disposition,
        {{ adapter.quote('CallDurationInSeconds') }} as call_duration_seconds,
        {{ adapter.quote('Status') }} as status,
        lower(trim({{ adapter.quote('Status') }})) = 'completed' as is_completed,
        coalesce({{ adapter.quote('IsDeleted') }}, false) as is_deleted,

        -- dates and timestamps
        {{ adapter.quote('ActivityDate') }} as due_on,
        {{ adapter.quote('CompletedDateTime') }} as completed_at,
        {{ adapter.quote('CreatedDate') }} as created_at,
        {{ adapter.quote('LastModifiedDate') }} as last_modified_at,

        -- lineage
        previous_lead_id,
        _file_id as file_id,
        _row_number as file_row_number

    from newer

)

select * from final
