"""The asset-check wrapper: a suite result as an AssetCheckResult readable in the Dagster UI."""

from datetime import datetime

import dagster as dg
import duckdb
import pandas as pd

from expectations.validate import ERROR, WARN, FailedExpectation, SuiteResult
from ingest.schema import SALESFORCE_LEADS, create_statements
from orchestration.lib import gx_checks
from orchestration.lib.gx_checks import GX_CHECK, QUARANTINED, check_result, raw_check_result, validate_new_rows
from tests.expectations.conftest import RAW_PARAMETERS

KEY = dg.AssetKey(["raw", "salesforce_leads"])
BAD_ID = FailedExpectation("expect_column_values_to_match_regex", "Id", ERROR, 2, ("00T1", "x"))
BAD_EMAIL = FailedExpectation("expect_column_values_to_match_regex", "Email", WARN, 1, ("l1 at client",))
ROW_COUNT = FailedExpectation("expect_table_row_count_to_equal", None, WARN, None, (), observed="8")


def test_a_failed_error_expectation_makes_an_error_result_listing_every_failure():
    result = check_result(SuiteResult("salesforce_leads", 17, (BAD_ID, BAD_EMAIL)), KEY)
    assert (result.passed, result.severity, result.check_name, result.asset_key) == (
        False, dg.AssetCheckSeverity.ERROR, GX_CHECK, KEY
    )
    table = result.metadata["failed_expectations"].value
    assert "| expect_column_values_to_match_regex | Id | ERROR | 2 | `00T1`, `x` |" in table
    assert "| Email | WARN | 1 | `l1 at client` |" in table
    assert result.metadata["failures"].value[0] == {
        "expectation": "expect_column_values_to_match_regex", "column": "Id", "severity": ERROR,
        "unexpected_count": 2, "samples": ["00T1", "x"], "observed": None,
    }
    assert result.metadata["rows_validated"].value == 17


def test_warnings_only_make_a_warning_with_the_observed_value():
    result = check_result(SuiteResult("lead_aging", 8, (ROW_COUNT,)), KEY)
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.WARN)
    table = result.metadata["failed_expectations"].value
    assert "| expect_table_row_count_to_equal |  | WARN | observed 8 |  |" in table


def test_a_passed_suite_says_how_many_rows_it_validated():
    result = check_result(SuiteResult("salesforce_leads", 17, ()), KEY)
    assert result.passed
    assert result.metadata["failed_expectations"].value == "all expectations of `salesforce_leads` passed on 17 rows"


def _warehouse(leads: pd.DataFrame, file_id: int) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse whose raw.salesforce_leads holds the rows, loaded from file `file_id`."""
    con = duckdb.connect()
    for statement in create_statements():
        con.execute(statement)
    frame = leads.assign(_file_id=file_id, _row_number=range(1, len(leads) + 1))  # noqa: F841 (read by the SQL)
    con.execute(f"insert into {SALESFORCE_LEADS.qualified} by name select * from frame")
    return con


def _validated(con: duckdb.DuckDBPyConnection, parameters: dict, file_ids: list[int]):
    """The validation and its check result (quarantining nothing: the ledger is not part of this test)."""
    validation = validate_new_rows(con, SALESFORCE_LEADS, parameters, file_ids)
    return validation, raw_check_result(validation, [])


def test_no_new_rows_pass_without_running_the_suite():
    con = _warehouse(_leads(), 3)
    validation, result = _validated(con, {}, [])
    assert result.passed
    assert result.metadata["rows_validated"].value == 0
    assert result.metadata["failed_expectations"].value == "no new rows"
    assert validation.at_fault == [] and result.metadata[QUARANTINED].value == []


def _leads(rows: int = 1, **values) -> pd.DataFrame:
    row = {
        "Id": "00Q000000000001AAA", "OwnerId": "005A00000000001AAA", "Email": "l1@client.example",
        "CreatedDate": datetime(2024, 3, 1, 9), "LastModifiedDate": datetime(2024, 3, 5, 10),
    }
    return pd.DataFrame([{**row, **values}] * rows)


def test_an_error_failure_names_the_file_at_fault_and_the_reason():
    con = _warehouse(_leads(OwnerId="Ana Diligent"), 3)
    clean = _leads(2, Id="00Q000000000002AAA").assign(_file_id=4, _row_number=[1, 2])  # noqa: F841
    con.execute(f"insert into {SALESFORCE_LEADS.qualified} by name select * from clean")
    validation, result = _validated(con, RAW_PARAMETERS, [3, 4])
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert "`Ana Diligent`" in result.metadata["failed_expectations"].value
    assert result.metadata["file_ids"].value == [3, 4]
    assert validation.at_fault == [3], "the clean file validated with it is not at fault"
    assert validation.reason == "expect_column_values_to_match_regex on OwnerId: 1 unexpected (e.g. 'Ana Diligent')"


def test_the_check_lists_the_files_it_quarantined():
    con = _warehouse(_leads(OwnerId="Ana Diligent"), 3)
    validation = validate_new_rows(con, SALESFORCE_LEADS, RAW_PARAMETERS, [3])
    result = raw_check_result(validation, [(3, "/landing/salesforce/Lead.csv")])
    assert result.metadata[QUARANTINED].value == [{"file_id": 3, "path": "/landing/salesforce/Lead.csv"}]


def test_a_warning_puts_no_file_at_fault():
    con = _warehouse(_leads(Email="nobody"), 3)
    validation, result = _validated(con, RAW_PARAMETERS, [3])
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert validation.at_fault == [] and validation.reason == ""


def test_rows_of_other_files_are_not_validated():
    con = _warehouse(_leads(OwnerId="Ana Diligent"), 2)
    _, result = _validated(con, RAW_PARAMETERS, [3])
    assert result.passed and result.metadata["rows_validated"].value == 0


def test_new_rows_are_validated_a_chunk_at_a_time_and_the_counts_add_up(monkeypatch):
    monkeypatch.setattr(gx_checks, "VALIDATION_CHUNK_VECTORS", 1)  # 2,048 rows a chunk
    con = _warehouse(_leads(5000, Email="nobody"), 3)
    _, result = _validated(con, RAW_PARAMETERS, [3])
    [failure] = result.metadata["failures"].value
    assert (failure["column"], failure["unexpected_count"], len(failure["samples"])) == ("Email", 5000, 5)
    assert result.metadata["rows_validated"].value == 5000


def test_a_big_load_is_sampled_but_every_files_head_is_validated(monkeypatch):
    """Above SAMPLE_ROWS new rows GX sees every file's first rows and an even spread of the rest: a file spoilt by
    its exporter (here a shifted OwnerId in all its rows) is still caught, and it alone is at fault."""
    monkeypatch.setattr(gx_checks, "SAMPLE_ROWS", 1_000)
    con = _warehouse(_leads(20_000), 3)
    shifted = _leads(300, OwnerId="Ana Diligent").assign(_file_id=4, _row_number=range(1, 301))  # noqa: F841
    con.execute(f"insert into {SALESFORCE_LEADS.qualified} by name select * from shifted")
    validation, result = _validated(con, RAW_PARAMETERS, [3, 4])
    assert result.metadata["new_rows"].value == 20_300 and result.metadata["sampled"].value is True
    assert 1_000 < result.metadata["rows_validated"].value < 2_000
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert validation.at_fault == [4]
