-- One row per CRM user (reps and managers); the team is the user's department. A view: the User export is
-- small, and every build reads it whole. Ids in their 18-character form (macros/salesforce_ids.sql); the empty
-- lookup in ManagerId is null.
with

source as (

    {{ new_raw_rows(source('salesforce', 'salesforce_users')) }}

),

keyed as (

    select
        source.*,
        {{ salesforce_id(adapter.quote('Id')) }} as sf_user_id,
        {{ salesforce_id(adapter.quote('ManagerId')) }} as sf_manager_id
    from source

),

latest as (

    {{ deduplicate('keyed', partition_by='sf_user_id', order_by='_file_id desc, _row_number desc') }}

),

final as (

    select
        -- ids
        sf_user_id as user_id,
        sf_manager_id as manager_id,

        -- attributes
        {{ adapter.quote('Name') }} as user_name,
        lower(trim({{ adapter.quote('Email') }})) as email,
        {{ adapter.quote('Department') }} as team,
        coalesce({{ adapter.quote('IsActive') }}, true) as is_active

    from latest

)

select * from final
