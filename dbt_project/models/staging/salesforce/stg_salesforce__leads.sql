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
        {{ salesforce_id(adapter.quote('Id')) }} as sf_lead_id,
        {{ salesforce_id(adapter.quote('OwnerId')) }} as sf_owner_id
    from source

),

latest as (

    {{ deduplicate('keyed', partition_by='sf_lead_id', order_by=adapter.quote('LastModifiedDate') ~ ' desc, _file_id desc, _row_number desc') }}

),

newer as (

    select latest.*
    from latest
    {% if is_incremental() -%}
    left join {{ this }} as stored on latest.sf_lead_id = stored.lead_id
    where stored.lead_id is null or latest.{{ adapter.quote('LastModifiedDate') }} >= stored.last_modified_at
    {%- endif %}

),

final as (

    select
        -- ids
        sf_lead_id as lead_id,
        sf_owner_id as owner_id,

        -- person and company
        {{ adapter.quote('FirstName') }} as first_name,
        {{ adapter.quote('LastName') }} as last_name,
        lower(trim({{ adapter.quote('Email') }})) as email,
        {{ adapter.quote('Title') }} as title,
        {{ adapter.quote('Company') }} as company,
        {{ adapter.quote('Industry') }} as industry,
        {{ adapter.quote('NumberOfEmployees') }} as number_of_employees,
        {{ adapter.quote('AnnualRevenue') }} as annual_revenue,
        {{ adapter.quote('Country') }} as country,
        {{ adapter.quote('LeadSource') }} as lead_source,

        -- status
        {{ adapter.quote('Status') }} as status,
        coalesce({{ adapter.quote('IsConverted') }}, false) as is_converted,
        {{ adapter.quote('ConvertedDate') }} as converted_on,
        coalesce({{ adapter.quote('IsDeleted') }}, false) as is_deleted,

        -- timestamps
        {{ adapter.quote('CreatedDate') }} as created_at,
        {{ adapter.quote('LastModifiedDate') }} as last_modified_at,

        -- lineage
        _file_id as file_id,
        _row_number as file_row_number

    from newer

)

select * from final
