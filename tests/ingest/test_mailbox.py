"""mbox exports: messages, bodies, headers, recipients, UTC dates, derived ids and broken input."""

from datetime import datetime
from pathlib import Path

import pytest

from ingest import mailbox
from ingest.records import FileRejected, ParsedFile
from ingest.schema import MAILBOX_MESSAGES, MAILBOX_RECIPIENTS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest" / "mailbox"
LOAD_TIME = datetime(2024, 3, 15)  # after every fixture message
NO_ID = (
    "Date: Mon, 11 Mar 2024 09:00:00 +0000\n"
    "From: ana@acme.example\n"
    "To: lou@client.example\n"
    "Subject: no Message-ID\n"
    "\n"
    "Checking in.\n"
)


def _parse(name: str) -> ParsedFile:
    path = FIXTURES / name
    return mailbox.parse(path, path.read_bytes(), LOAD_TIME)


def _messages(parsed: ParsedFile) -> dict[str, dict]:
    return {row["message_id"]: row for row in parsed.rows.get(MAILBOX_MESSAGES.name, [])}


def test_plain_message_headers_and_body():
    parsed = _parse("plain.mbox")

    assert (parsed.rows_total, parsed.rejections) == (2, [])
    intro = _messages(parsed)["m-1@acme.example"]
    assert intro["subject"] == "Quick intro \u2013 Acme"
    assert (intro["from_address"], intro["from_name"]) == ("ana@acme.example", "Ana Diligent")
    assert intro["in_reply_to"] == "m-0@client.example"
    assert intro["body_text"] == "Hi Lou, following up on your download.\nWould Thursday work?\n"
    assert intro["_row_number"] == 1


def test_dates_with_offsets_become_naive_utc():
    messages = _messages(_parse("plain.mbox"))

    assert messages["m-1@acme.example"]["sent_at"] == datetime(2024, 3, 5, 14, 22, 10)
    assert messages["m-2@acme.example"]["sent_at"] == datetime(2024, 3, 5, 19, 30)


def test_to_and_cc_recipients_become_rows():
    parsed = _parse("plain.mbox")

    recipients = [
        (r["message_id"], r["recipient_type"], r["address"], r["display_name"])
        for r in parsed.rows[MAILBOX_RECIPIENTS.name]
    ]
    assert recipients == [
        ("m-1@acme.example", "to", "lou@client.example", "Lou One"),
        ("m-1@acme.example", "to", "lee@client.example", None),
        ("m-1@acme.example", "cc", "mia@acme.example", "Mia Manager"),
        ("m-1@acme.example", "cc", "jane@client.example", "Doe, Jane"),
        ("m-2@acme.example", "to", "mia@acme.example", None),
    ]
    numbers = {r["message_id"]: r["_row_number"] for r in parsed.rows[MAILBOX_RECIPIENTS.name]}
    assert numbers == {"m-1@acme.example": 1, "m-2@acme.example": 2}


def test_multipart_body_is_the_text_plain_part():
    message = _messages(_parse("multipart.mbox"))["m-3@acme.example"]

    assert message["body_text"] == "Here are the slides."
    assert (message["from_address"], message["from_name"]) == ("ben@acme.example", "Ben Shiny")


def test_iso_8859_1_body_and_encoded_headers_are_decoded():
    message = _messages(_parse("latin1.mbox"))["m-4@acme.example"]

    assert message["body_text"] == "Caf\u00e9 cr\u00e8me, \u00e0 bient\u00f4t.\n"
    assert message["subject"] == "R\u00e9sum\u00e9"
    assert message["from_name"] == "C\u00e9line M\u00fcller"
    assert message["sent_at"] == datetime(2024, 3, 8, 8, 0)


def test_missing_or_unreadable_date_and_missing_from_reject_the_message():
    parsed = _parse("broken_headers.mbox")

    assert parsed.rows_total == 4
    assert [(r.row_number, r.field) for r in parsed.rejections] == [(1, "Date"), (2, "Date"), (3, "From")]
    assert "missing" in parsed.rejections[0].reason
    assert "sometime last week" in parsed.rejections[1].reason
    assert "Subject: unreadable Date" in parsed.rejections[1].record
    assert list(_messages(parsed)) == ["m-8@acme.example"]
    assert {r["message_id"] for r in parsed.rows[MAILBOX_RECIPIENTS.name]} == {"m-8@acme.example"}


def test_message_without_message_id_gets_a_stable_content_derived_id():
    def parse(name: str, text: str) -> ParsedFile:
        return mailbox.parse(Path(name), text.encode(), LOAD_TIME)

    first = parse("ana.mbox", f"From ana@acme.example Mon Mar 11 09:00:00 2024\n{NO_ID}")
    copy = parse("lou.mbox", f"From lou@client.example Mon Mar 11 09:05:00 2024\n{NO_ID}")
    other = parse("ana.mbox", f"From ana Mon Mar 11 09:00:00 2024\n{NO_ID}P.S.\n")

    [derived] = _messages(first)
    assert derived and list(_messages(copy)) == [derived]
    assert list(_messages(other)) != [derived]
    assert first.rows[MAILBOX_RECIPIENTS.name][0]["message_id"] == derived


def test_empty_mbox_has_no_rows():
    parsed = _parse("empty.mbox")

    assert (parsed.rows_total, parsed.rows, parsed.rejections) == (0, {}, [])


def test_file_that_is_not_an_mbox_is_rejected():
    with pytest.raises(FileRejected, match="not an mbox"):
        _parse("not_an_mbox.mbox")


def test_date_out_of_range_in_utc_rejects_the_message():
    data = (
        b"From ana Mon Mar 11 09:00:00 2024\nMessage-ID: <far@acme.example>\n"
        b"Date: Fri, 31 Dec 9999 23:30:00 -0100\nFrom: ana@acme.example\n\nbody\n"
    )

    parsed = mailbox.parse(Path("ana.mbox"), data, datetime(9999, 12, 31))

    assert [(r.row_number, r.field) for r in parsed.rejections] == [(1, "Date")]
