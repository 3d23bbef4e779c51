"""Salesforce CSV exports: each object typed as the raw schema declares, export quirks, bad rows and bad files."""

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from ingest import salesforce
from ingest.records import FileRejected, ParsedFile
from ingest.schema import SALESFORCE_LEAD_HISTORY, SALESFORCE_LEADS, SALESFORCE_TASKS, SALESFORCE_USERS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest" / "salesforce"
LEAD_HEADER = "Id,Status,OwnerId,CreatedDate,LastModifiedDate"
AT = "2024-03-05T14:22:10.000Z"


def _parse_fixture(name: str) -> ParsedFile:
    path = FIXTURES / name
    return salesforce.parse(path, path.read_bytes())


def _parse_lead(text: str, name: str = "Lead.csv") -> ParsedFile:
    return salesforce.parse(Path(name), text.encode("utf-8"))


def _by_id(parsed: ParsedFile, table: str) -> dict[str, dict]:
    return {row["Id"]: row for row in parsed.rows[table]}


def test_lead_export_is_typed():
    parsed = _parse_fixture("Lead_2024-03-05.csv")

    leads = _by_id(parsed, SALESFORCE_LEADS.name)
    assert set(parsed.rows) == {SALESFORCE_LEADS.name}
    assert (parsed.rows_total, parsed.rejections) == (2, [])
    converted = leads["00Q000000000001AAA"]
    assert converted["NumberOfEmployees"] == 250 and isinstance(converted["NumberOfEmployees"], int)
    assert converted["AnnualRevenue"] == 1250000.5
    assert converted["IsConverted"] is True and converted["IsDeleted"] is False
    assert converted["ConvertedDate"] == date(2024, 3, 8)
    assert converted["CreatedDate"] == datetime(2024, 3, 1, 9, 0)
    assert converted["LastModifiedDate"] == datetime(2024, 3, 8, 14, 22, 10)
    assert converted["CreatedDate"].tzinfo is None
    assert (converted["Email"], converted["Status"]) == ("lou@client.example", "Closed - Converted")
    fresh = leads["00Q000000000002AAA"]
    assert (fresh["IsConverted"], fresh["IsDeleted"]) == (False, True)
    assert fresh["Email"] is None and fresh["NumberOfEmployees"] is None and fresh["ConvertedDate"] is None
    assert [row["_row_number"] for row in parsed.rows[SALESFORCE_LEADS.name]] == [1, 2]


def test_task_export_is_typed():
    parsed = _parse_fixture("Task_2024-03-05.csv")

    tasks = _by_id(parsed, SALESFORCE_TASKS.name)
    call, todo = tasks["00T000000000001AAA"], tasks["00T000000000002AAA"]
    assert call["CallDurationInSeconds"] == 95
    assert call["ActivityDate"] == date(2024, 3, 1)
    assert call["CompletedDateTime"] == datetime(2024, 3, 1, 10, 1, 35)
    assert (call["CallDisposition"], call["IsDeleted"]) == ("Connected", False)
    assert todo["CallDurationInSeconds"] is None and todo["CompletedDateTime"] is None
    assert (todo["ActivityDate"], todo["IsDeleted"]) == (date(2024, 3, 6), False)


def test_user_export_is_typed():
    parsed = _parse_fixture("User.csv")

    users = _by_id(parsed, SALESFORCE_USERS.name)
    assert {user_id: user["IsActive"] for user_id, user in users.items()} == {
        "005A00000000001AAA": True,
        "005M00000000001AAA": True,
        "005C00000000001AAA": False,
    }
    assert users["005M00000000001AAA"]["ManagerId"] is None
    assert users["005A00000000001AAA"]["Name"] == "Ana Diligent"


def test_lead_history_file_is_not_taken_for_a_lead_file():
    parsed = _parse_fixture("LeadHistory_2024-03-05.csv")

    assert set(parsed.rows) == {SALESFORCE_LEAD_HISTORY.name}
    history = _by_id(parsed, SALESFORCE_LEAD_HISTORY.name)
    change = history["017000000000002AAA"]
    assert (change["LeadId"], change["Field"]) == ("00Q000000000001AAA", "Status")
    assert (change["OldValue"], change["NewValue"]) == ("Open - Not Contacted", "Closed - Converted")
    assert change["CreatedDate"] == datetime(2024, 3, 8, 14, 22, 10)
    assert history["017000000000001AAA"]["OldValue"] is None


def test_unknown_object_rejects_the_file_naming_it():
    with pytest.raises(FileRejected, match=r"Opportunity_2024\.csv"):
        salesforce.parse(Path("Opportunity_2024.csv"), b"Id\n1\n")


def test_export_quirks_bom_crlf_quotes_column_order_extras():
    data = (FIXTURES / "Lead_quirks.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data, "fixture must keep its BOM and CRLF"

    parsed = _parse_fixture("Lead_quirks.csv")

    assert (parsed.rows_total, parsed.rejections) == (2, [])
    leads = _by_id(parsed, SALESFORCE_LEADS.name)
    acme = leads["00Q000000000003AAA"]
    assert acme["Company"] == 'Acme, Inc. "West"'
    assert acme["Status"] == "Working - Contacted"
    assert acme["LastModifiedDate"] == datetime(2024, 3, 5, 14, 22, 10)
    assert json.loads(acme["_extras"]) == {"Rating__c": "Hot", "Description": "Met at the fair,\nasked for a demo"}
    assert acme["FirstName"] is None and acme["IsConverted"] is None and acme["AnnualRevenue"] is None
    assert json.loads(leads["00Q000000000004AAA"]["_extras"]) == {"Rating__c": "", "Description": ""}


def test_file_without_extra_columns_has_no_extras():
    parsed = _parse_fixture("Lead_2024-03-05.csv")

    assert all(row["_extras"] is None for row in parsed.rows[SALESFORCE_LEADS.name])


def test_datetime_offsets_become_naive_utc():
    parsed = _parse_lead(f"{LEAD_HEADER}\n1,Open,u,2024-03-05T09:22:10.000-0500,2024-03-05T15:22:10+01:00\n")

    lead = parsed.rows[SALESFORCE_LEADS.name][0]
    assert lead["CreatedDate"] == datetime(2024, 3, 5, 14, 22, 10)
    assert lead["LastModifiedDate"] == datetime(2024, 3, 5, 14, 22, 10)


def test_missing_required_column_rejects_the_file_naming_it():
    with pytest.raises(FileRejected, match="OwnerId"):
        _parse_lead(f"Id,Status,CreatedDate,LastModifiedDate\n1,Open,{AT},{AT}\n")


BAD_ROWS = {
    1: ("Status", "Status"),
    2: ("CreatedDate", "2024-03-01 nine"),
    3: ("NumberOfEmployees", "-5"),
    4: ("AnnualRevenue", "lots"),
    6: ("IsConverted", "yes"),
}


def test_bad_values_reject_their_row_naming_field_and_value():
    parsed = _parse_fixture("Lead_bad_rows.csv")

    assert parsed.rows_total == 8
    assert [row["Id"] for row in parsed.rows[SALESFORCE_LEADS.name]] == ["00Q000000000015AAA"]
    assert parsed.rows[SALESFORCE_LEADS.name][0]["_row_number"] == 5
    rejected = {r.row_number: r for r in parsed.rejections}
    assert set(rejected) == {1, 2, 3, 4, 6, 7, 8}
    for number, (field, value) in BAD_ROWS.items():
        assert rejected[number].field == field
        assert field in rejected[number].reason and value in rejected[number].reason
    assert "empty" in rejected[1].reason
    assert rejected[3].record.startswith("00Q000000000013AAA,C,-5,")


def test_rows_with_too_many_or_too_few_fields_are_rejected():
    parsed = _parse_fixture("Lead_bad_rows.csv")

    rejected = {r.row_number: r for r in parsed.rejections}
    assert rejected[7].field is None and "10 fields" in rejected[7].reason and "9" in rejected[7].reason
    assert rejected[8].field is None and "5 fields" in rejected[8].reason
    assert rejected[7].record.rstrip("\r\n").endswith(",surplus")


def test_rejected_multi_line_record_is_the_delivered_text():
    record = f'2,"Two\r\nlines, ""quoted""",u,not a date,{AT}'
    text = f'{LEAD_HEADER}\r\n1,Open,u,{AT},{AT}\r\n{record}\r\n3,"a\nb",u,{AT},{AT}\r\n'

    parsed = _parse_lead(text)

    assert parsed.rows_total == 3
    assert [(r.row_number, r.field) for r in parsed.rejections] == [(2, "CreatedDate")]
    assert parsed.rejections[0].record.rstrip("\r\n") == record
    assert [row["Status"] for row in parsed.rows[SALESFORCE_LEADS.name]] == ["Open", "a\nb"]
    assert [row["_row_number"] for row in parsed.rows[SALESFORCE_LEADS.name]] == [1, 3]


def test_unreadable_csv_row_is_rejected_and_the_rest_load():
    parsed = _parse_lead(f'{LEAD_HEADER}\n1,"Op"en,u,{AT},{AT}\n2,Open,u,{AT},{AT}\n')

    assert parsed.rows_total == 2
    assert [(r.row_number, r.field) for r in parsed.rejections] == [(1, None)]
    assert "CSV" in parsed.rejections[0].reason
    assert [row["Id"] for row in parsed.rows[SALESFORCE_LEADS.name]] == ["2"]


def test_boolean_spellings():
    rows = "".join(f"{i},Open,u,{AT},{AT},{value}\n" for i, value in enumerate(["true", "false", "1", "0"]))

    parsed = _parse_lead(f"{LEAD_HEADER},IsDeleted\n{rows}")

    assert [row["IsDeleted"] for row in parsed.rows[SALESFORCE_LEADS.name]] == [True, False, True, False]


def test_number_too_large_for_the_warehouse_is_rejected():
    parsed = _parse_lead(f"{LEAD_HEADER},NumberOfEmployees\n1,Open,u,{AT},{AT},1e30\n")

    assert [(r.row_number, r.field) for r in parsed.rejections] == [(1, "NumberOfEmployees")]


def test_datetime_out_of_range_in_utc_is_rejected():
    parsed = _parse_lead(f"{LEAD_HEADER}\n1,Open,u,9999-12-31T23:00:00-05:00,{AT}\n")

    assert [(r.row_number, r.field) for r in parsed.rejections] == [(1, "CreatedDate")]


def test_empty_file_is_rejected():
    with pytest.raises(FileRejected, match="empty"):
        salesforce.parse(Path("Lead.csv"), b"")


def test_header_only_file_has_no_rows():
    parsed = _parse_lead(f"{LEAD_HEADER}\r\n")

    assert (parsed.rows_total, parsed.rows, parsed.rejections) == (0, {}, [])


def test_blank_lines_are_not_records():
    parsed = _parse_lead(f"{LEAD_HEADER}\n\n1,Open,u,{AT},{AT}\n\n")

    assert parsed.rows_total == 1 and len(parsed.rows[SALESFORCE_LEADS.name]) == 1


@pytest.mark.parametrize(("prefix", "offset", "configured"), [(b"", 51, "utf-8"), (b"\xef\xbb\xbf", 54, "")])
def test_non_utf8_bytes_in_a_file_declared_utf8_reject_it_with_the_offset(prefix: bytes, offset: int,
                                                                          configured: str, monkeypatch):
    monkeypatch.setenv("RADAR_SALESFORCE_ENCODING", configured)
    data = prefix + f"{LEAD_HEADER}\n1,Op".encode() + b"\xe9n"
    assert data[offset] == 0xE9

    with pytest.raises(FileRejected, match=f"0xe9 at offset {offset}"):
        salesforce.parse(Path("Lead.csv"), data)
