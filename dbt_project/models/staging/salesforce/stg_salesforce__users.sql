-- One row per CRM user (reps and managers); the team is the user's department.
with

source as (

    select * from {{ source('salesforce', 'salesforce_users') }}

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
        "Id" as user_id,
        "ManagerId" as manager_id,

        -- attributes
        "Name" as user_name,
        lower(trim("Email")) as email,
        "Department" as team,
        coalesce("IsActive", true) as is_active

    from ranked
    where version_rank = 1

)

select * from final
