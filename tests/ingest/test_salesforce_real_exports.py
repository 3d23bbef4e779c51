"""Salesforce exports as real orgs and tools write them: other encodings, Data Loader's UPPERCASE headers, a User
export without Name, whole numbers above 2**53, and long multi-line texts, good and broken. Each file is loaded
by the loader's reader and by the reference parser, which must agree."""

import pytest

from tests.ingest.equivalence import both

LEAD = "Id,Status,OwnerId,CreatedDate,LastModifiedDate"
AT = "2024-03-05T14:22:10.000Z"
USER_ID, LEAD_ID = "005A0000006Vm9rIAC", "00Q5g00000AbCdEEAV"
LEDGER = ["file_id", "source", "path", "sha256", "bytes", "rows_total", "rows_loaded", "rows_rejected", "status",
          "error"]  # fmt: skip


def _load(name: str, data: bytes) -> tuple[dict, list[str]]:
    """The warehouse's state after loading one file (both readers agree on it) and the reader kinds used."""
    fast, reference, kinds = both("salesforce", name, data)
    assert fast == reference
    return fast, kinds


def _ledger(state: dict) -> dict:
    [row] = state["_files"]
    ledger = dict(zip(LEDGER, row, strict=True))
    assert ledger["rows_total"] == ledger["rows_loaded"] + ledger["rows_rejected"]
    return ledger


def _leads(state: dict) -> dict[str, tuple]:
    return {row[0]: row for row in state["salesforce_leads"]}


def _extras(row: tuple) -> dict:
    return row[18]  # `_extras`, decoded by the equivalence state


def _lead_export(text_column: str, *texts: str) -> str:
    rows = "".join(f'00Q{i:015d},Open,{USER_ID},{AT},{AT},"{t}"\n' for i, t in enumerate(texts, 1))
    return f"{LEAD},{text_column}\n{rows}"


@pytest.mark.parametrize(
    ("codec", "text"),
    [("latin-1", "Café Müller, Zoë & Søn"), ("cp1252", "€ 5 “smart” quotes \u2013 and \u2018more\u2019 …")],
    ids=["latin-1", "windows-1252"],
)
def test_an_export_that_is_not_utf8_loads_as_windows_1252_and_says_so(codec: str, text: str):
    data = _lead_export("Company", text, "plain").encode(codec)

    state, kinds = _load("Lead_latin.csv", data)

    assert [row[5] for row in sorted(state["salesforce_leads"])] == [text, "plain"]
    ledger = _ledger(state)
    assert (ledger["status"], ledger["rows_loaded"]) == ("loaded", 2)
    assert ledger["error"].startswith("Lead_latin.csv: not UTF-8: byte 0x")
    assert ledger["error"].endswith("RADAR_SALESFORCE_ENCODING is not set: read as Windows-1252")
    assert kinds == ["Streamed"]


def test_the_bytes_windows_1252_leaves_undefined_are_kept_as_c1_controls():
    data = _lead_export("Company", "x").encode().replace(b'"x"', b'"\x81\x8d\x8f\x90\x9d\xe9"')

    state, _ = _load("Lead_undefined.csv", data)

    assert [row[5] for row in state["salesforce_leads"]] == ["\x81\x8d\x8f\x90\x9d\u00e9"]
    assert _ledger(state)["status"] == "loaded"


def test_a_configured_encoding_is_read_without_a_note(monkeypatch):
    monkeypatch.setenv("RADAR_SALESFORCE_ENCODING", "ISO-8859-1")
    data = _lead_export("Company", "Café \x80").encode("latin-1")

    state, _ = _load("Lead_configured.csv", data)

    assert [row[5] for row in state["salesforce_leads"]] == ["Café \x80"]
    assert _ledger(state)["error"] is None


def test_a_byte_the_configured_encoding_lacks_fails_the_file_naming_it(monkeypatch):
    monkeypatch.setenv("RADAR_SALESFORCE_ENCODING", "cp1252")
    data = _lead_export("Company", "x").encode().replace(b'"x"', b'"\x81"')

    state, _ = _load("Lead_strict.csv", data)

    ledger = _ledger(state)
    assert (ledger["status"], ledger["rows_total"]) == ("failed", 0)
    assert ledger["error"] == (
        "Lead_strict.csv: not cp1252 (chosen by RADAR_SALESFORCE_ENCODING=cp1252): byte 0x81 "
        "(character maps to <undefined>)"
    )


def test_an_unknown_configured_encoding_fails_the_file_naming_it(monkeypatch):
    monkeypatch.setenv("RADAR_SALESFORCE_ENCODING", "latin-9000")

    state, _ = _load("Lead_unknown.csv", _lead_export("Company", "x").encode())

    assert _ledger(state)["error"] == (
        "Lead_unknown.csv: RADAR_SALESFORCE_ENCODING='latin-9000' is not an encoding Python knows"
    )


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_a_utf16_export_with_its_byte_order_mark_loads(codec: str, monkeypatch):
    monkeypatch.setenv("RADAR_SALESFORCE_ENCODING", "ISO-8859-1")  # the byte order mark wins
    text = "\ufeff" + _lead_export("Company", "Zoë “Ω” 😀", "plain")
    data = text.encode("utf-16-le" if codec == "utf-16" else codec)

    state, _ = _load("Lead_utf16.csv", data)

    assert [row[5] for row in sorted(state["salesforce_leads"])] == ["Zoë “Ω” 😀", "plain"]
    assert (_ledger(state)["status"], _ledger(state)["error"]) == ("loaded", None)


def test_data_loaders_uppercase_headers_fill_the_declared_columns():
    text = (f"ID,STATUS,OWNERID,CREATEDDATE,LASTMODIFIEDDATE,numberofemployees,Rating__C\n"
            f"{LEAD_ID},Open,{USER_ID},{AT},{AT},12,Hot\n")

    state, kinds = _load("Lead_data_loader.csv", text.encode())

    lead = _leads(state)[LEAD_ID]
    assert (lead[11], lead[12], lead[7]) == ("Open", USER_ID, 12)
    assert _extras(lead) == {"Rating__C": "Hot"}
    assert kinds == ["_FastStaged"]


def test_a_header_repeating_a_name_in_another_case_is_a_duplicate():
    state, _ = _load("Lead_twice.csv", f"{LEAD},id\n1,Open,u,{AT},{AT},1\n".encode())

    assert _ledger(state)["error"] == "Lead_twice.csv: header repeats column(s) Id"


USERS_WITHOUT_NAME = (
    "Id,FirstName,LastName,Email,ManagerId\n"
    f"{USER_ID},Ana,Diligent,ana@acme.example,000000000000000AAA\n"
    "005A0000006Vm9sIAC,,Shiny,ben@acme.example,\n"
    "005A0000006Vm9tIAC,Cara,,cara@acme.example,\n"
    "005A0000006Vm9uIAC,,,nobody@acme.example,\n"
)


@pytest.mark.parametrize("style", ["as exported", "quoted"])
def test_a_user_export_without_name_takes_it_from_first_and_last_name(style: str):
    text = USERS_WITHOUT_NAME
    if style == "quoted":
        text = "\n".join(",".join(f'"{v}"' for v in line.split(",")) for line in text.splitlines()) + "\n"

    state, kinds = _load("User_no_name.csv", text.encode())

    users = {row[0]: row for row in state["salesforce_users"]}
    assert {k: v[1] for k, v in users.items()} == {
        USER_ID: "Ana Diligent", "005A0000006Vm9sIAC": "Shiny", "005A0000006Vm9tIAC": "Cara",
    }  # fmt: skip
    assert users[USER_ID][4] == "000000000000000AAA", "raw keeps the empty lookup as delivered"
    assert users[USER_ID][6] == {"FirstName": "Ana", "LastName": "Diligent"}
    assert [r[1:4] for r in state["_rejected_rows"]] == [(4, "Name", "Name: required value is empty")]
    assert _ledger(state)["rows_total"] == 4 and kinds == ["_FastStaged"]


def test_a_user_export_without_any_name_column_fails():
    state, _ = _load("User_nameless.csv", f"Id,Email\n{USER_ID},ana@acme.example\n".encode())

    assert _ledger(state)["error"] == "User_nameless.csv: User export is missing required column(s) Name"


@pytest.mark.parametrize("odd", [False, True], ids=["typed in SQL", "typed in Python"])
def test_whole_numbers_above_2_to_the_53_are_exact(odd: bool):
    numbers = ["9007199254740993", "9223372036854775807", "0009007199254740993", "9007199254740993.0"]
    rows = "".join(f"{i},Open,u,{AT},{'5/3/2024' if odd and i == 0 else AT},{n}\n" for i, n in enumerate(numbers))
    text = f"{LEAD},NumberOfEmployees\n{rows}4,Open,u,{AT},{AT},9223372036854775808\n"

    state, _ = _load("Lead_big_numbers.csv", text.encode())

    employees = {row[0]: row[7] for row in state["salesforce_leads"]}
    expected = {"1": 2**63 - 1, "2": 9007199254740993, "3": 9007199254740993}
    assert employees == (expected if odd else {"0": 9007199254740993, **expected})
    assert [r[1:3] for r in state["_rejected_rows"]] == [*([(1, "LastModifiedDate")] if odd else []),
                                                         (5, "NumberOfEmployees")]  # fmt: skip


PHANTOM = f"00Q000000000099AAA,Open,{USER_ID},{AT},{AT},x"  # a line of the text shaped like a lead


def _long_text(lines: int = 3_000) -> str:
    """A multi-line text over the csv module's default field limit (131,072 characters), one line lead-shaped."""
    body = "\n".join(f'line {i}: notes from the call, "quoted" words and more text' for i in range(lines))
    return f"{body}\n{PHANTOM}\nlast line"


def test_a_multi_line_field_over_131072_characters_loads_whole():
    text = _long_text()
    assert len(text) > 131_072
    export = _lead_export("Description", text.replace('"', '""'), "after").replace("\n", "\r\n")

    state, kinds = _load("Lead_long_text.csv", export.encode())

    leads = _leads(state)
    assert sorted(leads) == [f"00Q{1:015d}", f"00Q{2:015d}"]
    assert _extras(leads[f"00Q{1:015d}"])["Description"] == text.replace("\n", "\r\n")
    assert (_ledger(state)["rows_total"], state["_rejected_rows"]) == (2, [])
    assert kinds == ["_FastStaged"]


def test_a_broken_quote_inside_a_multi_line_field_rejects_that_record_whole():
    broken = f'00Q{1:015d},Open,{USER_ID},{AT},{AT},"first line\nsaid "hi" twice\n{PHANTOM}\nlast line"\n'
    export = f"{LEAD},Description\n{broken}00Q{2:015d},Open,{USER_ID},{AT},{AT},after\n"

    state, kinds = _load("Lead_broken_quote.csv", export.encode())

    assert sorted(_leads(state)) == [f"00Q{2:015d}"]
    [(_, row, field, reason, record)] = state["_rejected_rows"]
    assert (row, field, record) == (1, None, broken)
    assert reason.startswith("unreadable CSV: ")
    ledger = _ledger(state)
    assert (ledger["status"], ledger["rows_total"], ledger["rows_rejected"]) == ("partial", 2, 1)
    assert kinds == ["Streamed"]


def test_an_unterminated_quote_takes_the_rest_of_the_file_into_its_rejected_record():
    tail = f'00Q{2:015d},Open,{USER_ID},{AT},{AT},"never closed\n{PHANTOM}\n'
    export = f"{LEAD},Description\n00Q{1:015d},Open,{USER_ID},{AT},{AT},ok\n{tail}"

    state, _ = _load("Lead_unterminated.csv", export.encode())

    assert sorted(_leads(state)) == [f"00Q{1:015d}"]
    assert [(r[1], r[4]) for r in state["_rejected_rows"]] == [(2, tail)]
    assert [_ledger(state)[k] for k in ("rows_total", "rows_loaded", "rows_rejected")] == [2, 1, 1]


@pytest.mark.parametrize("empty", ["000000000000000AAA", "000000000000000"])
def test_the_empty_lookup_in_a_required_field_is_a_rejected_row_not_a_null_key(empty: str):
    """A lead always has an owner: the empty lookup there is a rejected row, where it used to load and then fail the
    models' not-null tests on every later run. In a lookup that may be empty it loads (null in staging)."""
    data = (f"{LEAD}\n00Q000000000001AAA,Open,{empty},{AT},{AT}\n00Q000000000002AAA,Open,{USER_ID},{AT},{AT}\n"
            f"00Q000000000003AAA,Open,{empty}X,{AT},{AT}\n").encode()

    state, _ = _load("Lead_owners.csv", data)

    assert sorted(_leads(state)) == ["00Q000000000002AAA", "00Q000000000003AAA"]  # a 16-character id is no lookup
    assert (_ledger(state)["status"], _ledger(state)["rows_rejected"]) == ("partial", 1)
    [(_, row_number, field, reason, _record)] = state["_rejected_rows"]
    assert (row_number, field) == (1, "OwnerId")
    assert reason == f"OwnerId: required value is Salesforce's empty lookup '{empty}'"
