"""raw.sendgrid_events, the rows of one load. The loader already rejects events without sg_event_id, email,
event or a Unix timestamp. Events only flag bounced touches, so every expectation here warns."""

import great_expectations as gx

from expectations.suites._rules import WARN, email, not_future, not_null, one_of

EVENT_TYPES = ("processed", "delivered", "open", "click", "bounce", "dropped", "deferred", "spamreport", "unsubscribe")


def build_suite() -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name="sendgrid_events",
        expectations=[
            one_of("event", EVENT_TYPES),
            email("email"),
            not_future("event_at", WARN),
            not_null("smtp_id", WARN),  # joins the event to its message
        ],
    )
