"""raw.salesforce_leads, the rows of one load. The loader already rejects rows without Id, Status, OwnerId,
CreatedDate or LastModifiedDate and values that are not datetimes, booleans or counts."""

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.suites._rules import (
    LEAD_PREFIX,
    QUEUE_PREFIX,
    USER_PREFIX,
    WARN,
    email,
    not_future,
    sf_id,
    sf_lookup,
)


def build_suite() -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name="salesforce_leads",
        expectations=[
            sf_id("Id", LEAD_PREFIX),
            sf_lookup("OwnerId", USER_PREFIX, QUEUE_PREFIX),  # a lead may belong to a queue
            not_future("CreatedDate"),
            not_future("LastModifiedDate"),  # a future version would win over every later export
            email("Email"),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="LastModifiedDate", column_B="CreatedDate", or_equal=True, severity=WARN
            ),
        ],
    )
