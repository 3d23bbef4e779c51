"""The fast mailbox reader gives, for every message it takes, exactly the rows the `email` package gives: on every
fixture mbox, on a generated demo and on generated messages; and it takes the demo's common shapes."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ingest import mailbox, mailbox_fast, mailbox_shapes, mailbox_split
from ingest.demo import write_demo
from ingest.mailbox_headers import POLICY
from tests.ingest.equivalence import assert_same

FIXTURES = Path(__file__).parents[1] / "fixtures"
LOAD_TIME = datetime(2024, 6, 2)  # after every fixture and demo message
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _compare(data: bytes, load_time: datetime = LOAD_TIME) -> tuple[int, int]:
    """(messages read fast, messages in all); fails on the first message the two readers disagree on."""
    if not mailbox_split.has_messages(data):
        return 0, 0
    fast = total = 0
    for number, raw in enumerate(mailbox_split.split_messages(data), start=1):
        total += 1
        item = mailbox_fast.message_item(raw, number, load_time)
        if item is not None:
            fast += 1
            assert item == mailbox.message_item(raw, number, load_time), raw
    return fast, total


MAILBOXES_ON_DISK = sorted(p for p in FIXTURES.rglob("*.mbox") if p.name != "not_an_mbox.mbox")


@pytest.mark.parametrize("path", MAILBOXES_ON_DISK, ids=lambda p: p.name)
def test_every_fixture_message_read_fast_reads_as_the_email_package_reads_it(path: Path):
    _compare(path.read_bytes())
    assert_same("mailbox", path.name, path.read_bytes())


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_demo(out, leads=160, reps=4, days=30, end=datetime(2024, 6, 1, 12, tzinfo=UTC))
    return out


def test_the_demo_is_read_fast_and_as_the_email_package_reads_it(demo: Path):
    counts = [_compare(path.read_bytes()) for path in sorted((demo / "mailbox").glob("*.mbox"))]

    fast, total = map(sum, zip(*counts, strict=True))
    assert total > 100 and fast / total > 0.97


# Generated messages: a common shape (what mail clients write), then sometimes one or two odd details.
NAME = st.sampled_from(["Ana", "Ana Diligent", "O'Brien", '"Doe, Jane"', '"Dr. Ana"', "Dr. Ana", '" Ana "',
                        "=?utf-8?q?Zo=C3=AB?=", "Ana  Diligent", '"A \\"q\\""', "(comment) Ana"])  # fmt: skip
ADDRESS = st.sampled_from(["ana@acme.example", "A.B@x.example", "a+b@x-y.example", "a..b@x", "a@[1.2.3.4]",
                           "ana", '"a b"@x.example', "Ana@Acme.Example"])  # fmt: skip
SIMPLE_ADDRESS = st.builds("{}.{}@{}.example".format, st.sampled_from(["ana", "lou", "o'neil"]),
                           st.sampled_from(["x", "b-2"]), st.sampled_from(["acme", "client-co"]))  # fmt: skip
SIMPLE_NAME = st.sampled_from(["Ana", "Lou Client", "Jane O'Neil", '"Doe, Jane"', '"Dr. Lou"'])
SIMPLE_MAILBOX = st.one_of(SIMPLE_ADDRESS, st.builds("{} <{}>".format, SIMPLE_NAME, SIMPLE_ADDRESS))
MAILBOX = st.one_of(ADDRESS, st.builds("{} <{}>".format, NAME, ADDRESS), st.builds("<{}>".format, ADDRESS))
MAILBOXES = st.lists(MAILBOX, min_size=1, max_size=3).flatmap(
    lambda m: st.sampled_from([", ".join(m), ",".join(m), ",\n ".join(m), ", ".join(m) + ","])
)
SIMPLE_DATE = st.builds(
    lambda d, z: d.strftime("%a, %d %b %Y %H:%M:%S ") + z,
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1)),
    st.sampled_from(["+0100", "-0530", "+0000", "-0000", "-0800"]),
)
DAY = st.sampled_from(["Tue, ", "", "tue, ", "Tue,"])
DATE = st.one_of(
    st.builds("{}{} {} {} {:02d}:{:02d}:{:02d} {}".format, DAY, st.integers(0, 32).map(str),
              st.sampled_from([*mailbox_shapes.MONTHS, "mar"]), st.sampled_from(["2024", "1999", "24", "0999", "9999"]),
              st.integers(0, 25), st.integers(0, 61), st.integers(0, 61),
              st.sampled_from(["+0100", "-0530", "+0000", "-0000", "GMT", "+2400", "+0099", "EST", ""])),
    st.sampled_from(["sometime last week", "Tue, 5 Mar 2024 11:00 +0100", "5 Mar 2024 11:00:00 +0100 (CET)"]),
)  # fmt: skip
TEXT = st.lists(st.sampled_from([*"ab Z9,.:;<>@()[]\\'", '"', "\t", "=?", "?=", "\u00e9"]), max_size=12).map("".join)
SIMPLE_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30)
BODY = st.one_of(
    st.text(st.sampled_from([*"Hi there,.", "\n", "\u00e9", "="]), max_size=60).map(str.encode),
    st.binary(max_size=40),
    st.sampled_from([b"a=\nb=3D\nc=C3=A9\n", b"line\n\nline\n", b"", b">From me\n"]),
).map(lambda b: b.replace(b"\nFrom ", b"\n>From ").removeprefix(b"From "))
SIMPLE_TYPE = st.sampled_from([None, 'text/plain; charset="us-ascii"', 'text/plain; charset="utf-8"', "text/plain",
                               "text/html; charset=utf-8"])  # fmt: skip
ODD_TYPE = st.sampled_from(["text/plain; charset=iso-8859-1", "text/plain; format=flowed", "TEXT/PLAIN",
                            "application/pdf", "text/plain; charset=unknown-8bit", 'text/plain; charset="UTF-8"'])
SIMPLE_ENCODING = st.sampled_from([None, "7bit", "8bit", "quoted-printable"])
ODD_ENCODING = st.sampled_from(["Quoted-Printable", "base64", "binary", "7bit ", "x-uuencode"])


@st.composite
def parts(draw, odd: bool) -> list[str | bytes]:
    """A text part's header lines and body."""
    lines = []
    content_type = draw(ODD_TYPE if odd and draw(st.booleans()) else SIMPLE_TYPE)
    encoding = draw(ODD_ENCODING if odd and draw(st.booleans()) else SIMPLE_ENCODING)
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    if encoding:
        lines.append(f"Content-Transfer-Encoding: {encoding}")
    if odd and draw(st.integers(0, 3)) == 0:
        lines.append("Content-Disposition: attachment")
    return [*lines, draw(BODY)]


@st.composite
def multipart_body(draw, odd: bool) -> tuple[str, bytes]:
    boundary = draw(st.sampled_from(["==b-1==", "b", "x(y)z"] + (["with space", "x"] if odd else [])))
    chunks = [b"preamble\n"] if draw(st.booleans()) else []
    for *lines, body in draw(st.lists(parts(odd), min_size=1, max_size=3)):
        chunks.append(f"--{boundary}\n".encode() + "\n".join(lines).encode() + b"\n\n" + body + b"\n")
    closes = [f"--{boundary}--\n"] + ([f"--{boundary}-- \n", "", f"--{boundary}\n"] if odd else [])
    chunks.append(draw(st.sampled_from(closes)).encode())
    subtype = draw(st.sampled_from(["alternative"] + (["mixed", "related"] if odd else [])))
    return f'multipart/{subtype}; boundary="{boundary}"', b"".join(chunks)


ODD_HEADERS = {
    "Message-ID": st.sampled_from(["m@nobrackets", "<a b@c>", "<m@x> ", "", "<a..b@c>"]),
    "Date": DATE,
    "From": st.one_of(MAILBOX, MAILBOXES, st.just("")),
    "To": MAILBOXES,
    "Cc": MAILBOXES,
    "Subject": st.one_of(TEXT, st.builds("{}\n {}".format, TEXT, TEXT), st.just("=?utf-8?q?Caf=C3=A9?=")),
    "In-Reply-To": st.sampled_from(["m-0@x", "<a@b> <c@d>", " <x@y>"]),
    "X-Odd": st.sampled_from(["\x0b", "v\x0cw", "caf\u00e9", " continued"]),
}


@st.composite
def messages(draw) -> bytes:
    """A message of a common shape; with `odd`, some of its headers or its body are replaced by odd ones."""
    odd = draw(st.booleans())
    headers = {
        "Message-ID": f"<{draw(st.integers(0, 999))}.{draw(st.integers(0, 99))}@acme.example>",
        "Date": draw(SIMPLE_DATE),
        "From": draw(SIMPLE_MAILBOX),
        "To": ", ".join(draw(st.lists(SIMPLE_MAILBOX, min_size=1, max_size=3))),
        "Subject": draw(SIMPLE_TEXT),
    }
    if draw(st.booleans()):
        headers["Cc"] = draw(SIMPLE_MAILBOX)
    if draw(st.booleans()):
        headers["In-Reply-To"] = f"<{draw(st.integers(0, 99))}@client.example>"
    for name in draw(st.lists(st.sampled_from(list(ODD_HEADERS)), max_size=2)) if odd else []:
        headers[name] = draw(ODD_HEADERS[name])
    for name in draw(st.lists(st.sampled_from(["Message-ID", "Date", "From", "To"]), max_size=1)) if odd else []:
        del headers[name]
    lines = [f"{name}: {value}" for name, value in headers.items()]
    if draw(st.integers(0, 3)) == 0:
        content_type, body = draw(multipart_body(odd))
        lines.append(f"Content-Type: {content_type}")
    else:
        *part_lines, body = draw(parts(odd))
        lines += part_lines
    separator = draw(st.sampled_from([b"\n\n", b"\n", b"\r\n\r\n"])) if odd and draw(st.booleans()) else b"\n\n"
    return "\n".join(lines).encode("utf-8") + separator + body


@SETTINGS
@given(st.lists(messages(), min_size=1, max_size=3))
def test_generated_messages_read_fast_read_as_the_email_package_reads_them(generated: list[bytes]):
    data = b"".join(b"From sender Tue Mar  5 10:00:00 2024\n" + m + b"\n" for m in generated)

    fast, total = _compare(data)

    event(f"{fast} of {total} read fast")


@settings(max_examples=500, deadline=None)
@given(MAILBOXES)
def test_simple_mailbox_lists_read_as_the_reference_reads_them(value: str):
    found = mailbox_shapes.mailbox_list(value)
    if found is not None:
        assert found == mailbox.recipients([POLICY.header_fetch_parse("To", value)])


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_plain_text_reads_as_an_unstructured_header(value: str):
    if mailbox_shapes.plain_text(value):
        assert str(POLICY.header_fetch_parse("Subject", value)) == value
