"""raw.mailbox_messages, the rows of one load. The loader already rejects messages without a readable Date or
a From address, and derives a Message-ID from the content when it is missing."""

import great_expectations as gx

from expectations.suites._rules import email, not_future


def build_suite() -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name="mailbox_messages",
        expectations=[
            not_future("sent_at"),
            email("from_address"),
        ],
    )
