"""Mail as the RFCs and real mailboxes have it, loaded into a real warehouse: the rows in raw, the rejected rows
with their reasons and the ledger counts of hand-made mbox files; on each, the fast reader agrees with the
reference (`assert_same`)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ingest import loader
from ingest.landing import LandedFile
from tests.ingest.equivalence import assert_same

LOAD_TIME = datetime(2024, 3, 15, 12)
SEPARATOR = b"From ana@acme.example Mon Mar 11 09:00:00 2024\n"
HEADERS = {
    "Message-ID": "<m-{n}@acme.example>",
    "Date": "Mon, 11 Mar 2024 09:00:00 +0000",
    "From": "Ana Diligent <ana@acme.example>",
    "To": "lou@client.example",
    "Subject": "Checking in",
}


def message(n: int, body: bytes = b"Hello Lou.\n", **headers: str | bytes | None) -> bytes:
    """Message n: the usual headers, some replaced (`In_Reply_To=` for In-Reply-To; None drops one)."""
    fields = {**HEADERS, **{name.replace("_", "-"): value for name, value in headers.items()}}
    lines = [
        name.encode() + b": " + (value if isinstance(value, bytes) else value.format(n=n).encode())
        for name, value in fields.items()
        if value is not None
    ]
    return b"\n".join(lines) + b"\n\n" + body


def mbox(*messages: bytes) -> bytes:
    return b"".join(SEPARATOR + m + b"\n" for m in messages)


@dataclass(frozen=True)
class Loaded:
    messages: list[dict]
    recipients: list[tuple]
    rejected: list[tuple]
    ledger: tuple  # status, rows_total, rows_loaded, rows_rejected


def _rows(con, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture
def load(tmp_path: Path):
    def load(data: bytes) -> Loaded:
        assert_same("mailbox", "box.mbox", data, LOAD_TIME)
        path = tmp_path / "landing" / "mailbox" / "box.mbox"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        con = loader.connect(tmp_path / "warehouse.duckdb")
        try:
            loader.load_file(con, LandedFile("mailbox", path), load_time=LOAD_TIME)
            return Loaded(
                _rows(con, "select * exclude (_file_id) from raw.mailbox_messages order by _row_number"),
                con.execute("select _row_number, recipient_type, address, display_name from raw.mailbox_recipients "
                            "order by _row_number, recipient_type desc").fetchall(),
                con.execute("select row_number, field, reason, record from raw._rejected_rows order by 1").fetchall(),
                con.execute("select status, rows_total, rows_loaded, rows_rejected from raw._files").fetchone(),
            )  # fmt: skip
        finally:
            con.close()

    return load


def test_an_address_is_what_is_in_the_angle_brackets(load):
    loaded = load(mbox(message(1, From="alice@example.com <bob@example.com>",
                               To="lou@client.example, Mikel@Lindsaar <raasdnil@gmail.com>",
                               Cc="carol@client.example, dave@x.example <erin@x.example>")))  # fmt: skip

    [row] = loaded.messages
    assert (row["from_address"], row["from_name"]) == ("bob@example.com", "alice@example.com")
    assert loaded.recipients == [
        (1, "to", "lou@client.example", None),
        (1, "to", "raasdnil@gmail.com", "Mikel@Lindsaar"),
        (1, "cc", "carol@client.example", None),
        (1, "cc", "erin@x.example", "dave@x.example"),
    ]
    assert (loaded.rejected, loaded.ledger) == ([], ("loaded", 1, 1, 0))


def test_a_name_in_comment_form_is_the_display_name(load):
    loaded = load(mbox(message(1, From="barry@python.org (Barry A. Warsaw)",
                               To="Guido <guido@python.org> (BDFL), tim@python.org (Tim Peters)")))  # fmt: skip

    [row] = loaded.messages
    assert (row["from_address"], row["from_name"]) == ("barry@python.org", "Barry A. Warsaw")
    assert loaded.recipients == [(1, "to", "guido@python.org", "Guido"), (1, "to", "tim@python.org", "Tim Peters")]
    assert loaded.ledger == ("loaded", 1, 1, 0)


def test_in_reply_to_and_message_id_are_read_as_message_ids(load):
    loaded = load(mbox(
        message(1, In_Reply_To="<m-0@client.example> (Lou's message of Mon, 11 Mar 2024 08:00 <lou@client.example>)"),
        message(2, Message_ID="<<m-2@acme.example>>", In_Reply_To="Your message of Monday <m-1@acme.example> junk"),
    ))  # fmt: skip

    assert [(r["message_id"], r["in_reply_to"]) for r in loaded.messages] == [
        ("m-1@acme.example", "m-0@client.example"),
        ("m-2@acme.example", "m-1@acme.example"),
    ]
    assert loaded.ledger == ("loaded", 2, 2, 0)


def test_a_sender_without_a_domain_is_a_rejected_row(load):
    loaded = load(mbox(message(1, From="root"), message(2)))

    assert [r["message_id"] for r in loaded.messages] == ["m-2@acme.example"]
    assert [r[:3] for r in loaded.rejected] == [
        (1, "From", "From: 'root' has no domain (an address is local-part@domain)")
    ]
    assert "From: root\n" in loaded.rejected[0][3]
    assert loaded.ledger == ("partial", 2, 1, 1)


def test_raw_8bit_headers_are_decoded_as_utf8_then_windows_1252(load):
    loaded = load(mbox(
        message(1, Subject=b"Caf\xc3\xa9 cr\xc3\xa8me \xe2\x80\x93 Acme", From=b"J\xc3\xbcrgen <j@acme.example>"),
        message(2, Subject=b"Caf\xe9 \x93cr\xe8me\x94 \x96 Acme", From=b"J\xfcrgen <j@acme.example>"),
    ))  # fmt: skip

    assert [(r["subject"], r["from_name"]) for r in loaded.messages] == [
        ("Caf\u00e9 cr\u00e8me \u2013 Acme", "J\u00fcrgen"),
        ("Caf\u00e9 \u201ccr\u00e8me\u201d \u2013 Acme", "J\u00fcrgen"),
    ]
    assert loaded.ledger == ("loaded", 2, 2, 0)


def _rfc2822(at: datetime) -> str:
    return at.strftime("%a, %d %b %Y %H:%M:%S +0000")


def test_an_implausible_date_is_a_rejected_row_and_the_other_messages_load(load):
    loaded = load(mbox(
        message(1, Date="Mon, 30 Jun 3609 10:00:00 +0000"),
        message(2, Date=_rfc2822(LOAD_TIME + timedelta(hours=23))),  # a sender's clock a little ahead: kept
        message(3, Date=_rfc2822(LOAD_TIME + timedelta(hours=25))),
        message(4, Date="Thu, 01 Jan 1970 00:00:00 +0000"),
        message(5),
    ))  # fmt: skip

    assert [r["message_id"] for r in loaded.messages] == ["m-2@acme.example", "m-5@acme.example"]
    assert [r[:3] for r in loaded.rejected] == [
        (1, "Date", "Date: 'Mon, 30 Jun 3609 10:00:00 +0000' is more than a day after the file was loaded "
                    "(2024-03-15 12:00 UTC)"),
        (3, "Date", "Date: 'Sat, 16 Mar 2024 13:00:00 +0000' is more than a day after the file was loaded "
                    "(2024-03-15 12:00 UTC)"),
        (4, "Date", "Date: 'Thu, 01 Jan 1970 00:00:00 +0000' is before 1971, when network mail began"),
    ]  # fmt: skip
    assert loaded.ledger == ("partial", 5, 2, 3)


def test_a_from_line_in_a_body_that_is_no_separator_stays_in_its_message(load):
    body = (b"Hi Lou,\n\nFrom what I hear, the budget is set.\nSee below:\n"
            b"From lou@client.example Mon Mar 11 08:00:00 2024\nstill the same message\n")  # fmt: skip
    loaded = load(mbox(message(1, body), message(2)))

    assert [r["body_text"] for r in loaded.messages] == [body.decode(), "Hello Lou.\n"]
    assert (loaded.rejected, loaded.ledger) == ([], ("loaded", 2, 2, 0))


def test_mboxrd_quoted_from_lines_are_unquoted(load):
    loaded = load(mbox(message(1, b">From the desk of Ana\n>>From quoted twice\n> From: a reply quote\n")))

    [row] = loaded.messages
    assert row["body_text"] == "From the desk of Ana\n>From quoted twice\n> From: a reply quote\n"
    assert loaded.ledger == ("loaded", 1, 1, 0)


def test_an_ambiguous_split_keeps_both_parts_and_says_so(load):
    pasted = b"From lou@client.example Mon Mar 11 08:00:00 2024\nI pasted an envelope line.\n"
    loaded = load(mbox(message(1, b"Thanks,\n\n" + pasted), message(2)))

    assert [(r["message_id"], r["body_text"], r["_row_number"]) for r in loaded.messages] == [
        ("m-1@acme.example", "Thanks,\n", 1),
        ("m-2@acme.example", "Hello Lou.\n", 3),
    ]
    [(number, field, reason, record)] = loaded.rejected
    assert (number, field, record) == (2, "mbox separator", pasted.decode())
    assert "shaped like an mbox separator" in reason and "end of message 1's body" in reason
    assert reason.endswith("Date: header is missing (the mbox separator's date is not trusted)")
    assert loaded.ledger == ("partial", 3, 2, 1)


def test_group_syntax_gives_its_members_and_an_empty_group_none(load):
    loaded = load(mbox(message(1, To="undisclosed-recipients:;",
                               Cc="Team: ann@client.example, Bob <bob@client.example>;")))  # fmt: skip

    assert [r["message_id"] for r in loaded.messages] == ["m-1@acme.example"]
    assert loaded.recipients == [(1, "cc", "ann@client.example", None), (1, "cc", "bob@client.example", "Bob")]
    assert loaded.ledger == ("loaded", 1, 1, 0)
