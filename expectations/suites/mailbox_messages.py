"""raw.mailbox_messages, the rows of one load. Every field here is written by the sender, so nothing in this
suite blocks (see `_rules`): the loader already rejects, row by row, a message without a readable Date, with a
Date more than a day after the load or before 1971, or without a From address with a domain, and derives a
Message-ID from the content when it is missing. What is left is flagged: a Date after the load beyond the
15 minutes' tolerance (a sender's clock running ahead), a sender address that staging cannot match."""

import great_expectations as gx

from expectations.suites._rules import WARN, email, not_future


def build_suite() -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name="mailbox_messages",
        expectations=[
            not_future("sent_at", severity=WARN),
            email("from_address"),
        ],
    )
