"""The demo-data generator: real file formats, reproducible, and the behaviour the marts must reveal."""

import csv
import hashlib
import json
import mailbox
import statistics
from bisect import bisect_right
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

import pytest

from ingest.demo import DEFAULT_DAYS, DEFAULT_LEADS, DEFAULT_REPS, DemoResult, write_demo

END = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
SMALL = {"leads": 160, "reps": 4, "days": 30}
COLUMNS = {
    "User": ["Id", "Name", "Email", "Department", "ManagerId", "IsActive"],
    "Lead": [
        "Id", "FirstName", "LastName", "Email", "Title", "Company", "Industry", "NumberOfEmployees",
        "AnnualRevenue", "Country", "LeadSource", "Status", "OwnerId", "IsConverted", "ConvertedDate",
        "CreatedDate", "LastModifiedDate", "IsDeleted",
    ],
    "Task": [
        "Id", "WhoId", "OwnerId", "Subject", "TaskSubtype", "CallDisposition", "CallDurationInSeconds",
        "Status", "ActivityDate", "CompletedDateTime", "CreatedDate", "LastModifiedDate", "IsDeleted",
    ],
    "LeadHistory": ["Id", "LeadId", "Field", "OldValue", "NewValue", "CreatedDate"],
}  # fmt: skip
OPEN = {"Open - Not Contacted", "Working - Contacted"}
CONNECTED = {"Connected", "Conversation", "Meeting Booked"}


def _at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _export(out: Path, name: str, end: datetime) -> list[dict]:
    return _csv(out / "salesforce" / f"{name}_{end.date().isoformat()}.csv")[1]


def _messages(out: Path) -> dict[str, dict]:
    """Every mailbox message once (a Cc'd copy has the same Message-ID), with UTC time and addresses."""
    found = {}
    for path in sorted((out / "mailbox").glob("*.mbox")):
        for message in mailbox.mbox(path):
            sent = parsedate_to_datetime(message["Date"])
            found[message["Message-ID"]] = {
                "at": sent.astimezone(UTC),
                "offset": sent.utcoffset(),
                "from": parseaddr(message["From"])[1].lower(),
                "to": parseaddr(message["To"])[1].lower(),
            }
    return found


def _events(out: Path) -> list[dict]:
    events = []
    for path in sorted((out / "sendgrid").iterdir()):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".jsonl":
            events += [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            events += json.loads(text)
    return events


def _hashes(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


class Floor:
    """The final exports read back: each lead's outbound touches and responses (METRICS.md, roughly)."""

    def __init__(self, out: Path, end: datetime, messages: dict[str, dict]):
        users = _csv(out / "salesforce" / "User.csv")[1]
        self.rep_email = {u["Id"]: u["Email"].lower() for u in users}
        self.team = {u["Id"]: u["Department"] for u in users}
        self.leads = [row for row in _export(out, "Lead", end) if row["IsDeleted"] == "false"]
        self.created = {lead["Id"]: _at(lead["CreatedDate"]) for lead in self.leads}
        self.statuses: dict[str, list[tuple[datetime, str, str]]] = defaultdict(list)
        for row in _export(out, "LeadHistory", end):
            if row["Field"] == "Status":
                self.statuses[row["LeadId"]].append((_at(row["CreatedDate"]), row["OldValue"], row["NewValue"]))
        self.touches: dict[str, list[datetime]] = defaultdict(list)
        self.responses: dict[str, list[datetime]] = defaultdict(list)
        self._collect(_export(out, "Task", end), messages)
        for times in (*self.touches.values(), *self.responses.values(), *self.statuses.values()):
            times.sort()

    def _collect(self, tasks: list[dict], messages: dict[str, dict]) -> None:
        by_address = {lead["Email"].lower(): lead["Id"] for lead in self.leads}
        reps = {email: rep_id for rep_id, email in self.rep_email.items()}
        sent: dict[tuple[str, str], list[datetime]] = defaultdict(list)
        for message in messages.values():
            if message["from"] in reps and message["to"] in by_address:
                sent[(by_address[message["to"]], reps[message["from"]])].append(message["at"])
                self.touches[by_address[message["to"]]].append(message["at"])
            elif message["from"] in by_address and message["to"] in reps:
                self.responses[by_address[message["from"]]].append(message["at"])
        for task in tasks:
            if task["Status"] != "Completed" or task["TaskSubtype"] not in ("Call", "Email"):
                continue
            at = _at(task["CompletedDateTime"])
            if task["TaskSubtype"] == "Call":
                self.touches[task["WhoId"]].append(at)
                if task["CallDisposition"] in CONNECTED:
                    self.responses[task["WhoId"]].append(at)
            elif all(abs(at - m) > timedelta(minutes=10) for m in sent[(task["WhoId"], task["OwnerId"])]):
                self.touches[task["WhoId"]].append(at)

    def is_open(self, lead_id: str, current: str, s: datetime) -> bool:
        changes = self.statuses[lead_id]
        status = changes[0][1] if changes else current
        for at, _, new in changes:
            if at <= s:
                status = new
        return status in OPEN

    def coverage(self, owners: set[str], s: datetime) -> tuple[int, int]:
        """(covered, due) at snapshot `s`: open leads past the first-touch SLA, not exhausted."""
        covered = due = 0
        for lead in self.leads:
            lead_id, created = lead["Id"], self.created[lead["Id"]]
            if lead["OwnerId"] not in owners or created >= s or not self.is_open(lead_id, lead["Status"], s):
                continue
            touches = self.touches[lead_id][: bisect_right(self.touches[lead_id], s)]
            if not touches and s - created < timedelta(hours=24):
                continue
            active = bool(touches) and s - touches[-1] < timedelta(days=7)
            responded = bool(self.responses[lead_id]) and self.responses[lead_id][0] <= s
            if not active and len(touches) >= 8 and not responded:
                continue
            due += 1
            covered += active
        return covered, due

    def daily(self, owners: set[str], days: list[date]) -> list[float]:
        """Coverage of each day, taken at the midnight that closes it."""
        ratios = []
        for day in days:
            covered, due = self.coverage(owners, datetime.combine(day + timedelta(days=1), time(), UTC))
            ratios.append(covered / due if due else 1.0)
        return ratios


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, DemoResult]:
    out = tmp_path_factory.mktemp("demo")
    return out, write_demo(out, end=END)


@pytest.fixture(scope="module")
def messages(demo) -> dict[str, dict]:
    return _messages(demo[0])


@pytest.fixture(scope="module")
def events(demo) -> list[dict]:
    return _events(demo[0])


@pytest.fixture(scope="module")
def floor(demo, messages) -> Floor:
    return Floor(demo[0], END, messages)


def test_same_arguments_give_byte_identical_files_and_another_seed_does_not(tmp_path):
    first = write_demo(tmp_path / "a", **SMALL, seed=3, end=END)
    write_demo(tmp_path / "b", **SMALL, seed=3, end=END)
    write_demo(tmp_path / "c", **SMALL, seed=4, end=END)
    assert _hashes(tmp_path / "a") == _hashes(tmp_path / "b")
    assert _hashes(tmp_path / "a") != _hashes(tmp_path / "c")
    assert first.files == sorted(p for p in (tmp_path / "a").rglob("*") if p.is_file())


def test_defaults_are_a_modest_sales_floor_whose_rep_weeks_are_reportable(demo):
    """About 40 leads per rep and week: enough for a rep's week to be a reportable cell of the scorecard (30
    unanswered leads, min_cell_n), small enough to run in seconds."""
    out, result = demo
    assert (DEFAULT_REPS, DEFAULT_DAYS) == (8, 90) and 3000 <= DEFAULT_LEADS <= 5000
    assert len(_export(out, "Lead", END)) == DEFAULT_LEADS
    assert sum(result.rows.values()) < 100_000
    assert result.end == END and result.incident_start == END - timedelta(days=7)


def test_csv_exports_have_exactly_the_documented_columns(demo):
    out, _ = demo
    for path in sorted((out / "salesforce").glob("*.csv")):
        header, rows = _csv(path)
        assert header == COLUMNS[path.stem.split("_")[0]], path.name
        assert rows, path.name
        assert path.read_text(encoding="utf-8").startswith('"Id",'), "Salesforce quotes every field"


def test_every_mbox_message_and_sendgrid_event_parses(demo, events):
    out, _ = demo
    for path in sorted((out / "mailbox").glob("*.mbox")):
        for message in mailbox.mbox(path):
            assert message["Message-ID"].endswith("@mail.example.com>")
            assert parsedate_to_datetime(message["Date"]).tzinfo is not None
            assert message.get_payload() and message["From"] and message["To"]
    assert all(e["sg_event_id"] and e["smtp-id"].startswith("<") and e["rep_id"] for e in events)
    assert {e["event"] for e in events} >= {"processed", "delivered", "open", "click", "bounce", "deferred"}
    assert len(list((out / "sendgrid").glob("*.jsonl"))) == 1


def test_nothing_is_dated_after_the_end(demo, messages, events):
    out, _ = demo
    for path in sorted((out / "salesforce").glob("*_*.csv")):
        assert date.fromisoformat(path.stem.split("_")[1]) <= END.date()
        for row in _csv(path)[1]:
            for column in ("CreatedDate", "LastModifiedDate", "CompletedDateTime"):
                assert not row.get(column) or _at(row[column]) <= END, (path.name, row)
            assert row.get("ConvertedDate", "") <= END.date().isoformat()
    assert max(m["at"] for m in messages.values()) <= END
    assert max(e["timestamp"] for e in events) <= END.timestamp()
    assert all(date.fromisoformat(p.stem.split("_")[1]) <= END.date() for p in (out / "sendgrid").iterdir())


def test_the_later_lead_export_repeats_changed_leads_with_a_later_modification(demo):
    out, result = demo
    assert result.snapshot_at is not None
    early, late = (_export(out, "Lead", at) for at in (result.snapshot_at, END))
    assert len({r["Id"] for r in early}) == len(early) and len({r["Id"] for r in late}) == len(late)
    before = {r["Id"]: r for r in early}
    later = [r for r in late if r["Id"] in before and r["LastModifiedDate"] > before[r["Id"]]["LastModifiedDate"]]
    assert len(later) > 50
    assert any(r["Status"] != before[r["Id"]]["Status"] for r in later)
    assert 0 < sum(r["IsDeleted"] == "true" for r in late) < len(late) / 50


def test_emails_are_mostly_logged_as_crm_tasks_minutes_later(floor, demo, messages):
    out, _ = demo
    leads = {lead["Email"].lower(): lead["Id"] for lead in floor.leads}
    reps = {email: rep for rep, email in floor.rep_email.items()}
    sent: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for m in messages.values():
        if m["from"] in reps and m["to"] in leads:
            sent[(leads[m["to"]], reps[m["from"]])].append(m["at"])
    logged = [t for t in _export(out, "Task", END) if t["TaskSubtype"] == "Email" and t["WhoId"] in floor.created]
    lags = []
    for task in logged:
        at = _at(task["CompletedDateTime"])
        lags.append(min(at - s for s in sent[(task["WhoId"], task["OwnerId"])] if s <= at))
    assert 0.5 * sum(map(len, sent.values())) < len(logged) < sum(map(len, sent.values()))
    assert sum(lag <= timedelta(minutes=8) for lag in lags) > 0.8 * len(lags)
    assert any(lag >= timedelta(minutes=20) for lag in lags)


def test_open_next_steps_are_some_overdue_some_upcoming(demo):
    out, _ = demo
    next_steps = [t for t in _export(out, "Task", END) if t["Status"] == "Not Started"]
    assert all(t["TaskSubtype"] == "Task" and not t["CompletedDateTime"] for t in next_steps)
    assert {t["ActivityDate"] < END.date().isoformat() for t in next_steps} == {True, False}


def test_the_incident_rep_stops_touching_but_keeps_getting_leads(floor, demo, messages):
    out, result = demo
    rep = result.incident_rep_id
    tasks = [t for t in _export(out, "Task", END) if t["OwnerId"] == rep and t["Status"] == "Completed"]
    assert tasks and all(_at(t["CompletedDateTime"]) < result.incident_start for t in tasks)
    mine = floor.rep_email[rep]
    assert all(m["at"] < result.incident_start for m in messages.values() if m["from"] == mine)
    new = [
        lead for lead in floor.leads if lead["OwnerId"] == rep and floor.created[lead["Id"]] >= result.incident_start
    ]
    assert len(new) >= 3


def test_the_incident_rep_and_team_coverage_drop_well_below_usual(floor, demo):
    _, result = demo
    assert result.start is not None
    first, last = (result.start + timedelta(days=21)).date(), result.incident_start.date()
    usual_days = [first + timedelta(days=n) for n in range((last - first).days)]
    last_day = [END.date() - timedelta(days=1)]
    rep = {result.incident_rep_id}
    rep_usual = statistics.median(floor.daily(rep, usual_days))
    covered, due = floor.coverage(rep, END)
    assert rep_usual >= 0.8
    assert floor.daily(rep, last_day)[0] <= rep_usual / 3 and covered / due <= rep_usual / 3
    team = {r for r, name in floor.team.items() if name == result.incident_team and r in result.rep_habits}
    others = set(result.rep_habits) - team
    team_drop, others_drop = (
        statistics.median(floor.daily(reps, usual_days)) - floor.daily(reps, last_day)[0] for reps in (team, others)
    )
    assert team_drop > 0.15 and team_drop > others_drop + 0.1


def test_the_shiny_object_and_one_and_done_reps_stop_following_up_early(floor, demo):
    _, result = demo
    followed_past_two_weeks: dict[str, list[bool]] = defaultdict(list)
    for lead in floor.leads:
        created = floor.created[lead["Id"]]
        if END - created < timedelta(days=30) or floor.responses[lead["Id"]] or not floor.touches[lead["Id"]]:
            continue
        late = any(t - created > timedelta(days=15) for t in floor.touches[lead["Id"]])
        followed_past_two_weeks[lead["OwnerId"]].append(late)
    neglectful = {rep for rep, flags in followed_past_two_weeks.items() if sum(flags) / len(flags) < 0.3}
    assert neglectful == {rep for rep, habit in result.rep_habits.items() if habit in ("shiny_object", "one_and_done")}
    assert len(neglectful) == 3  # two chase new leads, one gives up after one attempt


def test_exactly_one_rep_gives_up_after_one_attempt(floor, demo):
    _, result = demo
    [planted] = [rep for rep, habit in result.rep_habits.items() if habit == "one_and_done"]
    attempts: dict[str, list[int]] = defaultdict(list)
    for lead in floor.leads:  # leads old enough for their follow-up to have ended, never answered
        if END - floor.created[lead["Id"]] >= timedelta(days=30) and floor.touches[lead["Id"]] \
                and not floor.responses[lead["Id"]]:
            attempts[lead["OwnerId"]].append(len(floor.touches[lead["Id"]]))
    # At most one follow-up; an email logged in the CRM long after it was sent counts as a touch of its own.
    assert attempts[planted].count(1) / len(attempts[planted]) > 0.75 and max(attempts[planted]) <= 4
    others = [n for rep, counts in attempts.items() if rep != planted for n in counts]
    assert others.count(1) / len(others) < 0.05


def test_exactly_one_rep_never_touches_the_leads_of_one_industry(floor, demo):
    _, result = demo
    [(planted, industry)] = result.neglected_industry.items()
    assert result.rep_habits[planted] == "neglects_industry"
    theirs = [lead for lead in floor.leads if lead["OwnerId"] == planted and lead["Industry"] == industry]
    assert len(theirs) > 100
    assert not any(floor.touches[lead["Id"]] for lead in theirs)
    assert {lead["Status"] for lead in theirs} == {"Open - Not Contacted"}  # nobody closes them either
    others = [lead for lead in floor.leads if lead["OwnerId"] == planted and lead["Industry"] != industry]
    assert sum(bool(floor.touches[lead["Id"]]) for lead in others) / len(others) > 0.95
    elsewhere = [lead for lead in floor.leads if lead["OwnerId"] != planted and lead["Industry"] == industry]
    assert sum(bool(floor.touches[lead["Id"]]) for lead in elsewhere) / len(elsewhere) > 0.9


def test_prospects_answer_most_late_afternoon_and_midweek(floor, messages):
    offsets: dict[str, list[timedelta]] = defaultdict(list)
    for message in messages.values():
        offsets[message["from"]].append(message["offset"])
    local_offset = {rep: statistics.mode(offsets[email]) for rep, email in floor.rep_email.items() if offsets[email]}
    first_responses = [
        floor.responses[lead["Id"]][0] + local_offset[lead["OwnerId"]]
        for lead in floor.leads
        if floor.responses[lead["Id"]]
    ]
    assert len(first_responses) > 100
    assert statistics.mode(t.hour for t in first_responses) == 16
    assert sum(t.weekday() in (2, 3) for t in first_responses) / len(first_responses) > 0.45


def test_some_events_are_delivered_twice_and_a_few_emails_bounce(events):
    seen: dict[str, list[dict]] = defaultdict(list)
    for event in events:
        seen[event["sg_event_id"]].append(event)
    twice = [copies for copies in seen.values() if len(copies) > 1]
    assert 5 <= len(twice) < 0.02 * len(seen) and all(c[0] == c[1] for c in twice)
    processed = {e["smtp-id"] for e in events if e["event"] == "processed"}
    bounced = {e["smtp-id"] for e in events if e["event"] == "bounce"}
    assert 0.02 <= len(bounced) / len(processed) <= 0.06


def test_mailbox_addresses_vary_in_case_and_colleagues_share_copied_messages(demo):
    out, _ = demo
    to_headers, ids_per_box = [], []
    for path in sorted((out / "mailbox").glob("*.mbox")):
        box = mailbox.mbox(path)
        to_headers += [parseaddr(m["To"])[1] for m in box]
        ids_per_box.append({m["Message-ID"] for m in box})
    assert any(address != address.lower() for address in to_headers)
    assert sum(len(ids) for ids in ids_per_box) > len(set().union(*ids_per_box))


def test_rejects_a_naive_end(tmp_path):
    with pytest.raises(ValueError, match="timezone-aware"):
        write_demo(tmp_path, **SMALL, end=END.replace(tzinfo=None))
