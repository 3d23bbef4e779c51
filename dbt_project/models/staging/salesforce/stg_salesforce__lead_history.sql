-- One row per lead field change (a history row exported twice counts once: the later file's copy).
-- Incremental: the rows of the files loaded since the last build replace the stored copies. Ids in their
-- 18-character form (macros/salesforce_ids.sql).
{{ config(materialized='incremental', unique_key='lead_history_id', incremental_strategy='delete+insert') }}
with

source as (

    {{ new_raw_rows(source('salesforce', 'salesforce_lead_history')) }}

),

keyed as (

    select
        source.*,
        {{ salesforce_id(adapter.quote('Id')) }} as sf_lead_history_id,
        {{ salesforce_id(adapter.quote('LeadId')) }} as sf_lead_id
    from source

),

latest as (

    {{ deduplicate('keyed', partition_by='sf_lead_history_id', order_by='_file_id desc, _row_number desc') }}

),

final as (

    select
        -- ids
        sf_lead_history_id as lead_history_id,
        sf_lead_id as lead_id,

        -- change
        {{ adapter.quote('Field') }} as field_name,
        {{ adapter.quote('OldValue') }} as old_value,
        {{ adapter.quote('NewValue') }} as new_value,

        -- timestamps
        {{ adapter.quote('CreatedDate') }} as changed_at,

        -- lineage
        _file_id as file_id,
        _row_number as file_row_number

    from latest

)

select * from final
