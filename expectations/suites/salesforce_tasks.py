"""raw.salesforce_tasks, the rows of one load. The loader already rejects rows without Id, WhoId, OwnerId,
Status, CreatedDate or LastModifiedDate, and negative call durations."""

import great_expectations as gx

from expectations.suites._rules import (
    CONTACT_PREFIX,
    LEAD_PREFIX,
    TASK_PREFIX,
    USER_PREFIX,
    not_future,
    one_of,
    sf_id,
    sf_lookup,
)

# Salesforce's TaskSubtype picklist; an unknown subtype is neither a call nor an email touch.
TASK_SUBTYPES = ("Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn")


def build_suite() -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name="salesforce_tasks",
        expectations=[
            sf_id("Id", TASK_PREFIX),
            sf_lookup("WhoId", LEAD_PREFIX, CONTACT_PREFIX),  # tasks on contacts are legal, they join no lead
            sf_lookup("OwnerId", USER_PREFIX),
            not_future("CreatedDate"),
            not_future("CompletedDateTime"),
            not_future("LastModifiedDate"),
            one_of("TaskSubtype", TASK_SUBTYPES),
        ],
    )
