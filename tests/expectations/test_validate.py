"""The runner: plain results with severities, counts and samples; contexts built once per process."""

import pandas as pd

from expectations.suites import RAW_SUITES
from expectations.validate import ERROR, SAMPLE_SIZE, _batch_definition, has_errors, validate
from tests.expectations.conftest import RAW_PARAMETERS


def test_a_failure_carries_its_count_and_a_few_samples(clean_tables):
    users = clean_tables["salesforce_users"]
    broken = pd.concat([users] * 3, ignore_index=True).assign(Id=[f"bad-{i}" for i in range(len(users) * 3)])
    (failure,) = validate(broken, RAW_SUITES["salesforce_users"](), RAW_PARAMETERS).failures
    assert (failure.column, failure.severity, failure.unexpected_count) == ("Id", ERROR, 12)
    assert failure.samples == tuple(f"bad-{i}" for i in range(SAMPLE_SIZE))


def test_an_empty_table_has_nothing_unexpected(clean_tables):
    empty = clean_tables["salesforce_leads"].iloc[0:0]
    result = validate(empty, RAW_SUITES["salesforce_leads"](), RAW_PARAMETERS)
    assert result.passed and result.rows == 0


def test_only_suites_with_error_expectations_block():
    blocking = {name for name, build in RAW_SUITES.items() if has_errors(build())}
    assert blocking == {"salesforce_leads", "salesforce_tasks", "salesforce_users", "salesforce_lead_history"}


def test_the_batch_definition_is_built_once_per_suite():
    assert _batch_definition("salesforce_leads") is _batch_definition("salesforce_leads")
    assert _batch_definition("salesforce_leads") is not _batch_definition("salesforce_tasks")
