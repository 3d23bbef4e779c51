{#- METRICS.md "Next step": the lead's CRM tasks that are not completed at T, one row per task with its due
    date (the activity date). lead_aging counts them; call_list dates a next_step_overdue reason from them. -#}
{% macro next_steps_at_as_of() -%}
    select lead_id, due_on
    from {{ ref('stg_salesforce__tasks') }}
    where not is_deleted
        and created_at <= {{ as_of() }}
        and due_on is not null
        and (not is_completed or coalesce(completed_at, created_at) > {{ as_of() }})
{%- endmacro %}

{#- When a task counts as completed for the open-at-s rule of METRICS.md (rep_scorecard_weekly): status Completed
    at its CompletedDateTime, or its LastModifiedDate when that is null (a proxy); null while not completed.
    A next step is open at s when it is not deleted, created at or before s, and this is null or after s. -#}
{% macro next_step_completed_at(tasks='tasks') -%}
    case when {{ tasks }}.is_completed then coalesce({{ tasks }}.completed_at, {{ tasks }}.last_modified_at) end
{%- endmacro %}
