-- One row per lead field change (a history row exported twice counts once).
with

source as (

    select * from {{ source('salesforce', 'salesforce_lead_history') }}

),

latest as (

    {{ deduplicate('source', partition_by='"Id"', order_by='_file_id desc, _row_number desc') }}

),

final as (

    select
        -- ids
        "Id" as lead_history_id,
        "LeadId" as lead_id,

        -- change
        "Field" as field_name,
        "OldValue" as old_value,
        "NewValue" as new_value,

        -- timestamps
        "CreatedDate" as changed_at

    from latest

)

select * from final
