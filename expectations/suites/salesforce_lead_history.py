"""raw.salesforce_lead_history, the rows of one load. The loader already rejects rows without Id, LeadId,
Field or CreatedDate."""

import great_expectations as gx

from expectations.suites._rules import LEAD_HISTORY_PREFIX, LEAD_PREFIX, not_future, sf_id, sf_lookup


def build_suite() -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name="salesforce_lead_history",
        expectations=[
            sf_id("Id", LEAD_HISTORY_PREFIX),
            sf_lookup("LeadId", LEAD_PREFIX),
            not_future("CreatedDate"),  # status changes decide when a lead closed
        ],
    )
