"""The pandas peer of the benchmark: the pandas script a competent analyst would write to get `lead_aging` and
`follow_up_coverage_daily` (METRICS.md) at an as-of time T from the landing folder. It is an independent
implementation: the benchmark compares its marts with the pipeline's cell for cell.

    .venv/bin/python tests/benchmarks/pandas_peer.py --landing DIR --as-of 2024-06-30T18:00:00 --out /tmp/peer.duckdb

Salesforce CSVs are read with `pd.read_csv(dtype=str)` and typed as the loader types them (a row with a value that
does not fit its field is dropped). Unlike the loader's csv module, pandas' tokenizer pads a row with too few fields
and keeps a stray quote, and an unterminated quote fails the whole file. SendGrid bodies are read with `json`, mbox
files split with a regex and their header blocks read line by line; dates and addresses are then parsed column-wise.
"""

import argparse
import hashlib
import json
import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "dbt_project" / "seeds"
PATTERNS = {"salesforce": ("*.csv",), "mailbox": ("*.mbox",), "sendgrid": ("*.json", "*.jsonl")}
DAY = pd.Timedelta(days=1)
MICROSECOND = pd.Timedelta(microseconds=1)


# --- the landing folder --------------------------------------------------------------------------------------------


def landed(landing: Path) -> dict[str, list[tuple[int, Path]]]:
    """(file_id, path) per source in load order: salesforce, mailbox, sendgrid, each in name order; files whose
    name or folder starts with a dot are still in flight."""

    def ready(path: Path, folder: Path) -> bool:
        return path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)

    found, file_id = {}, 0
    for source, patterns in PATTERNS.items():
        folder = landing / source
        paths = (
            {p for pattern in patterns for p in folder.rglob(pattern) if ready(p, folder)} if folder.is_dir() else set()
        )
        found[source] = [(file_id := file_id + 1, path) for path in sorted(paths)]
    return found


# --- Salesforce ----------------------------------------------------------------------------------------------------

# By file name prefix (longest first): the object, its required fields and the fields to type, kind by kind.
OBJECTS = {
    "LeadHistory": ("history", ("Id", "LeadId", "Field", "CreatedDate"), {"timestamp": ("CreatedDate",)}),
    "Lead": (
        "leads",
        ("Id", "Status", "OwnerId", "CreatedDate", "LastModifiedDate"),
        {
            "timestamp": ("CreatedDate", "LastModifiedDate"),
            "boolean": ("IsConverted", "IsDeleted"),
            "count": ("NumberOfEmployees",),
            "amount": ("AnnualRevenue",),
            "date": ("ConvertedDate",),
        },
    ),
    "Task": (
        "tasks",
        ("Id", "WhoId", "OwnerId", "Status", "CreatedDate", "LastModifiedDate"),
        {
            "timestamp": ("CompletedDateTime", "CreatedDate", "LastModifiedDate"),
            "boolean": ("IsDeleted",),
            "count": ("CallDurationInSeconds",),
            "date": ("ActivityDate",),
        },
    ),
    "User": ("users", ("Id", "Name"), {"boolean": ("IsActive",)}),
}
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def _python_timestamp(text: str):
    """datetime.fromisoformat as the loader applies it, as naive UTC (NaT when not ISO-8601)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return pd.NaT
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _per_value(values: pd.Series, parse) -> pd.Series:
    """`parse` applied once per distinct value: exports repeat their values a lot."""
    distinct = values.dropna().unique()
    return values.map(dict(zip(distinct, map(parse, distinct), strict=True)))


EXPORT_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z")


def to_timestamp(values: pd.Series) -> pd.Series:
    """The export's own format vectorised, anything else the way Python reads ISO-8601."""
    usual = values.str.fullmatch(EXPORT_FORMAT).fillna(False).astype(bool)
    fast = pd.to_datetime(values.where(usual), format="%Y-%m-%dT%H:%M:%S.%fZ", errors="coerce")
    rest = fast.isna() & values.notna()
    if rest.any():
        fast[rest] = pd.to_datetime(_per_value(values[rest], _python_timestamp))
    return fast


def _python_number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return np.nan


def _typed(kind: str, values: pd.Series) -> pd.Series:
    if kind == "timestamp":
        return to_timestamp(values)
    if kind == "date":
        return to_timestamp(values).dt.normalize()
    if kind == "boolean":
        return values.str.strip().str.lower().map(BOOLEANS)
    numbers = _per_value(values, _python_number).astype(float)
    if kind == "count":
        fits = np.isfinite(numbers) & (numbers == np.floor(numbers)) & (numbers >= 0) & (numbers < 2.0**63)
    else:
        fits = np.isfinite(numbers) & (numbers >= 0)
    return numbers.where(fits)


def read_export(path: Path, obj: str) -> pd.DataFrame | None:
    """One export typed, its bad rows dropped; None when the loader fails the whole file."""
    _, required, kinds = OBJECTS[obj]
    try:
        raw = pd.read_csv(
            path, dtype=str, header=None, keep_default_na=False, on_bad_lines="skip", encoding="utf-8-sig"
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    header = raw.iloc[0].str.strip()
    if header.duplicated().any() or not set(required) <= set(header):
        return None
    frame = raw.iloc[1:].set_axis(header, axis=1).replace("", None).reset_index(drop=True)
    fits = frame[list(required)].notna().all(axis=1)
    for kind, columns in kinds.items():
        for column in (c for c in columns if c in frame):
            typed = _typed(kind, frame[column])
            fits &= frame[column].isna() | typed.notna()
            frame[column] = typed
    return frame[fits]


def read_salesforce(files: list[tuple[int, Path]]) -> dict[str, pd.DataFrame]:
    """Every object's rows with file_id and row (their order in the file), declared fields missing as null."""
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name, _, _ in OBJECTS.values()}
    for file_id, path in files:
        obj = next((name for name in OBJECTS if path.name.startswith(name)), None)
        frame = read_export(path, obj) if obj else None
        if frame is not None:
            parts[OBJECTS[obj][0]].append(frame.assign(file_id=file_id, row=np.arange(len(frame))))
    empty = {name: pd.DataFrame(columns=[*required, "file_id", "row"]) for name, required, _ in OBJECTS.values()}
    return {name: pd.concat(frames, ignore_index=True) if frames else empty[name] for name, frames in parts.items()}


def _columns(frame: pd.DataFrame, names: dict[str, str], times: tuple[str, ...] = ()) -> pd.DataFrame:
    """The fields the marts read, renamed; a field no export had is all null; `times` are datetimes even then."""
    picked = pd.DataFrame({new: frame.get(old) for old, new in names.items()}, index=frame.index)
    for column in times:
        picked[column] = pd.to_datetime(picked[column])
    return picked


# --- mbox ----------------------------------------------------------------------------------------------------------

SEPARATOR = re.compile(rb"^From [^\n]*\n", re.MULTILINE)
HEADER_LINE = re.compile(r"[\x21-\x39\x3b-\x7e]*:|[ \t]")
LINE_END = re.compile(r"\r\n|\r|\n")
HEADER_END = re.compile(r"(?>\r\n|\r|\n)(?>\r\n|\r|\n)")
WANTED = {"message-id", "date", "from", "to", "cc", "in-reply-to"}


def _header_block(raw: bytes) -> list[tuple[str, str]]:
    """(lower-case name, unfolded value) of the wanted headers: lines up to the first blank line or the first line
    that is neither a header nor a continuation; bytes are read as latin-1 (addresses and dates are ASCII)."""
    text = raw.decode("latin-1")
    end = HEADER_END.search(text)
    headers: list[list[str]] = []
    for line in LINE_END.split(text[: end.end() if end else None]):
        if not HEADER_LINE.match(line):
            break
        if line[0] in " \t":
            if headers:
                headers[-1].append(line)
            continue
        headers.append([line])
    pairs = ("".join(lines).split(":", 1) for lines in headers)
    return [(name.lower(), value.strip()) for name, value in pairs if name.lower() in WANTED]


def _mbox_rows(file_id: int, data: bytes) -> tuple[list[tuple], list[tuple]]:
    """Messages (file, number, header values, digest when it has no Message-ID) and To/Cc header values. A file
    that does not start with a "From " line is not an mbox and gives nothing."""
    if not data.startswith(b"From "):
        return [], []
    messages, addressed = [], []
    for number, chunk in enumerate(SEPARATOR.split(data)[1:], start=1):
        raw = chunk.removesuffix(b"\n")
        first: dict[str, str] = {}
        for name, value in _header_block(raw):
            if name in ("to", "cc"):
                addressed.append((file_id, number, name, value))
            else:
                first.setdefault(name, value)
        digest = None if without_brackets(first.get("message-id")) else hashlib.sha256(raw).hexdigest()[:32]
        messages.append(
            (
                file_id,
                number,
                first.get("message-id"),
                first.get("date"),
                first.get("from"),
                first.get("in-reply-to"),
                digest,
            )
        )
    return messages, addressed


def without_brackets(value: str | None) -> str | None:
    return (value.strip().strip("<>").strip() or None) if value is not None else None


def address_list(values: pd.Series) -> pd.Series:
    """The addresses of address-list header values, one row per address (index kept): quoted display names and
    comments are not addresses; in each comma-separated piece a group's "name:" and anything after ";" are not
    either; the address is the first <...> unless an addr-spec comes before it, else the first word."""
    cleaned = (
        values.dropna()
        .str.replace(r'"(?:[^"\\]|\\.)*"', "Q", regex=True)
        .str.replace(r'".*$', "", regex=True)
        .str.replace(r"\((?:[^()]|\([^()]*\))*\)", " ", regex=True)
        .str.replace(r"\s*@\s*", "@", regex=True)
    )
    pieces = cleaned.str.split(",").explode()
    pieces = pieces.str.replace(r"^[^<>@]*:", "", regex=True).str.replace(r";.*$", "", regex=True)
    before_angle = pieces.str.split("<", n=1).str[0]
    angled = pieces.str.contains("<", regex=False) & ~before_angle.str.contains("@", regex=False)
    inside = pieces.str.extract(r"<([^>]*)", expand=False).str.replace(r"^@[^:]*:", "", regex=True)
    word = pieces.str.strip().str.extract(r"^(\S*)", expand=False).str.strip("<>")
    addresses = inside.where(angled, word).str.strip()
    return addresses[addresses.notna() & (addresses != "")]


def _python_date(text: str):
    """email.utils.parsedate_to_datetime as the loader applies it, as naive UTC (NaT when unreadable)."""
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return pd.NaT
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


USUAL_DATE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d [+-](?:[01]\d|2[0-3])[0-5]\d"
)


def to_sent_at(dates: pd.Series) -> pd.Series:
    """RFC 2822 dates: the usual form vectorised, obsolete forms the way Python's email package reads them."""
    usual = dates.str.fullmatch(USUAL_DATE).fillna(False).astype(bool)
    fast = pd.to_datetime(dates.where(usual), format="%a, %d %b %Y %H:%M:%S %z", errors="coerce", utc=True)
    fast = fast.dt.tz_localize(None)
    rest = fast.isna() & dates.notna()
    if rest.any():
        fast[rest] = pd.to_datetime(_per_value(dates[rest], _python_date))
    return fast


def read_mailbox(files: list[tuple[int, Path]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Messages (rejected when the Date is unreadable or the From has no address) and their recipients."""
    messages, addressed = [], []
    for file_id, path in files:
        rows, recipients = _mbox_rows(file_id, path.read_bytes())
        messages += rows
        addressed += recipients
    columns = ["file_id", "number", "message_id", "date", "from", "in_reply_to", "digest"]
    frame = pd.DataFrame(messages, columns=columns)
    frame["message_id"] = (
        frame["message_id"]
        .map(without_brackets, na_action="ignore")
        .fillna("sha256-" + frame["digest"] + "@radar.invalid")
    )
    frame["sent_at"] = to_sent_at(frame["date"])
    frame["from_address"] = address_list(frame["from"]).groupby(level=0).first()
    frame = frame[frame["sent_at"].notna() & frame["from_address"].notna()]
    headers = pd.DataFrame(addressed, columns=["file_id", "number", "recipient_type", "value"])
    headers = headers.merge(frame[["file_id", "number", "message_id"]], on=["file_id", "number"])
    recipients = headers.join(address_list(headers["value"]).rename("address"), how="inner")
    return frame, recipients[["file_id", "number", "message_id", "recipient_type", "address"]]


# --- SendGrid ------------------------------------------------------------------------------------------------------


def _events(path: Path) -> list:
    """A `.json` POST body (its file fails unless it is one JSON array), or one event per `.jsonl` line (an
    unreadable line is a rejected event)."""
    try:
        text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        if path.suffix == ".jsonl":
            return [_json_or_none(line) for line in text.split("\n") if line.strip()]
        body = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return []
    return body if isinstance(body, list) else []


def _json_or_none(line: str):
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None


def _event_row(file_id: int, row: int, event) -> tuple | None:
    """The loader's rules: required strings sg_event_id, email and event; optional strings sg_message_id and
    smtp-id; timestamp in Unix seconds."""
    if not isinstance(event, dict):
        return None
    required = [event.get(name) for name in ("sg_event_id", "email", "event")]
    message_id, smtp_id = event.get("sg_message_id"), event.get("smtp-id")
    if not all(isinstance(text, str) and text for text in required):
        return None
    if not all(text is None or isinstance(text, str) for text in (message_id, smtp_id)):
        return None
    seconds = event.get("timestamp")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds < 253402300800:
        return None
    return file_id, row, *required, message_id or None, smtp_id.strip().strip("<>") if smtp_id else None, seconds


def read_sendgrid(files: list[tuple[int, Path]]) -> pd.DataFrame:
    """Events as loaded. Neither headline mart reads them (bounces only flag touches); they are read because the
    pipeline reads them."""
    rows = [
        row
        for file_id, path in files
        for number, event in enumerate(_events(path), start=1)
        if (row := _event_row(file_id, number, event)) is not None
    ]
    columns = ["file_id", "row", "sg_event_id", "email", "event", "sg_message_id", "smtp_id", "timestamp"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["event_at"] = pd.to_datetime(frame.pop("timestamp"), unit="s")
    return frame


# --- loading -------------------------------------------------------------------------------------------------------


def load(landing: Path) -> dict[str, pd.DataFrame]:
    """The landing folder as typed frames, with the rows the loader rejects left out, plus the seeds."""
    files = landed(Path(landing))
    frames = read_salesforce(files["salesforce"])
    frames["messages"], frames["recipients"] = read_mailbox(files["mailbox"])
    frames["events"] = read_sendgrid(files["sendgrid"])
    frames["status_mapping"] = pd.read_csv(SEEDS / "lead_status_mapping.csv", dtype=str, keep_default_na=False)
    dispositions = pd.read_csv(SEEDS / "call_disposition_mapping.csv", dtype=str, keep_default_na=False)
    frames["dispositions"] = dispositions.assign(is_connected=dispositions["is_connected"].str.lower() == "true")
    return frames


# --- staging -------------------------------------------------------------------------------------------------------


def _trim_lower(values: pd.Series) -> pd.Series:
    """DuckDB's lower(trim(x)), which the pipeline matches addresses with (trim removes spaces only)."""
    return values.str.strip(" ").str.lower()


def _latest(frame: pd.DataFrame, key: str, order: list[str]) -> pd.DataFrame:
    """The last row per key by `order`: the latest version wins."""
    return frame.sort_values(order, kind="stable").drop_duplicates(key, keep="last")


def stage(frames: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """Latest versions of records, each message and recipient once, and the leads that exist at T."""
    users = _columns(
        _latest(frames["users"], "Id", ["file_id", "row"]),
        {"Id": "user_id", "Name": "user_name", "Email": "email", "Department": "team"},
    )
    users["email"] = _trim_lower(users["email"])
    tasks = _columns(
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
    leads = _columns(
        _latest(frames["leads"], "Id", ["LastModifiedDate", "file_id", "row"]),
        {
            "Id": "lead_id",
            "OwnerId": "owner_id",
            "Email": "email",
            "Status": "status",
            "CreatedDate": "created_at",
            "IsDeleted": "deleted",
        },
        times=("created_at",),
    )
    leads = leads[~leads["deleted"].fillna(False).astype(bool) & (leads["created_at"] <= as_of)].drop(columns="deleted")
    leads["email"] = _trim_lower(leads["email"])
    leads = leads.merge(users[["user_id", "user_name", "team"]], how="left", left_on="owner_id", right_on="user_id")
    leads = leads.drop(columns="user_id").rename(columns={"user_name": "owner_name"})
    return {"users": users, "tasks": tasks, "messages": messages, "recipients": recipients, "leads": leads}


def status_spells(history: pd.DataFrame, leads: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    """Each lead's status spells: before the first Status change its old value, without changes the current status;
    closed_since is where the unbroken run of closed spells a closed spell belongs to began."""
    changes = _columns(
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


# --- marts ---------------------------------------------------------------------------------------------------------


def milliseconds(start: pd.Series, end: pd.Series) -> pd.Series:
    """Whole milliseconds from start to end, as the pipeline's datediff('millisecond') counts them (null if either
    is null)."""
    known = start.notna() & end.notna()
    as_ms = [t.where(known, pd.Timestamp(0)).astype("datetime64[ms]").astype("int64") for t in (start, end)]
    return (as_ms[1] - as_ms[0]).astype(float).where(known)


def floor_days(start: pd.Series, end: pd.Series) -> pd.Series:
    return np.floor(milliseconds(start, end) / 86_400_000)


def follow_up_state(is_closed, touches, last_touch_at, created_at, has_responded, snapshot, params) -> np.ndarray:
    """METRICS.md follow_up_state at snapshot time(s) `snapshot`: the first rule that matches."""
    sla = pd.Timedelta(hours=params["first_touch_sla_hours"])
    cadence = pd.Timedelta(days=params["cadence_days"])
    untouched = touches == 0
    return np.select(
        [
            is_closed,
            untouched & (created_at + sla > snapshot),
            untouched,
            last_touch_at + cadence > snapshot,
            (touches >= params["max_attempts"]) & ~has_responded,
        ],
        ["closed", "new", "never_touched", "active", "exhausted"],
        "stale",
    )


def aging_bucket(age_days: pd.Series, edges: list[int]) -> pd.Series:
    labels = [f"{0 if i == 0 else edges[i - 1] + 1}-{edge}d" for i, edge in enumerate(edges)] + [f"{edges[-1]}d+"]
    return pd.Series(np.array(labels)[np.searchsorted(edges, age_days.to_numpy(), side="left")], index=age_days.index)


def _touch_counts(touches: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    counts = (
        touches.assign(calls=touches["channel"] == "call", emails=touches["channel"] == "email")
        .groupby("lead_id")
        .agg(
            touches=("touched_at", "size"),
            calls=("calls", "sum"),
            connects=("is_connect", "sum"),
            emails=("emails", "sum"),
            first_touch_at=("touched_at", "min"),
            last_touch_at=("touched_at", "max"),
        )
    )
    answered = responses.groupby("lead_id").agg(responses=("is_reply", "size"), replies=("is_reply", "sum"))
    return counts.join(answered, how="outer")


def _next_steps(tasks: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Tasks not completed by T (and created by then), due on their activity date."""
    today = as_of.normalize()
    steps = tasks[
        ~tasks["deleted"]
        & (tasks["created_at"] <= as_of)
        & tasks["due_on"].notna()
        & (~tasks["is_completed"] | (tasks["touched_at"] > as_of))
    ]
    return pd.DataFrame(
        {
            "next_step_due_on": steps[steps["due_on"] >= today].groupby("lead_id")["due_on"].min(),
            "overdue_next_steps": steps[steps["due_on"] < today].groupby("lead_id").size(),
        }
    )


def _lead_facts(staged, spells, touches, responses, as_of: pd.Timestamp) -> pd.DataFrame:
    """Each lead with its status at T (the latest spell started by then), touch and response counts, next steps."""
    status = spells[spells["valid_from"] <= as_of].sort_values("spell_number").drop_duplicates("lead_id", keep="last")
    frame = (
        staged["leads"]
        .merge(status[["lead_id", "status_category", "is_closed", "closed_since"]], on="lead_id", how="left")
        .merge(_touch_counts(touches, responses), left_on="lead_id", right_index=True, how="left")
        .merge(_next_steps(staged["tasks"], as_of), left_on="lead_id", right_index=True, how="left")
    )
    for column in ("touches", "calls", "connects", "emails", "replies", "responses", "overdue_next_steps"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["is_closed"] = frame["is_closed"].fillna(False).astype(bool)
    frame["status_category"] = frame["status_category"].fillna("open")
    frame["has_responded"] = frame["responses"] > 0
    return frame


def lead_aging(staged, spells, touches, responses, as_of: pd.Timestamp, params: dict) -> pd.DataFrame:
    frame = _lead_facts(staged, spells, touches, responses, as_of)
    at_t = pd.Series(as_of, index=frame.index)
    frame["age_days"] = floor_days(frame["created_at"], frame["closed_since"].where(frame["is_closed"], at_t))
    frame["follow_up_state"] = follow_up_state(
        frame["is_closed"],
        frame["touches"],
        frame["last_touch_at"],
        frame["created_at"],
        frame["has_responded"],
        as_of,
        params,
    )
    return pd.DataFrame(
        {
            "lead_id": frame["lead_id"],
            "owner_id": frame["owner_id"],
            "owner_name": frame["owner_name"],
            "team": frame["team"],
            "created_at": frame["created_at"],
            "status_category": frame["status_category"],
            "is_open": ~frame["is_closed"],
            "closed_at": frame["closed_since"].where(frame["is_closed"]),
            "age_days": frame["age_days"],
            "aging_bucket": aging_bucket(frame["age_days"], params["aging_bucket_edges"]),
            "touches": frame["touches"],
            "calls": frame["calls"],
            "connects": frame["connects"],
            "emails": frame["emails"],
            "replies": frame["replies"],
            "follow_ups": (frame["touches"] - 1).clip(lower=0),
            "first_touch_at": frame["first_touch_at"],
            "last_touch_at": frame["last_touch_at"],
            "hours_to_first_touch": milliseconds(frame["created_at"], frame["first_touch_at"]) / 3_600_000,
            "days_since_last_touch": floor_days(frame["last_touch_at"], at_t),
            "has_responded": frame["has_responded"],
            "next_step_due_on": frame["next_step_due_on"],
            "overdue_next_steps": frame["overdue_next_steps"],
            "follow_up_state": frame["follow_up_state"],
            "is_neglected": pd.Series(frame["follow_up_state"]).isin(["never_touched", "stale"]).to_numpy(),
        }
    )


def snapshot_day(when: pd.Series) -> pd.Series:
    """The day D of the first daily snapshot s = D + 1 day (00:00 UTC) at or after `when`."""
    return (when - MICROSECOND).dt.normalize()


def state_runs(leads, spells, touches, responses, last_day: pd.Timestamp, params: dict) -> pd.DataFrame:
    """Each lead's follow-up state over days as runs [day, next_day). The state can only change on the day an
    instant is first seen at a snapshot: a touch (and its cadence lapsing), the SLA expiring, the first response, a
    status spell starting; instants before the lead's first day count from that day."""
    counted = leads.assign(first_day=leads["created_at"].dt.normalize())
    counted = counted[counted["first_day"] <= last_day]
    cadence = pd.Timedelta(days=params["cadence_days"])
    first_response = responses.groupby("lead_id", as_index=False)["responded_at"].min()
    instants = pd.concat(
        [
            pd.DataFrame(
                {
                    "lead_id": touches["lead_id"],
                    "day": snapshot_day(touches["touched_at"]),
                    "touches": 1,
                    "touched_at": touches["touched_at"],
                }
            ),
            pd.DataFrame({"lead_id": touches["lead_id"], "day": snapshot_day(touches["touched_at"] + cadence)}),
            pd.DataFrame(
                {
                    "lead_id": counted["lead_id"],
                    "day": snapshot_day(counted["created_at"] + pd.Timedelta(hours=params["first_touch_sla_hours"])),
                }
            ),
            pd.DataFrame(
                {
                    "lead_id": first_response["lead_id"],
                    "day": snapshot_day(first_response["responded_at"]),
                    "responded": True,
                }
            ),
            pd.DataFrame(
                {
                    "lead_id": spells["lead_id"],
                    "day": snapshot_day(spells["valid_from"]),
                    "spell_number": spells["spell_number"],
                    "is_closed": spells["is_closed"],
                }
            ),
        ],
        ignore_index=True,
    )
    instants = instants.merge(counted[["lead_id", "owner_id", "created_at", "first_day"]], on="lead_id")
    instants["day"] = instants["day"].where(instants["day"] > instants["first_day"], instants["first_day"])
    instants = instants[instants["day"] <= last_day].sort_values(["lead_id", "day", "spell_number"])
    days = instants.groupby(["lead_id", "day"], as_index=False).agg(
        owner_id=("owner_id", "first"),
        created_at=("created_at", "first"),
        touches=("touches", "sum"),
        last_touched_at=("touched_at", "max"),
        is_closed=("is_closed", "last"),
        responded=("responded", "any"),
    )
    by_lead = days.groupby("lead_id")
    last_touch_at = days["last_touched_at"].groupby(days["lead_id"]).cummax().groupby(days["lead_id"]).ffill()
    days["state"] = follow_up_state(
        by_lead["is_closed"].ffill().astype(bool).to_numpy(),
        by_lead["touches"].cumsum().to_numpy(),
        last_touch_at,
        days["created_at"],
        by_lead["responded"].cummax().astype(bool).to_numpy(),
        days["day"] + DAY,
        params,
    )
    days["next_day"] = by_lead["day"].shift(-1).fillna(last_day + DAY)
    return days[["lead_id", "owner_id", "day", "next_day", "state"]]


def follow_up_coverage_daily(runs: pd.DataFrame, users: pd.DataFrame, last_day: pd.Timestamp) -> pd.DataFrame:
    """Per (day, owner) the leads in each state: a run adds its lead from its first day and removes it on the day
    after its last, so the counts are running sums over each owner's days."""
    starts = runs[["owner_id", "day", "state"]].assign(delta=1)
    ends = runs.loc[runs["next_day"] <= last_day, ["owner_id", "next_day", "state"]].rename(columns={"next_day": "day"})
    changes = pd.concat([starts, ends.assign(delta=-1)], ignore_index=True)
    states = ["new", "never_touched", "active", "stale", "exhausted"]
    per_day = changes.pivot_table(
        index=["owner_id", "day"], columns="state", values="delta", aggfunc="sum", fill_value=0
    )
    per_day = per_day.reindex(columns=states, fill_value=0)
    first_days = runs.groupby("owner_id")["day"].min()
    grid = pd.MultiIndex.from_tuples(
        [(owner, day) for owner, first in first_days.items() for day in pd.date_range(first, last_day, freq="D")],
        names=["owner_id", "day"],
    )
    counts = per_day.reindex(grid, fill_value=0).groupby(level="owner_id").cumsum().reset_index()
    due = counts["never_touched"] + counts["active"] + counts["stale"]
    owners = users.set_index("user_id")
    return pd.DataFrame(
        {
            "day": counts["day"],
            "owner_id": counts["owner_id"],
            "owner_name": counts["owner_id"].map(owners["user_name"]),
            "team": counts["owner_id"].map(owners["team"]),
            "open_leads": counts[states].sum(axis=1),
            "due_leads": due,
            "covered_leads": counts["active"],
            "never_touched_leads": counts["never_touched"],
            "stale_leads": counts["stale"],
            "exhausted_leads": counts["exhausted"],
            "new_leads": counts["new"],
            "follow_up_coverage": (counts["active"] / due).where(due > 0),
        }
    )


def parameters() -> dict:
    """The metric parameters, from where the pipeline configures them (dbt_project.yml vars)."""
    return yaml.safe_load((ROOT / "dbt_project" / "dbt_project.yml").read_text())["vars"]


def marts(frames: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    params = parameters()
    staged = stage(frames, as_of)
    spells = status_spells(frames["history"], staged["leads"], frames["status_mapping"])
    touches, responses = touches_and_responses(staged, frames["dispositions"], as_of, params)
    last_day = as_of.normalize() - DAY
    runs = state_runs(staged["leads"], spells, touches, responses, last_day, params)
    return (
        lead_aging(staged, spells, touches, responses, as_of, params),
        follow_up_coverage_daily(runs, staged["users"], last_day),
    )


# The marts' column types, as the pipeline declares them.
TYPES = {
    "lead_aging": {
        "lead_id": "varchar",
        "owner_id": "varchar",
        "owner_name": "varchar",
        "team": "varchar",
        "created_at": "timestamp",
        "status_category": "varchar",
        "is_open": "boolean",
        "closed_at": "timestamp",
        "age_days": "integer",
        "aging_bucket": "varchar",
        "touches": "integer",
        "calls": "integer",
        "connects": "integer",
        "emails": "integer",
        "replies": "integer",
        "follow_ups": "integer",
        "first_touch_at": "timestamp",
        "last_touch_at": "timestamp",
        "hours_to_first_touch": "double",
        "days_since_last_touch": "integer",
        "has_responded": "boolean",
        "next_step_due_on": "date",
        "overdue_next_steps": "integer",
        "follow_up_state": "varchar",
        "is_neglected": "boolean",
    },
    "follow_up_coverage_daily": {
        "day": "date",
        "owner_id": "varchar",
        "owner_name": "varchar",
        "team": "varchar",
        "open_leads": "integer",
        "due_leads": "integer",
        "covered_leads": "integer",
        "never_touched_leads": "integer",
        "stale_leads": "integer",
        "exhausted_leads": "integer",
        "new_leads": "integer",
        "follow_up_coverage": "double",
    },
}


def write(out: Path, tables: dict[str, pd.DataFrame]) -> None:
    for stale in (out, Path(f"{out}.wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(out))
    try:
        for name, frame in tables.items():
            casts = ", ".join(f'"{column}"::{kind} as "{column}"' for column, kind in TYPES[name].items())
            con.register("frame", frame)
            con.execute(f"create table {name} as select {casts} from frame")
            con.unregister("frame")
    finally:
        con.close()


def run_pandas(landing: Path, as_of: datetime, out: Path) -> dict:
    """Both marts at `as_of` into the DuckDB file `out` (tables lead_aging, follow_up_coverage_daily); returns the
    seconds each phase took (marts includes writing them, as the floor's does)."""
    as_of = pd.Timestamp(as_of.astimezone(UTC).replace(tzinfo=None) if as_of.tzinfo else as_of)
    started = time.perf_counter()
    frames = load(Path(landing))
    loaded = time.perf_counter()
    aging, coverage = marts(frames, as_of)
    write(Path(out), {"lead_aging": aging, "follow_up_coverage_daily": coverage})
    return {"load": loaded - started, "marts": time.perf_counter() - loaded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--as-of", type=datetime.fromisoformat, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    for phase, seconds in run_pandas(args.landing, args.as_of, args.out).items():
        print(f"{phase}: {seconds:.3f} s")


if __name__ == "__main__":
    main()
