"""marts.lead_aging after a build: one row per non-deleted lead that exists at the as-of time, keyed and in
the states and buckets of METRICS.md. Run-time parameter `expected_rows`: EXPECTED_ROWS_SQL at the as-of time."""

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.suites._rules import WARN, non_negative, not_null, one_of

FOLLOW_UP_STATES = ("closed", "new", "never_touched", "active", "exhausted", "stale")
STATUS_CATEGORIES = ("open", "converted", "disqualified", "nurture")
AGING_BUCKETS = ("0-7d", "8-14d", "15-30d", "31-60d", "61-90d", "90d+")
COUNTS = ("age_days", "touches", "calls", "connects", "emails", "replies", "follow_ups", "overdue_next_steps")

EXPECTED_ROWS = "expected_rows"
# The leads that exist at the as-of time (the one bound parameter), as staging holds them.
EXPECTED_ROWS_SQL = "select count(*) from staging.stg_salesforce__leads where not is_deleted and created_at <= ?"


def build_suite() -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name="lead_aging",
        expectations=[
            not_null("lead_id", WARN),
            gxe.ExpectColumnValuesToBeUnique(column="lead_id", severity=WARN),
            gxe.ExpectTableRowCountToEqual(value={"$PARAMETER": EXPECTED_ROWS}, severity=WARN),
            not_null("follow_up_state", WARN),
            one_of("follow_up_state", FOLLOW_UP_STATES),
            not_null("status_category", WARN),
            one_of("status_category", STATUS_CATEGORIES),
            not_null("aging_bucket", WARN),
            one_of("aging_bucket", AGING_BUCKETS),
            *(non_negative(column) for column in COUNTS),
        ],
    )
