"""Salesforce Data Export CSVs: User, and Lead/Task/LeadHistory snapshots as of an export time."""

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ingest.demo import ids
from ingest.demo.clock import local, sf_date, sf_datetime
from ingest.demo.model import CONVERTED, OPEN_NEW, Change, Lead, World

USER_COLUMNS = ("Id", "Name", "Email", "Department", "ManagerId", "IsActive")
LEAD_COLUMNS = (
    "Id",
    "FirstName",
    "LastName",
    "Email",
    "Title",
    "Company",
    "Industry",
    "NumberOfEmployees",
    "AnnualRevenue",
    "Country",
    "LeadSource",
    "Status",
    "OwnerId",
    "IsConverted",
    "ConvertedDate",
    "CreatedDate",
    "LastModifiedDate",
    "IsDeleted",
)
TASK_COLUMNS = (
    "Id",
    "WhoId",
    "OwnerId",
    "Subject",
    "TaskSubtype",
    "CallDisposition",
    "CallDurationInSeconds",
    "Status",
    "ActivityDate",
    "CompletedDateTime",
    "CreatedDate",
    "LastModifiedDate",
    "IsDeleted",
)
HISTORY_COLUMNS = ("Id", "LeadId", "Field", "OldValue", "NewValue", "CreatedDate")


@dataclass(frozen=True)
class _Task:
    created: datetime
    lead_id: str
    rep_id: str
    subject: str
    subtype: str
    activity_date: date
    completed: datetime | None
    disposition: str = ""
    duration: int | None = None


def _flag(value: bool) -> str:
    return "true" if value else "false"


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict]) -> tuple[Path, int]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path, len(rows)


def _tasks(world: World) -> list[tuple[str, _Task]]:
    """Every CRM task (logged calls, logged emails, next steps) with its Id, in order of creation."""
    tasks = [
        _Task(
            c.logged_at,
            c.lead_id,
            c.rep_id,
            "Call",
            "Call",
            local(c.at, world.user(c.rep_id).offset_min).date(),
            c.logged_at,
            c.disposition,
            c.duration,
        )
        for c in world.calls
    ]
    tasks += [
        _Task(
            e.at,
            e.lead_id,
            e.rep_id,
            e.subject,
            "Email",
            local(e.at, world.user(e.rep_id).offset_min).date(),
            e.at,
        )
        for e in world.email_logs
    ]
    tasks += [_Task(s.created, s.lead_id, s.rep_id, s.subject, "Task", s.due, s.completed_at) for s in world.next_steps]
    tasks.sort(key=lambda t: (t.created, t.lead_id, t.subtype, t.subject))
    return [(ids.sf_id(ids.TASK, n), task) for n, task in enumerate(tasks, start=1)]


def _task_row(task_id: str, task: _Task, at: datetime, lead_deleted: datetime | None) -> dict:
    """The task as an export taken at `at` sees it; deleting a lead deletes its activities with it."""
    done = task.completed if task.completed and task.completed <= at else None
    deleted = lead_deleted if lead_deleted and lead_deleted <= at else None
    return {
        "Id": task_id,
        "WhoId": task.lead_id,
        "OwnerId": task.rep_id,
        "Subject": task.subject,
        "TaskSubtype": task.subtype,
        "CallDisposition": task.disposition,
        "CallDurationInSeconds": "" if task.duration is None else str(task.duration),
        "Status": "Completed" if done else "Not Started",
        "ActivityDate": sf_date(task.activity_date),
        "CompletedDateTime": sf_datetime(done) if done else "",
        "CreatedDate": sf_datetime(task.created),
        "LastModifiedDate": sf_datetime(deleted or done or task.created),
        "IsDeleted": _flag(deleted is not None),
    }


def _lead_row(lead: Lead, changes: list[Change], at: datetime) -> dict:
    """The lead as an export taken at `at` sees it."""
    seen = [c for c in changes if c.at <= at]
    status = next((c.new for c in reversed(seen) if c.field == "Status"), OPEN_NEW)
    later_owner = next((c for c in changes if c.field == "Owner" and c.at > at), None)
    deleted = lead.deleted_at is not None and lead.deleted_at <= at
    modified = max([lead.created, *(c.at for c in seen), *([lead.deleted_at] if deleted else [])])
    converted = status == CONVERTED and lead.converted_at is not None
    return {
        "Id": lead.lead_id,
        "FirstName": lead.first,
        "LastName": lead.last,
        "Email": lead.email,
        "Title": lead.title,
        "Company": lead.company,
        "Industry": lead.industry,
        "NumberOfEmployees": "" if lead.employees is None else str(lead.employees),
        "AnnualRevenue": "" if lead.revenue is None else str(lead.revenue),
        "Country": lead.country,
        "LeadSource": lead.source,
        "Status": status,
        "OwnerId": later_owner.old if later_owner else lead.owner_id,
        "IsConverted": _flag(converted),
        "ConvertedDate": lead.converted_at.date().isoformat() if converted and lead.converted_at else "",
        "CreatedDate": sf_datetime(lead.created),
        "LastModifiedDate": sf_datetime(modified),
        "IsDeleted": _flag(deleted),
    }


def _user_rows(world: World) -> list[dict]:
    return [
        {
            "Id": u.user_id,
            "Name": u.name,
            "Email": u.email,
            "Department": u.team,
            "ManagerId": u.manager_id or "",
            "IsActive": "true",
        }
        for u in world.users
    ]


def _history_row(history_id: str, change: Change) -> dict:
    return {
        "Id": history_id,
        "LeadId": change.lead_id,
        "Field": change.field,
        "OldValue": change.old,
        "NewValue": change.new,
        "CreatedDate": sf_datetime(change.at),
    }


def write_salesforce(world: World, out_dir: Path) -> list[tuple[Path, int]]:
    """User.csv, then Lead/Task/LeadHistory exports taken at the mid-period snapshot and at the end."""
    folder = out_dir / "salesforce"
    written = [write_csv(folder / "User.csv", USER_COLUMNS, _user_rows(world))]
    changes = sorted(world.changes, key=lambda c: (c.at, c.lead_id, c.field))
    history = [(ids.sf_id(ids.LEAD_HISTORY, n), change) for n, change in enumerate(changes, start=1)]
    by_lead: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_lead[change.lead_id].append(change)
    tasks = _tasks(world)
    deleted = {lead.lead_id: lead.deleted_at for lead in world.leads}
    for at in (world.snapshot, world.end):
        stamp = at.date().isoformat()
        rows = [_lead_row(lead, by_lead[lead.lead_id], at) for lead in world.leads if lead.created <= at]
        written.append(write_csv(folder / f"Lead_{stamp}.csv", LEAD_COLUMNS, rows))
        rows = [_task_row(task_id, task, at, deleted[task.lead_id]) for task_id, task in tasks if task.created <= at]
        written.append(write_csv(folder / f"Task_{stamp}.csv", TASK_COLUMNS, rows))
        rows = [_history_row(history_id, change) for history_id, change in history if change.at <= at]
        written.append(write_csv(folder / f"LeadHistory_{stamp}.csv", HISTORY_COLUMNS, rows))
    return written
