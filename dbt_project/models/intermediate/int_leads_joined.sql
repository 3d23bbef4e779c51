-- Leads that exist at the as-of time T (created at or before T, not deleted), with their current owner.
with

leads as (

    select * from {{ ref('stg_salesforce__leads') }}

),

users as (

    select * from {{ ref('stg_salesforce__users') }}

),

final as (

    select
        -- ids
        leads.lead_id,
        leads.owner_id,

        -- owner
        users.user_name as owner_name,
        users.team,

        -- lead
        nullif(trim({{ dbt.concat(["coalesce(leads.first_name, '')", "' '", "coalesce(leads.last_name, '')"]) }}), '')
            as lead_name,
        leads.company,
        leads.lead_source,
        leads.email,
        leads.status,

        -- timestamps
        leads.created_at

    from leads
    left join users on leads.owner_id = users.user_id
    where not leads.is_deleted
        and leads.created_at <= {{ as_of() }}

)

select * from final
