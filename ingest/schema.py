"""The raw schema, declared once: loaders create tables from it and dbt sources are checked against it."""

from dataclasses import dataclass

RAW_SCHEMA = "raw"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str = ""


@dataclass(frozen=True)
class RawTable:
    name: str
    source: str
    description: str
    columns: tuple[Column, ...]

    @property
    def qualified(self) -> str:
        return f"{RAW_SCHEMA}.{self.name}"


# Every loaded row carries where it came from: the ledger's file and the row's position in that file.
LINEAGE = (
    Column("_file_id", "BIGINT", "raw._files.file_id of the file the row came from"),
    Column("_row_number", "INTEGER", "1-based data row, message or event index within the file"),
)
SALESFORCE_EXTRAS = Column("_extras", "JSON", "columns of the export not declared here, as delivered")


def _sf(name: str, description: str, *columns: tuple[str, str]) -> RawTable:
    cols = (*(Column(n, t) for n, t in columns), SALESFORCE_EXTRAS, *LINEAGE)
    return RawTable(name, "salesforce", description, cols)


SALESFORCE_LEADS = _sf(
    "salesforce_leads",
    "Salesforce Lead export rows, every snapshot version kept.",
    ("Id", "VARCHAR"), ("FirstName", "VARCHAR"), ("LastName", "VARCHAR"), ("Email", "VARCHAR"),
    ("Title", "VARCHAR"), ("Company", "VARCHAR"), ("Industry", "VARCHAR"),
    ("NumberOfEmployees", "BIGINT"), ("AnnualRevenue", "DOUBLE"), ("Country", "VARCHAR"),
    ("LeadSource", "VARCHAR"), ("Status", "VARCHAR"), ("OwnerId", "VARCHAR"),
    ("IsConverted", "BOOLEAN"), ("ConvertedDate", "DATE"), ("CreatedDate", "TIMESTAMP"),
    ("LastModifiedDate", "TIMESTAMP"), ("IsDeleted", "BOOLEAN"),
)
SALESFORCE_TASKS = _sf(
    "salesforce_tasks",
    "Salesforce Task export rows (calls, emails, next steps), every snapshot version kept.",
    ("Id", "VARCHAR"), ("WhoId", "VARCHAR"), ("OwnerId", "VARCHAR"), ("Subject", "VARCHAR"),
    ("TaskSubtype", "VARCHAR"), ("CallDisposition", "VARCHAR"), ("CallDurationInSeconds", "BIGINT"),
    ("Status", "VARCHAR"), ("ActivityDate", "DATE"), ("CompletedDateTime", "TIMESTAMP"),
    ("CreatedDate", "TIMESTAMP"), ("LastModifiedDate", "TIMESTAMP"), ("IsDeleted", "BOOLEAN"),
)
SALESFORCE_USERS = _sf(
    "salesforce_users",
    "Salesforce User export rows (reps and managers).",
    ("Id", "VARCHAR"), ("Name", "VARCHAR"), ("Email", "VARCHAR"), ("Department", "VARCHAR"),
    ("ManagerId", "VARCHAR"), ("IsActive", "BOOLEAN"),
)
SALESFORCE_LEAD_HISTORY = _sf(
    "salesforce_lead_history",
    "Salesforce LeadHistory export rows (field changes, including Status).",
    ("Id", "VARCHAR"), ("LeadId", "VARCHAR"), ("Field", "VARCHAR"), ("OldValue", "VARCHAR"),
    ("NewValue", "VARCHAR"), ("CreatedDate", "TIMESTAMP"),
)

MAILBOX_MESSAGES = RawTable(
    "mailbox_messages",
    "mailbox",
    "One row per message per mbox file it was found in.",
    (
        Column("message_id", "VARCHAR", "Message-ID without angle brackets"),
        Column("sent_at", "TIMESTAMP", "Date header converted to UTC"),
        Column("from_address", "VARCHAR"),
        Column("from_name", "VARCHAR"),
        Column("subject", "VARCHAR"),
        Column("in_reply_to", "VARCHAR", "In-Reply-To without angle brackets"),
        Column("body_text", "VARCHAR", "the plain-text body (first text/plain part)"),
        *LINEAGE,
    ),
)
MAILBOX_RECIPIENTS = RawTable(
    "mailbox_recipients",
    "mailbox",
    "One row per recipient address of a message (To and Cc).",
    (
        Column("message_id", "VARCHAR"),
        Column("recipient_type", "VARCHAR", "to or cc"),
        Column("address", "VARCHAR", "address as delivered"),
        Column("display_name", "VARCHAR"),
        *LINEAGE,
    ),
)
SENDGRID_EVENTS = RawTable(
    "sendgrid_events",
    "sendgrid",
    "SendGrid Event Webhook events as delivered (duplicates included).",
    (
        Column("sg_event_id", "VARCHAR"),
        Column("sg_message_id", "VARCHAR"),
        Column("smtp_id", "VARCHAR", "the smtp-id field: the message's Message-ID"),
        Column("email", "VARCHAR", "recipient address"),
        Column("event", "VARCHAR"),
        Column("event_at", "TIMESTAMP", "timestamp field (Unix seconds) as UTC"),
        Column("reason", "VARCHAR"),
        Column("payload", "JSON", "the whole event as delivered"),
        *LINEAGE,
    ),
)

RAW_TABLES: tuple[RawTable, ...] = (
    SALESFORCE_LEADS,
    SALESFORCE_TASKS,
    SALESFORCE_USERS,
    SALESFORCE_LEAD_HISTORY,
    MAILBOX_MESSAGES,
    MAILBOX_RECIPIENTS,
    SENDGRID_EVENTS,
)

FILES = RawTable(
    "_files",
    "ledger",
    "The file ledger: one row per delivered file and its outcome.",
    (
        Column("file_id", "BIGINT"),
        Column("source", "VARCHAR"),
        Column("path", "VARCHAR"),
        Column("sha256", "VARCHAR"),
        Column("bytes", "BIGINT"),
        Column("rows_total", "INTEGER"),
        Column("rows_loaded", "INTEGER"),
        Column("rows_rejected", "INTEGER"),
        Column(
            "status", "VARCHAR",
            "loaded, partial (some rows rejected), failed, or quarantined (a blocking raw check failed on it: its "
            "rows stay in raw and the models skip them until the file is reprocessed)",
        ),
        Column("error", "VARCHAR", "why the file failed or was quarantined"),
        Column("loaded_at", "TIMESTAMP"),
        Column(
            "loaded_as_of", "TIMESTAMP",
            "the as-of time T of the run that loaded the file (its load time when none was given): the tracked "
            "measures date the file by it, so a run at a fixed as-of judges it alike whatever day it ran",
        ),
    ),
)
REJECTED_ROWS = RawTable(
    "_rejected_rows",
    "ledger",
    "Rows that could not be loaded, with the reason and the record as delivered.",
    (
        Column("file_id", "BIGINT"),
        Column("row_number", "INTEGER"),
        Column("field", "VARCHAR"),
        Column("reason", "VARCHAR"),
        Column("record", "VARCHAR"),
    ),
)
FILE_INDEX = RawTable(
    "_file_index",
    "ledger",
    "Every landing path seen, with the size and modification time it had then: a path whose stat still matches "
    "is not read again.",
    (
        Column("path", "VARCHAR"),
        Column("bytes", "BIGINT"),
        Column("modified_ns", "BIGINT", "st_mtime_ns when the file was read"),
        Column("sha256", "VARCHAR"),
        Column("file_id", "BIGINT", "raw._files.file_id of the file that content was loaded as"),
    ),
)
LEDGER_TABLES = (FILES, REJECTED_ROWS, FILE_INDEX)


def create_statements() -> list[str]:
    """DDL that makes the raw schema and every raw table; safe to run on every load, and it adds tables that
    are new to an existing warehouse (such as the file index) and the ledger's newer columns."""
    statements = [f"create schema if not exists {RAW_SCHEMA}"]
    for table in (*RAW_TABLES, *LEDGER_TABLES):
        cols = ", ".join(f'"{c.name}" {c.type}' for c in table.columns)
        statements.append(f"create table if not exists {table.qualified} ({cols})")
    statements.append(f"alter table {FILES.qualified} add column if not exists loaded_as_of timestamp")
    return statements
