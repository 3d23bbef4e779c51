-- One row per lead: the latest exported version by LastModifiedDate (ties: the later file, then later row).
with

source as (

    select * from {{ source('salesforce', 'salesforce_leads') }}

),

latest as (

    {{ deduplicate('source', partition_by='"Id"', order_by='"LastModifiedDate" desc, _file_id desc, _row_number desc') }}

),

final as (

    select
        -- ids
        "Id" as lead_id,
        "OwnerId" as owner_id,

        -- person and company
        "FirstName" as first_name,
        "LastName" as last_name,
        lower(trim("Email")) as email,
        "Title" as title,
        "Company" as company,
        "Industry" as industry,
        "NumberOfEmployees" as number_of_employees,
        "AnnualRevenue" as annual_revenue,
        "Country" as country,
        "LeadSource" as lead_source,

        -- status
        "Status" as status,
        coalesce("IsConverted", false) as is_converted,
        "ConvertedDate" as converted_on,
        coalesce("IsDeleted", false) as is_deleted,

        -- timestamps
        "CreatedDate" as created_at,
        "LastModifiedDate" as last_modified_at,

        -- lineage
        _file_id as file_id

    from latest

)

select * from final
