"""Validate a pandas DataFrame against a suite in an ephemeral GX context; a plain result comes back.

GX takes 3.5-4.5 s to import (once per process); building the context is ~20 ms. The context, its pandas
datasource and one dataframe asset per suite are built once per process and reused: they hold no data, the frame
is handed over per validation. Measured: 20-170 ms per raw suite on the demo's tables (10 to 6,000 rows).
"""

from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from typing import Any

import great_expectations as gx
import pandas as pd
from great_expectations.core.batch_definition import BatchDefinition
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.expectations.metadata_types import FailureSeverity

from expectations.results import ERROR, WARN, FailedExpectation, SuiteResult

__all__ = [
    "ERROR", "SAMPLE_SIZE", "WARN", "FailedExpectation", "SuiteResult", "columns_read", "has_errors", "validate",
    "validate_chunks",
]

SAMPLE_SIZE = 5
_RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE}


def severity_name(severity: FailureSeverity) -> str:
    return ERROR if severity == FailureSeverity.CRITICAL else WARN


def has_errors(suite: gx.ExpectationSuite) -> bool:
    """Whether any expectation of the suite is an error (such a suite's check blocks downstream)."""
    return any(severity_name(e.severity) == ERROR for e in suite.expectations)


@cache
def _datasource():
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context.data_sources.add_pandas("radar")


@cache
def _batch_definition(suite_name: str) -> BatchDefinition:
    return _datasource().add_dataframe_asset(suite_name).add_batch_definition_whole_dataframe("whole_frame")


def _column(kwargs: dict[str, Any]) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    columns = kwargs.get("column_list") or [kwargs[k] for k in ("column_A", "column_B") if k in kwargs]
    return ", ".join(columns) or None


def _shown(value: Any) -> str:
    return "null" if pd.api.types.is_scalar(value) and pd.isna(value) else str(value)


def _failure(result) -> FailedExpectation:
    config, details = result.expectation_config, result.result or {}
    error = (result.exception_info or {}).get("exception_message")
    observed = details.get("observed_value", error)
    return FailedExpectation(
        expectation=config.type,
        column=_column(config.kwargs),
        severity=severity_name(config.severity),
        unexpected_count=details.get("unexpected_count"),
        samples=tuple(_shown(v) for v in details.get("partial_unexpected_list") or ())[:SAMPLE_SIZE],
        observed=None if observed is None else str(observed),
    )


def validate(frame: pd.DataFrame, suite: gx.ExpectationSuite, parameters: dict[str, Any] | None = None) -> SuiteResult:
    """Every expectation of `suite` on the whole of `frame`, with the suite's run-time parameters."""
    batch = _batch_definition(suite.name).get_batch(batch_parameters={"dataframe": frame})
    outcome = batch.validate(suite, result_format=_RESULT_FORMAT, expectation_parameters=parameters or {})
    failures = tuple(_failure(r) for r in outcome.results if not r.success)
    return SuiteResult(suite=suite.name, rows=len(frame), failures=failures)


def columns_read(suite: gx.ExpectationSuite) -> list[str]:
    """The columns the suite's expectations look at (so a caller reads only those)."""
    names = []
    for expectation in suite.expectations:
        kwargs = expectation.configuration.kwargs
        names += [kwargs["column"]] if "column" in kwargs else list(kwargs.get("column_list") or [])
        names += [kwargs[k] for k in ("column_A", "column_B") if k in kwargs]
    return list(dict.fromkeys(names))


def validate_chunks(
    frames: Iterable[pd.DataFrame], suite: gx.ExpectationSuite, parameters: dict[str, Any] | None = None
) -> SuiteResult:
    """The suite on rows handed over in chunks, so memory follows the chunk, not the rows: for suites of column
    value expectations (each row judged alone), whose unexpected counts add up and whose samples are the first
    ones met. A suite with table-level expectations (row counts, uniqueness) must see the whole frame."""
    rows, failures = 0, {}
    for frame in frames:
        result = validate(frame, suite, parameters)
        rows += result.rows
        for failure in result.failures:
            key = (failure.expectation, failure.column)
            seen = failures.get(key)
            failures[key] = failure if seen is None else replace(
                seen,
                unexpected_count=(seen.unexpected_count or 0) + (failure.unexpected_count or 0),
                samples=(seen.samples + failure.samples)[:SAMPLE_SIZE],
            )
    return SuiteResult(suite=suite.name, rows=rows, failures=tuple(failures.values()))
