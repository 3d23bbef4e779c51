"""marts.follow_up_coverage_daily after a build: one row per (day, rep), counts that nest
(covered <= due <= open) and a coverage ratio between 0 and 1 (null when nothing is due)."""

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.suites._rules import WARN, non_negative, not_null

COUNTS = (
    "open_leads", "due_leads", "covered_leads", "never_touched_leads", "stale_leads", "exhausted_leads", "new_leads",
)


def _at_most(smaller: str, larger: str) -> gxe.Expectation:
    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A=larger, column_B=smaller, or_equal=True, severity=WARN)


def build_suite() -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name="follow_up_coverage_daily",
        expectations=[
            not_null("day", WARN),
            not_null("owner_id", WARN),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["day", "owner_id"], severity=WARN),
            gxe.ExpectColumnValuesToBeBetween(column="follow_up_coverage", min_value=0, max_value=1, severity=WARN),
            _at_most("covered_leads", "due_leads"),
            _at_most("due_leads", "open_leads"),
            *(non_negative(column) for column in COUNTS),
        ],
    )
