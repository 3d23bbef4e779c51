"""The catalogue of broken inputs: each case loaded into a real warehouse, with its exact accounting and reason."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from ingest import loader
from ingest.landing import LandedFile

LEAD_HEADER = "Id,Status,OwnerId,CreatedDate,LastModifiedDate,NumberOfEmployees,AnnualRevenue\n"
GOOD_LEAD = "00Q1,Open - Not Contacted,005A,2024-03-05T14:22:10.000Z,2024-03-05T14:22:10.000Z,10,1000\n"
MESSAGE = (
    "From ana@acme.example Tue Mar  5 10:00:00 2024\n"
    "Message-ID: <m-1@acme.example>\nDate: Tue, 05 Mar 2024 11:00:00 +0100\n"
    "From: Ana <ana@acme.example>\nTo: lou@client.example\nSubject: hi\n\nHello\n\n"
)
LOAD_TIME = datetime(2024, 3, 15)  # after every dated record of the catalogue
EVENT = '{"email": "a@x.example", "timestamp": 1709632800, "event": "delivered", "sg_event_id": "e1"}'
EVENT_WITHOUT_ID = '{"email": "a@x.example", "timestamp": 1709632800, "event": "delivered"}'


@dataclass(frozen=True)
class Case:
    source: str
    name: str
    content: bytes
    status: str
    counts: tuple[int, int, int]  # rows_total, rows_loaded, rows_rejected
    error: str | None = None
    rejected: tuple[tuple[int, str | None, str], ...] = ()  # row_number, field, reason


CASES = {
    "empty file": Case("salesforce", "Lead_a.csv", b"", "failed", (0, 0, 0), "Lead_a.csv: empty file: no header row"),
    "header only": Case("salesforce", "Lead_a.csv", LEAD_HEADER.encode(), "loaded", (0, 0, 0)),
    "truncated last line": Case(
        "salesforce", "Lead_a.csv", (LEAD_HEADER + GOOD_LEAD + "00Q2,Open - Not Contacted,005A").encode(),
        "partial", (2, 1, 1), rejected=((2, None, "row has 3 fields, the header has 7"),),
    ),
    "truncated inside a quoted field": Case(
        "salesforce", "Lead_a.csv", (LEAD_HEADER + GOOD_LEAD + '00Q2,"Open - Not').encode(),
        "partial", (2, 1, 1), rejected=((2, None, "unreadable CSV: unexpected end of data"),),
    ),
    "wrong delimiter": Case(
        "salesforce", "Lead_a.csv", LEAD_HEADER.replace(",", ";").encode() + GOOD_LEAD.replace(",", ";").encode(),
        "failed", (0, 0, 0),
        "Lead_a.csv: the header is separated by semicolons: Salesforce exports are comma-separated",
    ),
    "non-UTF-8 bytes, read as Windows-1252": Case(
        "salesforce", "Lead_a.csv", (LEAD_HEADER + GOOD_LEAD).encode() + b"00Q2,Caf\xe9\n",
        "partial", (2, 1, 1), "Lead_a.csv: not UTF-8: byte 0xe9 at offset 176, and RADAR_SALESFORCE_ENCODING is "
        "not set: read as Windows-1252", rejected=((2, None, "row has 2 fields, the header has 7"),),
    ),
    "non-UTF-8 bytes after a UTF-8 byte order mark": Case(
        "salesforce", "Lead_a.csv", b"\xef\xbb\xbf" + (LEAD_HEADER + GOOD_LEAD).encode() + b"00Q2,Caf\xe9\n",
        "failed", (0, 0, 0), "Lead_a.csv: not UTF-8: byte 0xe9 at offset 179",
    ),
    "non-UTF-8 SendGrid body": Case(
        "sendgrid", "events.json", f"[{EVENT}]".encode().replace(b"a@x", b"\xe9@x"), "failed", (0, 0, 0),
        "events.json: not UTF-8: byte 0xe9 at offset 12",
    ),
    "UTF-8 BOM": Case(
        "salesforce", "Lead_a.csv", b"\xef\xbb\xbf" + (LEAD_HEADER + GOOD_LEAD).encode(), "loaded", (1, 1, 0)
    ),
    "embedded newlines": Case(
        "salesforce", "Lead_a.csv",
        (LEAD_HEADER.replace("\n", ",Company\n") + GOOD_LEAD.replace("\n", ',"Acme\nEast, ""Inc"""\n')).encode(),
        "loaded", (1, 1, 0),
    ),
    "missing required column": Case(
        "salesforce", "Lead_a.csv", b"Id,Status,CreatedDate,LastModifiedDate\n00Q1,x,2024-03-05,2024-03-05\n",
        "failed", (0, 0, 0), "Lead_a.csv: Lead export is missing required column(s) OwnerId",
    ),
    "unknown Salesforce object": Case(
        "salesforce", "Opportunity.csv", b"Id\n006A\n", "failed", (0, 0, 0),
        "Opportunity.csv: unknown Salesforce object in file name 'Opportunity.csv': expected one of "
        "LeadHistory*.csv, Lead*.csv, Task*.csv, User*.csv",
    ),
    "bad datetime": Case(
        "salesforce", "Lead_a.csv",
        (LEAD_HEADER + GOOD_LEAD.replace("2024-03-05T14:22:10.000Z,1", "5/3/2024,1")).encode(),
        "partial", (1, 0, 1),
        rejected=((1, "LastModifiedDate",
                   "LastModifiedDate: '5/3/2024' is not an ISO-8601 datetime like 2024-03-05T14:22:10.000Z"),),
    ),
    "negative number": Case(
        "salesforce", "Lead_a.csv", (LEAD_HEADER + GOOD_LEAD.replace(",10,", ",-10,")).encode(), "partial", (1, 0, 1),
        rejected=((1, "NumberOfEmployees",
                   "NumberOfEmployees: '-10' is not a whole number from 0 to 9223372036854775807"),),
    ),
    "non-numeric number": Case(
        "salesforce", "Lead_a.csv", (LEAD_HEADER + GOOD_LEAD.replace(",1000", ",lots")).encode(), "partial", (1, 0, 1),
        rejected=((1, "AnnualRevenue", "AnnualRevenue: 'lots' is not a number"),),
    ),
    "duplicated ids within a file": Case(
        "salesforce", "Lead_a.csv", (LEAD_HEADER + GOOD_LEAD + GOOD_LEAD.replace(",10,", ",11,")).encode(),
        "loaded", (2, 2, 0),
    ),
    "invalid JSON": Case(
        "sendgrid", "events.json", f"[{EVENT},".encode(), "failed", (0, 0, 0),
        "events.json: invalid JSON at line 1 column 95: Expecting value",
    ),
    "JSON object instead of array": Case(
        "sendgrid", "events.json", EVENT.encode(), "failed", (0, 0, 0),
        "events.json: expected a JSON array of events (the webhook POST body), got a JSON dict",
    ),
    "event without sg_event_id": Case(
        "sendgrid", "events.json", f"[{EVENT}, {EVENT_WITHOUT_ID}]".encode(),
        "partial", (2, 1, 1), rejected=((2, "sg_event_id", "sg_event_id: required field is missing"),),
    ),
    "message without Message-ID": Case(
        "mailbox", "ana.mbox", MESSAGE.replace("Message-ID: <m-1@acme.example>\n", "").encode(), "loaded", (1, 1, 0),
    ),
    "message without Date": Case(
        "mailbox", "ana.mbox", (MESSAGE + MESSAGE.replace("Date: Tue, 05 Mar 2024 11:00:00 +0100\n", "")).encode(),
        "partial", (2, 1, 1),
        rejected=((2, "Date", "Date: header is missing (the mbox separator's date is not trusted)"),),
    ),
    "message dated centuries ahead": Case(
        "mailbox", "ana.mbox", (MESSAGE.replace("Tue, 05 Mar 2024", "Mon, 30 Jun 3609") + MESSAGE.replace("m-1", "m-2")
                                ).encode(),
        "partial", (2, 1, 1),
        rejected=((1, "Date", "Date: 'Mon, 30 Jun 3609 11:00:00 +0100' is more than a day after the file was loaded "
                   "(2024-03-15 00:00 UTC)"),),
    ),
    "sender without a domain": Case(
        "mailbox", "ana.mbox", MESSAGE.replace("Ana <ana@acme.example>", "ana").encode(), "partial", (1, 0, 1),
        rejected=((1, "From", "From: 'ana' has no domain (an address is local-part@domain)"),),
    ),
    "0-byte mbox": Case("mailbox", "ana.mbox", b"", "loaded", (0, 0, 0)),
}


@pytest.fixture
def con(tmp_path: Path):
    connection = loader.connect(tmp_path / "warehouse.duckdb")
    yield connection
    connection.close()


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_broken_input_is_accounted_for_with_its_reason(case: Case, con, tmp_path: Path):
    path = tmp_path / "landing" / case.source / case.name
    path.parent.mkdir(parents=True)
    path.write_bytes(case.content)

    outcome = loader.load_file(con, LandedFile(case.source, path), load_time=LOAD_TIME)

    ledger = con.execute("select status, rows_total, rows_loaded, rows_rejected, error from raw._files").fetchall()
    assert ledger == [(case.status, *case.counts, case.error)]
    assert outcome.status == case.status
    rejected = con.execute("select row_number, field, reason from raw._rejected_rows order by row_number").fetchall()
    assert tuple(rejected) == case.rejected
    assert path.exists(), "a delivered file is never deleted"
    assert loader.load_file(con, LandedFile(case.source, path)) is None, "the same content twice adds nothing"
