-- One row per lead field change (a history row exported twice counts once).
with

source as (

    select * from {{ source('salesforce', 'salesforce_lead_history') }}

),

ranked as (

    select
        *,
        row_number() over (partition by "Id" order by _file_id desc, _row_number desc) as version_rank
    from source

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

    from ranked
    where version_rank = 1

)

select * from final
