"""The DuckDB reader of SendGrid bodies gives exactly what the reference parser gives (rows, payloads JSON-equal,
rejections, ledger) on generated `.json` arrays and `.jsonl` files with broken events and lines."""

import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.ingest.equivalence import assert_same, both

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TEXT = st.text(st.sampled_from([*"ab Z9<>@.", '"', "\\", "\n", "\u00e9", "\u2028", "\ud800", "\x00", " "]),
               max_size=10)  # fmt: skip
ODD = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), TEXT, st.just([1]))
TIMESTAMP = st.one_of(st.integers(0, 2_000_000_000), st.integers(253402300790, 253402300810),
                      st.floats(0, 2e9), ODD)  # fmt: skip
EVENT = st.fixed_dictionaries(
    {},
    optional={
        "email": st.one_of(TEXT, ODD),
        "timestamp": TIMESTAMP,
        "event": st.one_of(st.sampled_from(["delivered", "bounce", "open", "group_resubscribe"]), ODD),
        "sg_event_id": st.one_of(TEXT, ODD),
        "sg_message_id": st.one_of(TEXT, ODD),
        "smtp-id": st.one_of(st.sampled_from(["<m-1@acme.example>", "m-2@x", "<>", " <m-3@x> ", "<<m>>"]), ODD),
        "reason": ODD,
        "rep_id": TEXT,
        "category": st.lists(TEXT, max_size=2),
    },
)
GOOD = st.fixed_dictionaries(
    {
        "email": st.emails(),
        "timestamp": st.integers(0, 253402300799),
        "event": st.sampled_from(["processed", "delivered", "open"]),
        "sg_event_id": st.text(min_size=1, max_size=12),
        "smtp-id": st.sampled_from(["<m-1@acme.example>", "m-2@x"]),
    },
    optional={"sg_message_id": st.text(max_size=12), "reason": TEXT},
)
ELEMENT = st.one_of(GOOD, GOOD, EVENT, ODD)


def _dumps(element: object, style: str) -> str:
    if style == "escaped":
        return json.dumps(element)
    if style == "spaced":
        return json.dumps(element, indent=1)
    return json.dumps(element, ensure_ascii=False)


@SETTINGS
@given(st.lists(ELEMENT, max_size=8), st.sampled_from(["escaped", "spaced", "raw"]), st.sampled_from(["", "\ufeff"]))
def test_generated_arrays_load_as_the_reference_parser_loads_them(elements, style, bom):
    body = "[" + ", ".join(_dumps(e, style) for e in elements) + "]"

    event(f"read by {assert_same('sendgrid', 'events.json', (bom + body).encode('utf-8', 'surrogatepass'))}")


# Ways to break a line of a JSON-lines file, each one DuckDB alone would get wrong or refuse.
LINE_BREAKS = ["{not json", "", "   ", "\u2028", "\x0c", '{"a": 1}\x1f', '{"a": 1}\r', "[1, 2]", "-NaN", "1e400"]


@SETTINGS
@given(st.lists(st.one_of(ELEMENT.map(json.dumps), st.sampled_from(LINE_BREAKS)), max_size=8),
       st.sampled_from(["", "\n"]), st.sampled_from(["", "\ufeff"]))  # fmt: skip
def test_generated_json_lines_load_as_the_reference_parser_loads_them(lines, end, bom):
    text = bom + "\n".join(lines) + end

    event(f"read by {assert_same('sendgrid', 'events.jsonl', text.encode('utf-8', 'surrogatepass'))}")


CANONICAL = [
    {"email": f"l{i}@x.example", "timestamp": 1709648530 + i, "event": "delivered", "sg_event_id": f"e{i}",
     "sg_message_id": f"sgm-{i}", "smtp-id": f"<m-{i}@acme.example>", "rep_id": "005A", "category": ["a"]}
    for i in range(20)
]  # fmt: skip


def test_canonical_bodies_take_the_fast_path():
    assert assert_same("sendgrid", "events.json", json.dumps(CANONICAL).encode()) == ["_FastStaged"]
    lines = "\n".join(map(json.dumps, CANONICAL)) + "\n"
    assert assert_same("sendgrid", "events.jsonl", lines.encode()) == ["_FastStaged"]


@pytest.mark.parametrize(
    "body",
    ['[{"a": 1}\x0b]', '[{"a": 1}] {"b": 2}', "[-NaN]", '[{"x": NaN}]', "", "  ", '{"a": 1}', "[1, 2"],
    ids=["vertical-tab", "text-after-array", "minus-nan", "nan", "empty", "blank", "object", "unterminated"],
)
def test_bodies_python_reads_its_own_way_go_to_the_reference_parser(body: str):
    fast, reference, kinds = both("sendgrid", "events.json", body.encode())

    assert fast == reference and kinds in ([], ["Streamed"])


@pytest.mark.parametrize("name", ["events.json", "events.jsonl"])
def test_an_event_nested_past_pythons_recursion_limit_fails_the_file_as_before(name: str):
    text = json.dumps(CANONICAL[0])[:-1] + ', "custom": ' + "[" * 2000 + "]" * 2000 + "}"
    body = f"[{text}]" if name.endswith(".json") else text + "\n"

    fast, reference, _ = both("sendgrid", name, body.encode())

    assert fast == reference
    [(_, _, _, _, _, total, _, _, status, error)] = fast["_files"]
    assert (total, status) == (0, "failed") and "RecursionError" in error


def test_events_outside_the_canonical_form_are_read_by_event_row():
    events = [*CANONICAL[:2], {**CANONICAL[2], "timestamp": 1709648530.5}, {**CANONICAL[3], "timestamp": -1},
              {**CANONICAL[4], "smtp-id": " <m@x> "}]  # fmt: skip
    text = json.dumps(events).replace('"email": "l1@x.example"', '"email": "l1@x.example", "email": "dup@x"')

    fast, reference, kinds = both("sendgrid", "events.json", text.encode())

    assert fast == reference and kinds == ["_FastStaged"]
    assert [(r[1], r[2]) for r in fast["_rejected_rows"]] == [(4, "timestamp")]
    by_id = {r[0]: r for r in fast["sendgrid_events"]}
    assert (by_id["e1"][3], by_id["e4"][2]) == ("dup@x", "m@x")
    assert by_id["e2"][5].microsecond == 500000
