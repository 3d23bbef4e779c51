-- The landing folder as delivered, before any typing: floor.py fills these with DuckDB's native readers.
-- Salesforce fields are the declared ones (extra export columns are not read; missing ones stay null).

create temp table landed_files (file_id integer, source varchar, path varchar);

create temp table lead_status_mapping (status varchar, status_category varchar);

create temp table call_disposition_mapping (call_disposition varchar, is_connected boolean);

create temp table sf_leads_text (
    filename varchar,
    "Id" varchar, "FirstName" varchar, "LastName" varchar, "Email" varchar, "Title" varchar, "Company" varchar,
    "Industry" varchar, "NumberOfEmployees" varchar, "AnnualRevenue" varchar, "Country" varchar,
    "LeadSource" varchar, "Status" varchar, "OwnerId" varchar, "IsConverted" varchar, "ConvertedDate" varchar,
    "CreatedDate" varchar, "LastModifiedDate" varchar, "IsDeleted" varchar
);

create temp table sf_tasks_text (
    filename varchar,
    "Id" varchar, "WhoId" varchar, "OwnerId" varchar, "Subject" varchar, "TaskSubtype" varchar,
    "CallDisposition" varchar, "CallDurationInSeconds" varchar, "Status" varchar, "ActivityDate" varchar,
    "CompletedDateTime" varchar, "CreatedDate" varchar, "LastModifiedDate" varchar, "IsDeleted" varchar
);

create temp table sf_users_text (
    filename varchar,
    "Id" varchar, "Name" varchar, "Email" varchar, "Department" varchar, "ManagerId" varchar, "IsActive" varchar
);

create temp table sf_lead_history_text (
    filename varchar,
    "Id" varchar, "LeadId" varchar, "Field" varchar, "OldValue" varchar, "NewValue" varchar, "CreatedDate" varchar
);

-- One row per physical line of every mbox file, in file order (a blank line is null).
create temp table mbox_lines (filename varchar, line varchar);

-- One row per SendGrid event as delivered (an unreadable .jsonl line is null).
create temp table sendgrid_text (filename varchar, event json);
