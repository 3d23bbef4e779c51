"""One suite per checked table: the raw tables (on the rows of one load) and the headline marts."""

from collections.abc import Callable
from types import ModuleType

import great_expectations as gx

from expectations.suites import (
    follow_up_coverage_daily,
    lead_aging,
    mailbox_messages,
    mailbox_recipients,
    salesforce_lead_history,
    salesforce_leads,
    salesforce_tasks,
    salesforce_users,
    sendgrid_events,
)
from expectations.suites._rules import raw_parameters

__all__ = ["MART_SUITES", "RAW_SUITES", "raw_parameters"]

_RAW: tuple[ModuleType, ...] = (
    salesforce_leads, salesforce_tasks, salesforce_users, salesforce_lead_history,
    mailbox_messages, mailbox_recipients, sendgrid_events,
)
_MARTS: tuple[ModuleType, ...] = (lead_aging, follow_up_coverage_daily)

# Table name -> build_suite, for the raw tables (raw.<name>) and the marts (marts.<name>).
RAW_SUITES: dict[str, Callable[[], gx.ExpectationSuite]] = {m.__name__.rsplit(".", 1)[1]: m.build_suite for m in _RAW}
MART_SUITES: dict[str, Callable[[], gx.ExpectationSuite]] = {
    m.__name__.rsplit(".", 1)[1]: m.build_suite for m in _MARTS
}
