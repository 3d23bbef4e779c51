"""Great Expectations results as Dagster asset check results (dagster-ge supports only GX < 1).

A failed suite's check carries the suite's worst severity (ERROR when any error expectation failed, else
WARN) and lists every failed expectation with sample unexpected values, as a Markdown table and as JSON.
"""

from dataclasses import asdict
from typing import Any

import dagster as dg
import great_expectations as gx
import pandas as pd

from expectations.validate import ERROR, SuiteResult, validate

GX_CHECK = "gx_expectations"
_SEVERITIES = {ERROR: dg.AssetCheckSeverity.ERROR}


def _markdown(result: SuiteResult) -> str:
    if result.passed:
        return f"all expectations of `{result.suite}` passed on {result.rows} rows"
    lines = ["| expectation | column | severity | unexpected | samples |", "|---|---|---|---|---|"]
    for f in result.failures:
        found = f.unexpected_count if f.unexpected_count is not None else f"observed {f.observed}"
        samples = ", ".join(f"`{s}`" for s in f.samples)
        lines.append(f"| {f.expectation} | {f.column or ''} | {f.severity} | {found} | {samples} |")
    return "\n".join(lines)


def check_result(result: SuiteResult, asset_key: dg.AssetKey, check_name: str = GX_CHECK) -> dg.AssetCheckResult:
    """One asset check result for a whole suite's validation."""
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=check_name,
        passed=result.passed,
        severity=_SEVERITIES.get(result.severity, dg.AssetCheckSeverity.WARN),
        metadata={
            "suite": result.suite,
            "rows_validated": result.rows,
            "failed_expectations": dg.MetadataValue.md(_markdown(result)),
            "failures": dg.MetadataValue.json([asdict(f) for f in result.failures]),
        },
    )


def validate_new_rows(
    frame: pd.DataFrame,
    suite: gx.ExpectationSuite,
    asset_key: dg.AssetKey,
    parameters: dict[str, Any] | None = None,
    check_name: str = GX_CHECK,
) -> dg.AssetCheckResult:
    """Validate the rows a load added; none passes without running GX, saying "no new rows"."""
    if not frame.empty:
        return check_result(validate(frame, suite, parameters), asset_key, check_name)
    return dg.AssetCheckResult(
        asset_key=asset_key,
        check_name=check_name,
        passed=True,
        metadata={"suite": suite.name, "rows_validated": 0, "failed_expectations": dg.MetadataValue.md("no new rows")},
    )
