"""The asset-check wrapper: a suite result as an AssetCheckResult readable in the Dagster UI."""

from datetime import datetime

import dagster as dg
import pandas as pd

from expectations.suites import RAW_SUITES
from expectations.validate import ERROR, WARN, FailedExpectation, SuiteResult
from orchestration.lib.gx_checks import BLOCKED_FILES, GX_CHECK, check_result, validate_new_rows
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


def test_no_new_rows_pass_without_running_the_suite():
    result = validate_new_rows(pd.DataFrame(), RAW_SUITES["salesforce_leads"](), KEY, {}, [])
    assert result.passed
    assert result.metadata["rows_validated"].value == 0
    assert result.metadata["failed_expectations"].value == "no new rows"
    assert result.metadata[BLOCKED_FILES].value == []


def _leads(**values) -> pd.DataFrame:
    row = {
        "Id": "00Q000000000001AAA", "OwnerId": "005A00000000001AAA", "Email": "l1@client.example",
        "CreatedDate": datetime(2024, 3, 1, 9), "LastModifiedDate": datetime(2024, 3, 5, 10),
    }
    return pd.DataFrame([{**row, **values}])


def test_an_error_failure_blocks_the_files_it_validated():
    leads = _leads(OwnerId="Ana Diligent")
    result = validate_new_rows(leads, RAW_SUITES["salesforce_leads"](), KEY, RAW_PARAMETERS, [3, 4])
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert "`Ana Diligent`" in result.metadata["failed_expectations"].value
    assert (result.metadata["file_ids"].value, result.metadata[BLOCKED_FILES].value) == ([3, 4], [3, 4])


def test_a_warning_blocks_no_file():
    leads = _leads(Email="nobody")
    result = validate_new_rows(leads, RAW_SUITES["salesforce_leads"](), KEY, RAW_PARAMETERS, [3])
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert result.metadata[BLOCKED_FILES].value == []
