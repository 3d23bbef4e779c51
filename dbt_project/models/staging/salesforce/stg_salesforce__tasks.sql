-- One row per task: the latest exported version by LastModifiedDate (ties: the later file, then later row).
with

source as (

    select * from {{ source('salesforce', 'salesforce_tasks') }}

),

latest as (

    {{ deduplicate('source', partition_by='"Id"', order_by='"LastModifiedDate" desc, _file_id desc, _row_number desc') }}

),

final as (

    select
        -- ids
        "Id" as task_id,
        "WhoId" as lead_id,
        "OwnerId" as owner_id,

        -- task
        "Subject" as subject,
        lower(trim("TaskSubtype")) as task_subtype,
        "CallDisposition" as call_disposition,
        "CallDurationInSeconds" as call_duration_seconds,
        "Status" as status,
        lower(trim("Status")) = 'completed' as is_completed,
        coalesce("IsDeleted", false) as is_deleted,

        -- dates and timestamps
        "ActivityDate" as due_on,
        "CompletedDateTime" as completed_at,
        "CreatedDate" as created_at,
        "LastModifiedDate" as last_modified_at

    from latest

)

select * from final
