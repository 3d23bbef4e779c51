"""raw.mailbox_recipients, the rows of one load. The loader writes only to/cc recipients with an address,
under their message's Message-ID."""

import great_expectations as gx

from expectations.suites._rules import email


def build_suite() -> gx.ExpectationSuite:
    return gx.ExpectationSuite(name="mailbox_recipients", expectations=[email("address")])
