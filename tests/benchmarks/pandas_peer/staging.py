"""The peer's staging: the dbt staging rules (latest versions, messages and events once), status spells, touches
and responses, in pandas."""


import pandas as pd


# --- staging -------------------------------------------------------------------------------------------------------
def columns(frame: pd.DataFrame, names: dict[str, str], times: tuple[str, ...] = ()) -> pd.DataFrame:
    """The fields the marts read, renamed; a field no export had is all null; `times` are datetimes even then."""
    picked = pd.DataFrame({new: frame.get(old) for old, new in names.items()}, index=frame.index)
    for column in times:
        picked[column] = pd.to_datetime(picked[column])
    return picked




def _trim_lower(values: pd.Series) -> pd.Series:
    """DuckDB's lower(trim(x)), which the pipeline matches addresses with (trim removes spaces only)."""
    return values.str.strip(" ").str.lower()


def _latest(frame: pd.DataFrame, key: str, order: list[str]) -> pd.DataFrame:
    """The last row per key by `order`: the latest version wins."""
    return frame.sort_values(order, kind="stable").drop_duplicates(key, keep="last")


def stage(frames: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """Latest versions of records, each message and recipient once, and the leads that exist at T."""
    users = columns(
        _latest(frames["users"], "Id", ["file_id", "row"]),
        {"Id": "user_id", "Name": "user_name", "Email": "email", "Department": "team"},
    )
    users["email"] = _trim_lower(users["email"])
    tasks = columns(
        _latest(frames["tasks"], "Id", ["LastModifiedDate", "file_id", "row"]),
        {
            "Id": "task_id",
            "WhoId": "lead_id",
            "OwnerId": "rep_id",
            "TaskSubtype": "subtype",
            "CallDisposition": "disposition",
            "Status": "status",
            "ActivityDate": "due_on",
            "CompletedDateTime": "completed_at",
            "CreatedDate": "created_at",
            "IsDeleted": "deleted",
        },
        times=("due_on", "completed_at", "created_at"),
    )
    tasks["subtype"] = _trim_lower(tasks["subtype"])
    tasks["is_completed"] = _trim_lower(tasks["status"]) == "completed"
    tasks["deleted"] = tasks["deleted"].fillna(False).astype(bool)
    tasks["touched_at"] = tasks["completed_at"].fillna(tasks["created_at"])
    messages = frames["messages"].sort_values(["file_id", "number"]).drop_duplicates("message_id")
    messages = messages.assign(from_email=_trim_lower(messages["from_address"]))[
        ["message_id", "from_email", "sent_at"]
    ]
    recipients = frames["recipients"].assign(recipient_email=_trim_lower(frames["recipients"]["address"]))
    recipients = recipients[["message_id", "recipient_email"]].drop_duplicates()
    leads = columns(
        _latest(frames["leads"], "Id", ["LastModifiedDate", "file_id", "row"]),
        {
            "Id": "lead_id",
            "OwnerId": "owner_id",
            "Email": "email",
            "FirstName": "first_name",
            "LastName": "last_name",
            "Company": "company",
            "LeadSource": "lead_source",
            "Status": "status",
            "CreatedDate": "created_at",
            "IsDeleted": "deleted",
        },
        times=("created_at",),
    )
    leads = leads[~leads["deleted"].fillna(False).astype(bool) & (leads["created_at"] <= as_of)].drop(columns="deleted")
    leads["email"] = _trim_lower(leads["email"])
    # DuckDB's nullif(trim(first || ' ' || last), ''), as the pipeline names a lead (trim removes spaces only)
    name = (leads["first_name"].fillna("").astype(str) + " " + leads["last_name"].fillna("").astype(str)).str.strip(" ")
    leads["lead_name"] = name.where(name != "")
    leads = leads.merge(users[["user_id", "user_name", "team"]], how="left", left_on="owner_id", right_on="user_id")
    leads = leads.drop(columns="user_id").rename(columns={"user_name": "owner_name"})
    return {"users": users, "tasks": tasks, "messages": messages, "recipients": recipients, "leads": leads}


def status_spells(history: pd.DataFrame, leads: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    """Each lead's status spells: before the first Status change its old value, without changes the current status;
    closed_since is where the unbroken run of closed spells a closed spell belongs to began."""
    changes = columns(
        _latest(history, "Id", ["file_id", "row"]),
        {
            "Id": "history_id",
            "LeadId": "lead_id",
            "Field": "field",
            "OldValue": "old_value",
            "NewValue": "new_value",
            "CreatedDate": "changed_at",
        },
        times=("changed_at",),
    )
    changes = changes[(changes["field"].str.lower() == "status") & changes["lead_id"].isin(leads["lead_id"])]
    changes = changes.sort_values(["lead_id", "changed_at", "history_id"])
    changes["spell_number"] = changes.groupby("lead_id").cumcount() + 1
    first = changes[changes["spell_number"] == 1].set_index("lead_id")["old_value"]
    has_changes = leads["lead_id"].isin(first.index)
    initial = pd.DataFrame(
        {
            "lead_id": leads["lead_id"],
            "spell_number": 0,
            "status": leads["lead_id"].map(first).where(has_changes, leads["status"]),
            "valid_from": leads["created_at"],
        }
    )
    later = changes.rename(columns={"new_value": "status", "changed_at": "valid_from"})
    spells = pd.concat([initial, later[initial.columns]], ignore_index=True)
    category = spells["status"].map(mapping.set_index("status")["status_category"]).fillna("open")
    spells = spells.assign(status_category=category, is_closed=category != "open")
    spells = spells.sort_values(["lead_id", "spell_number"], ignore_index=True)
    spells["open_spells"] = (~spells["is_closed"]).astype(int).groupby(spells["lead_id"]).cumsum()
    closed_from = spells["valid_from"].where(spells["is_closed"])
    run_start = closed_from.groupby([spells["lead_id"], spells["open_spells"]]).transform("min")
    return spells.assign(closed_since=run_start.where(spells["is_closed"]))


def touches_and_responses(
    staged: dict[str, pd.DataFrame], dispositions: pd.DataFrame, as_of: pd.Timestamp, params: dict
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Outbound touches at or before T (completed calls; messages from a rep's address, one per lead recipient
    however many users share the address; completed email tasks no such message within the match window stands
    for), and responses (connects; messages from the lead's address to a rep's address)."""
    leads, users, tasks, messages, recipients = (
        staged[k] for k in ("leads", "users", "tasks", "messages", "recipients")
    )
    completed = tasks[
        tasks["is_completed"]
        & ~tasks["deleted"]
        & tasks["lead_id"].isin(leads["lead_id"])
        & (tasks["touched_at"] <= as_of)
    ]
    connected = dispositions.assign(key=dispositions["call_disposition"].str.lower()).set_index("key")["is_connected"]
    calls = completed[completed["subtype"] == "call"]
    calls = calls.assign(channel="call", is_connect=_trim_lower(calls["disposition"]).map(connected).fillna(False))
    sent = messages[messages["sent_at"] <= as_of]
    message_touches = (
        sent.merge(users[["user_id", "email"]], left_on="from_email", right_on="email")
        .merge(recipients, on="message_id")
        .merge(leads[["lead_id", "email"]], left_on="recipient_email", right_on="email")
        .rename(columns={"user_id": "rep_id", "sent_at": "touched_at"})[
            ["message_id", "lead_id", "rep_id", "touched_at"]
        ]
    )
    email_tasks = _unmatched_email_tasks(completed, message_touches, params["email_task_match_minutes"])
    columns = ["lead_id", "touched_at", "channel", "is_connect"]
    touches = pd.concat(
        [
            calls[columns],
            message_touches.drop_duplicates(["message_id", "lead_id"]).assign(channel="email", is_connect=False)[
                columns
            ],
            email_tasks.assign(channel="email", is_connect=False)[columns],
        ],
        ignore_index=True,
    )
    to_rep = recipients.loc[recipients["recipient_email"].isin(users["email"].dropna()), "message_id"]
    replies = sent[sent["message_id"].isin(to_rep)].merge(
        leads[["lead_id", "email"]], left_on="from_email", right_on="email"
    )
    responses = pd.concat(
        [
            calls.loc[calls["is_connect"], ["lead_id", "touched_at"]].assign(is_reply=False),
            replies.rename(columns={"sent_at": "touched_at"})[["lead_id", "touched_at"]].assign(is_reply=True),
        ],
        ignore_index=True,
    ).rename(columns={"touched_at": "responded_at"})
    return touches, responses


def _unmatched_email_tasks(completed: pd.DataFrame, message_touches: pd.DataFrame, minutes: int) -> pd.DataFrame:
    """Completed email tasks with no message touch (same lead, same rep) at most `minutes` apart."""
    email_tasks = completed[completed["subtype"].isin(["email", "listemail"])]
    window = pd.Timedelta(minutes=minutes)
    pairs = email_tasks.reset_index().merge(message_touches, on=["lead_id", "rep_id"], suffixes=("", "_message"))
    matched = pairs.loc[(pairs["touched_at_message"] - pairs["touched_at"]).abs() <= window, "index"]
    return email_tasks[~email_tasks.index.isin(matched)]
