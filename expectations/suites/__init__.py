"""One suite per raw table, validated on the rows of one load (where blocking per file matters). The marts'
invariants are dbt tests (dbt_project/models/marts/_marts__models.yml), not suites.

Each suite module imports Great Expectations, so they are imported when a suite is built, not here: loading the
Dagster definitions needs only the names and which raw suites block (a test keeps BLOCKING true to the suites).
"""

from collections.abc import Callable
from importlib import import_module

from expectations.suites.parameters import raw_parameters

__all__ = ["BLOCKING", "RAW_SUITES", "raw_parameters"]

# Raw table -> whether its suite has error expectations (its check then blocks the models downstream).
BLOCKING: dict[str, bool] = {
    "salesforce_leads": True,
    "salesforce_tasks": True,
    "salesforce_users": True,
    "salesforce_lead_history": True,
    "mailbox_messages": False,  # sender-written: never blocks
    "mailbox_recipients": False,
    "sendgrid_events": False,
}


def _builder(name: str) -> Callable:
    return lambda: import_module(f"expectations.suites.{name}").build_suite()


# Table name -> build_suite, for the raw tables (raw.<name>).
RAW_SUITES: dict[str, Callable] = {name: _builder(name) for name in BLOCKING}
