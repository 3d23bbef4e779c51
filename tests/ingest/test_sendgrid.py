"""SendGrid Event Webhook bodies: JSON arrays and JSON lines, per-event rejections, whole-file failures."""

import json
from datetime import datetime
from pathlib import Path

import pytest

from ingest import sendgrid
from ingest.records import FileRejected, ParsedFile
from ingest.schema import SENDGRID_EVENTS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest" / "sendgrid"


def _parse(name: str) -> ParsedFile:
    path = FIXTURES / name
    return sendgrid.parse(path, path.read_bytes())


def _events(parsed: ParsedFile) -> dict[str, dict]:
    return {row["sg_event_id"]: row for row in parsed.rows.get(SENDGRID_EVENTS.name, [])}


def _event(**overrides) -> dict:
    event = {"email": "lou@client.example", "timestamp": 1709648530, "event": "open", "sg_event_id": "evt-1"}
    return {**event, **overrides}


def test_json_array_body_is_typed():
    parsed = _parse("events_2024-03-05.json")

    assert parsed.rows_total == 7
    delivered = _events(parsed)["evt-001"]
    assert delivered["email"] == "lou@client.example"
    assert delivered["event"] == "delivered"
    assert delivered["event_at"] == datetime(2024, 3, 5, 14, 22, 10)
    assert delivered["sg_message_id"] == "sgm-1.filter0001"
    assert delivered["smtp_id"] == "m-1@acme.example"
    assert delivered["_row_number"] == 1
    assert _events(parsed)["evt-002"]["reason"] == "550 5.1.1 mailbox does not exist"


def test_whole_event_is_kept_in_payload():
    parsed = _parse("events_2024-03-05.json")

    payload = json.loads(_events(parsed)["evt-001"]["payload"])
    assert payload["rep_id"] == "005A00000000001AAA"
    assert payload["smtp-id"] == "<m-1@acme.example>"
    assert set(payload) == {"email", "timestamp", "event", "sg_event_id", "sg_message_id", "smtp-id", "rep_id"}


def test_unknown_event_type_is_kept():
    parsed = _parse("events_2024-03-05.json")

    assert _events(parsed)["evt-003"]["event"] == "group_unsubscribe"
    assert 3 not in {r.row_number for r in parsed.rejections}


def test_events_missing_required_fields_or_not_objects_are_rejected():
    parsed = _parse("events_2024-03-05.json")

    rejected = {r.row_number: r for r in parsed.rejections}
    assert sorted(rejected) == [4, 5, 6, 7]
    for number, field in [(4, "email"), (5, "timestamp"), (6, "sg_event_id")]:
        assert rejected[number].field == field and field in rejected[number].reason
    assert rejected[7].field is None and "not an object" in rejected[7].reason
    assert json.loads(rejected[5].record)["sg_event_id"] == "evt-005"
    assert sorted(_events(parsed)) == ["evt-001", "evt-002", "evt-003"]


def test_json_lines_invalid_line_is_rejected_and_the_rest_load():
    parsed = _parse("events_2024-03-06.jsonl")

    assert parsed.rows_total == 3
    assert [(r.row_number, r.field) for r in parsed.rejections] == [(2, None)]
    assert "invalid JSON" in parsed.rejections[0].reason
    assert '"sg_event_id": "evt-102"' in parsed.rejections[0].record
    events = _events(parsed)
    assert sorted(events) == ["evt-101", "evt-103"]
    assert events["evt-101"]["event_at"] == datetime(2024, 3, 6, 8, 0, 0, 500000)
    assert events["evt-103"]["_row_number"] == 3


def test_json_lines_value_holding_a_unicode_line_separator_stays_one_event():
    parsed = _parse("events_2024-03-06.jsonl")

    assert json.loads(_events(parsed)["evt-103"]["payload"])["note"] == "caf\u00e9 \u2028 line separator"


def test_invalid_json_array_file_is_rejected():
    with pytest.raises(FileRejected, match="invalid JSON at line 2"):
        _parse("broken.json")


def test_json_object_instead_of_array_is_rejected():
    with pytest.raises(FileRejected, match="JSON array"):
        _parse("object.json")


def test_timestamp_out_of_range_is_rejected():
    events = [_event(sg_event_id="ms", timestamp=1709648530000), _event(sg_event_id="big", timestamp=1e20)]

    parsed = sendgrid.parse(Path("e.json"), json.dumps(events).encode())

    assert [(r.row_number, r.field) for r in parsed.rejections] == [(1, "timestamp"), (2, "timestamp")]
    assert "1709648530000" in parsed.rejections[0].reason


def test_timestamp_that_is_not_unix_seconds_is_rejected():
    events = [_event(timestamp="2024-03-05"), _event(timestamp=-1), _event(timestamp=True)]

    parsed = sendgrid.parse(Path("e.json"), json.dumps(events).encode())

    assert [(r.row_number, r.field) for r in parsed.rejections] == [(n, "timestamp") for n in (1, 2, 3)]


def test_event_with_an_unpaired_surrogate_escape_is_rejected_storably():
    data = b'[{"email": "\\ud800@x", "timestamp": 1709648530, "event": "open", "sg_event_id": "evt-1"}]'

    parsed = sendgrid.parse(Path("e.json"), data)

    assert [r.row_number for r in parsed.rejections] == [1]
    parsed.rejections[0].record.encode("utf-8")


def test_utf8_bom_is_accepted_and_bad_bytes_reject_the_file():
    body = json.dumps([_event()]).encode()

    assert sendgrid.parse(Path("e.json"), b"\xef\xbb\xbf" + body).rows_total == 1
    with pytest.raises(FileRejected, match="offset 3"):
        sendgrid.parse(Path("e.json"), b"\xef\xbb\xbf\xff" + body)
