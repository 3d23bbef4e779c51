-- One row per CRM user (reps and managers); the team is the user's department. A view: the User export is
-- small, and every build reads it whole.
with

source as (

    {{ new_raw_rows(source('salesforce', 'salesforce_users')) }}

),

latest as (

    {{ deduplicate('source', partition_by='"Id"', order_by='_file_id desc, _row_number desc') }}

),

final as (

    select
        -- ids
        "Id" as user_id,
        "ManagerId" as manager_id,

        -- attributes
        "Name" as user_name,
        lower(trim("Email")) as email,
        "Department" as team,
        coalesce("IsActive", true) as is_active

    from latest

)

select * from final
