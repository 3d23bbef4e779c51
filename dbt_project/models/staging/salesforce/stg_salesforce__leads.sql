-- One row per lead: the latest exported version by LastModifiedDate (ties: the later file, then later row).
-- Ids in their 18-character form (macros/salesforce_ids.sql): a 15- and an 18-character export of one lead
-- are one lead.
-- Incremental: a build reads the files loaded since the last one, and a version from them replaces the stored
-- one when it is at least as recent (it comes from a later file, so it wins a tie).
{{ config(materialized='incremental', unique_key='lead_id', incremental_strategy='delete+insert') }}
with

source as (

    {{ new_raw_rows(source('salesforce', 'salesforce_leads')) }}

),

keyed as (

    select
        source.*,
        {{ salesforce_id('"Id"') }} as sf_lead_id,
        {{ salesforce_id('"OwnerId"') }} as sf_owner_id
    from source

),

latest as (

    {{ deduplicate('keyed', partition_by='sf_lead_id', order_by='"LastModifiedDate" desc, _file_id desc, _row_number desc') }}

),

newer as (

    select latest.*
    from latest
    {% if is_incremental() -%}
    left join {{ this }} as stored on latest.sf_lead_id = stored.lead_id
    where stored.lead_id is null or latest."LastModifiedDate" >= stored.last_modified_at
    {%- endif %}

),

final as (

    select
        -- ids
        sf_lead_id as lead_id,
        sf_owner_id as owner_id,

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
        _file_id as file_id,
        _row_number as file_row_number

    from newer

)

select * from final
