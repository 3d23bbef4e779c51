"""The peer's readers: the landing folder's Salesforce CSVs, mbox files and SendGrid bodies into DataFrames,
typed and filtered as the loader types and rejects them."""

import hashlib
import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import numpy as np
import pandas as pd

from tests.benchmarks.pandas_peer.common import PATTERNS, SEEDS

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
