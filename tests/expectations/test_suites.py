"""Each suite passes on a clean table and fails on a broken one, naming the expectation and its severity."""

from collections.abc import Callable
from datetime import datetime

import pandas as pd
import pytest

from expectations.suites import BLOCKING, RAW_SUITES
from expectations.validate import ERROR, WARN, has_errors, validate
from tests.expectations.conftest import LOAD_TIME, parameters_for

SUITES = RAW_SUITES
AFTER_LOAD = datetime(2024, 3, 15, 0, 16)  # 16 minutes after the load: past the tolerance
WITHIN_TOLERANCE = datetime(2024, 3, 15, 0, 14)
REGEX = "expect_column_values_to_match_regex"
IN_SET = "expect_column_values_to_be_in_set"
BETWEEN = "expect_column_values_to_be_between"
NOT_NULL = "expect_column_values_to_not_be_null"
PAIR = "expect_column_pair_values_a_to_be_greater_than_b"


def _set(column: str, value: object, row: int = 0) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def mutate(frame: pd.DataFrame) -> pd.DataFrame:
        broken = frame.copy()
        broken.loc[row, column] = value
        return broken

    return mutate


def _copy_key(columns: list[str]) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def mutate(frame: pd.DataFrame) -> pd.DataFrame:
        broken = frame.copy()
        broken.loc[1, columns] = broken.loc[0, columns].to_numpy()
        return broken

    return mutate


# (table, what breaks, the failures it must cause as (expectation, column), the result's severity)
BROKEN = [
    ("salesforce_leads", _set("Id", "00T000000000001AAA"), {(REGEX, "Id")}, ERROR),
    ("salesforce_leads", _set("Id", "00Q00000000001"), {(REGEX, "Id")}, ERROR),
    ("salesforce_leads", _set("OwnerId", "Ana Diligent"), {(REGEX, "OwnerId")}, ERROR),
    ("salesforce_leads", _set("LastModifiedDate", AFTER_LOAD), {(BETWEEN, "LastModifiedDate")}, ERROR),
    ("salesforce_leads", _set("Email", "l1 at client.example"), {(REGEX, "Email")}, WARN),
    ("salesforce_leads", _set("LastModifiedDate", datetime(2024, 2, 1)),
     {(PAIR, "LastModifiedDate, CreatedDate")}, WARN),
    ("salesforce_tasks", _set("Id", "00Q000000000001AAA"), {(REGEX, "Id")}, ERROR),
    ("salesforce_tasks", _set("WhoId", "005A00000000001AAA"), {(REGEX, "WhoId")}, ERROR),
    ("salesforce_tasks", _set("OwnerId", "005A0000000001"), {(REGEX, "OwnerId")}, ERROR),
    ("salesforce_tasks", _set("CompletedDateTime", AFTER_LOAD), {(BETWEEN, "CompletedDateTime")}, ERROR),
    ("salesforce_tasks", _set("TaskSubtype", "Meeting"), {(IN_SET, "TaskSubtype")}, WARN),
    ("salesforce_users", _set("Id", "00Q000000000001AAA"), {(REGEX, "Id")}, ERROR),
    ("salesforce_users", _set("ManagerId", "Mia"), {(REGEX, "ManagerId")}, WARN),
    ("salesforce_users", _set("Email", None), {(NOT_NULL, "Email")}, WARN),
    ("salesforce_users", _set("Email", "ana@acme"), {(REGEX, "Email")}, WARN),
    ("salesforce_users", _set("Department", None), {(NOT_NULL, "Department")}, WARN),
    ("salesforce_lead_history", _set("Id", "017-1"), {(REGEX, "Id")}, ERROR),
    ("salesforce_lead_history", _set("LeadId", "Client One"), {(REGEX, "LeadId")}, ERROR),
    ("salesforce_lead_history", _set("CreatedDate", AFTER_LOAD), {(BETWEEN, "CreatedDate")}, ERROR),
    ("mailbox_messages", _set("sent_at", AFTER_LOAD), {(BETWEEN, "sent_at")}, WARN),
    ("mailbox_messages", _set("from_address", "ana"), {(REGEX, "from_address")}, WARN),
    ("mailbox_recipients", _set("address", "undisclosed-recipients"), {(REGEX, "address")}, WARN),
    ("sendgrid_events", _set("event", "group_resubscribe"), {(IN_SET, "event")}, WARN),
    ("sendgrid_events", _set("email", "l1@client"), {(REGEX, "email")}, WARN),
    ("sendgrid_events", _set("event_at", AFTER_LOAD), {(BETWEEN, "event_at")}, WARN),
    ("sendgrid_events", _set("smtp_id", None), {(NOT_NULL, "smtp_id")}, WARN),
]


@pytest.mark.parametrize("table", sorted(SUITES))
def test_suite_passes_on_the_clean_table(table, clean_tables):
    result = validate(clean_tables[table], SUITES[table](), parameters_for(table))
    assert result.failures == ()
    assert result.passed and result.rows == len(clean_tables[table]) > 0


@pytest.mark.parametrize(("table", "mutate", "expected", "severity"), BROKEN)
def test_suite_fails_on_a_broken_table_naming_the_expectation(table, mutate, expected, severity, clean_tables):
    result = validate(mutate(clean_tables[table]), SUITES[table](), parameters_for(table))
    assert not result.passed
    assert {(f.expectation, f.column) for f in result.failures} == expected
    assert result.severity == severity


def test_every_suite_is_broken_at_least_once():
    assert {case[0] for case in BROKEN} == set(SUITES)


def test_a_timestamp_within_the_tolerance_after_the_load_passes(clean_tables):
    broken = _set("sent_at", WITHIN_TOLERANCE)(clean_tables["mailbox_messages"])
    assert validate(broken, SUITES["mailbox_messages"](), parameters_for("mailbox_messages")).passed
    assert LOAD_TIME < WITHIN_TOLERANCE


EMPTY_LOOKUPS = ["000000000000000AAA", "000000000000000"]
LOOKUPS = [("salesforce_tasks", "WhoId"), ("salesforce_tasks", "OwnerId"), ("salesforce_leads", "OwnerId"),
           ("salesforce_users", "ManagerId"), ("salesforce_lead_history", "LeadId")]  # fmt: skip


@pytest.mark.parametrize("empty", EMPTY_LOOKUPS)
@pytest.mark.parametrize(("table", "column"), LOOKUPS)
def test_salesforces_empty_lookup_passes_in_a_lookup_field(table, column, empty, clean_tables):
    result = validate(_set(column, empty)(clean_tables[table]), SUITES[table](), parameters_for(table))
    assert result.failures == ()


@pytest.mark.parametrize("table", ["salesforce_leads", "salesforce_tasks", "salesforce_users"])
def test_the_empty_lookup_as_a_records_own_id_fails_the_blocking_check(table, clean_tables):
    result = validate(_set("Id", EMPTY_LOOKUPS[0])(clean_tables[table]), SUITES[table](), parameters_for(table))
    assert {(f.expectation, f.column) for f in result.failures} == {(REGEX, "Id")}
    assert result.severity == ERROR


def test_the_hand_made_sendgrid_file_warns_about_its_unknown_event(handmade_raw):
    result = validate(handmade_raw["sendgrid_events"], SUITES["sendgrid_events"](), parameters_for("sendgrid_events"))
    assert {(f.expectation, f.column, f.samples) for f in result.failures} == {
        (IN_SET, "event", ("group_resubscribe",)),
        (NOT_NULL, "smtp_id", ("null",)),
    }
    assert result.severity == WARN


@pytest.mark.parametrize("table", sorted(BLOCKING))
def test_the_static_blocking_flag_is_true_to_the_suite(table: str):
    """The Dagster definitions read BLOCKING without building the suites (Great Expectations loads only in the
    steps that validate): it must say what the suite says."""
    assert BLOCKING[table] == has_errors(RAW_SUITES[table]())
