"""raw.salesforce_users, the rows of one load. The loader already rejects rows without Id or Name."""

import great_expectations as gx

from expectations.suites._rules import USER_PREFIX, WARN, email, not_null, sf_id, sf_lookup


def build_suite() -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name="salesforce_users",
        expectations=[
            sf_id("Id", USER_PREFIX),
            sf_lookup("ManagerId", USER_PREFIX, severity=WARN),
            not_null("Email", WARN),  # a rep without an address has no email touches
            email("Email"),
            not_null("Department", WARN),  # the rep's team
        ],
    )
