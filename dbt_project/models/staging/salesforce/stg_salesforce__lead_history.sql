-- One row per lead field change (a history row exported twice counts once: the later file's copy).
-- Incremental: the rows of the files loaded since the last build replace the stored copies.
{{ config(materialized='incremental', unique_key='lead_history_id', incremental_strategy='delete+insert') }}
with

source as (

    {{ new_raw_rows(source('salesforce', 'salesforce_lead_history')) }}

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
        "CreatedDate" as changed_at,

        -- lineage
        _file_id as file_id,
        _row_number as file_row_number

    from latest

)

select * from final
