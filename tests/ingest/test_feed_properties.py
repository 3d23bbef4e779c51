"""Property: any SendGrid body or mbox, well-formed or not, is accounted for in full and never loads twice."""

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import loader
from ingest.landing import LandedFile

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT = st.text(st.sampled_from([*"ab Z9<>@.", '"', "\\", "\n", "\u00e9", "\u2028", "\ud800"]), max_size=10)
JSON_VALUE = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), TEXT)
EVENT = st.fixed_dictionaries(
    {},
    optional={
        "email": st.one_of(TEXT, JSON_VALUE),
        "timestamp": st.one_of(st.integers(0, 2_000_000_000), JSON_VALUE),
        "event": st.one_of(st.sampled_from(["delivered", "bounce", "open", "group_resubscribe"]), JSON_VALUE),
        "sg_event_id": st.one_of(TEXT, JSON_VALUE),
        "smtp-id": st.one_of(TEXT, JSON_VALUE),
        "reason": JSON_VALUE,
    },
)
ELEMENT = st.one_of(EVENT, JSON_VALUE, st.lists(JSON_VALUE, max_size=2))

HEADER = st.sampled_from([
    "Message-ID: <{n}@acme.example>", "Date: Tue, 05 Mar 2024 11:00:00 +0100", "Date: someday",
    "From: Ana <ana@acme.example>", "From: nobody", "To: a@x.example, B <b@y.example>", "Cc: c@z.example",
    "Subject: =?utf-8?q?Caf=C3=A9?=", "Content-Type: text/plain; charset=iso-8859-1", "In-Reply-To: <{n}@x>",
])  # fmt: skip
MESSAGE = st.tuples(st.lists(HEADER, max_size=6), st.binary(max_size=30))


def _load_twice(source: str, name: str, data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / source / name
        path.parent.mkdir()
        path.write_bytes(data)
        con = loader.connect(Path(tmp) / "warehouse.duckdb")
        try:
            outcome = loader.load_file(con, LandedFile(source, path))
            counts = con.execute(
                "select (select count(*) from raw._files), (select count(*) from raw._rejected_rows), "
                "(select count(*) from raw.sendgrid_events), (select count(*) from raw.mailbox_messages)"
            ).fetchone()
            assert loader.load_file(con, LandedFile(source, path)) is None
            assert con.execute(
                "select (select count(*) from raw._files), (select count(*) from raw._rejected_rows), "
                "(select count(*) from raw.sendgrid_events), (select count(*) from raw.mailbox_messages)"
            ).fetchone() == counts
            return outcome, counts
        finally:
            con.close()


@SETTINGS
@given(st.lists(ELEMENT, max_size=8), st.booleans())
def test_any_sendgrid_body_is_accounted_for(elements, as_lines):
    if as_lines:
        name, data = "events.jsonl", "\n".join(json.dumps(e) for e in elements).encode()
    else:
        name, data = "events.json", json.dumps(elements).encode()

    outcome, (files, rejected, events, _) = _load_twice("sendgrid", name, data)

    assert files == 1
    assert outcome.rows_total == len(elements)
    assert outcome.rows_total == outcome.rows_loaded + outcome.rows_rejected
    assert (events, rejected) == (outcome.rows_loaded, outcome.rows_rejected)


@SETTINGS
@given(st.lists(MESSAGE, max_size=5))
def test_any_mbox_is_accounted_for(messages):
    chunks = []
    for n, (headers, body) in enumerate(messages):
        head = "\n".join(h.format(n=n) for h in headers)
        quoted = b"\n".join(b">" + line if line.startswith(b"From ") else line for line in body.split(b"\n"))
        chunks.append(f"From sender Tue Mar  5 10:00:00 2024\n{head}\n\n".encode() + quoted)
    data = b"\n".join(chunks)

    outcome, (files, rejected, _, loaded_messages) = _load_twice("mailbox", "box.mbox", data)

    assert files == 1
    assert outcome.rows_total == len(messages)
    assert outcome.rows_total == outcome.rows_loaded + outcome.rows_rejected
    assert (loaded_messages, rejected) == (outcome.rows_loaded, outcome.rows_rejected)
