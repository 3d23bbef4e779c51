"""Building blocks the suites share: severities, id and email formats, the not-in-the-future bound.

Severity rule. ERROR (GX `critical`) for a raw problem that is a fault of the exporting system and would
silently change the marts' figures: a malformed id that keys or joins a row (a shifted column, the wrong object
in a file, ids eaten by a spreadsheet) or a timestamp after the load time (a time-zone or clock fault) on a field
the exporting system writes that places a lead, touch or status change in time. Those checks block the models
downstream. What the sender controls never blocks: a field written by an outsider (every mail header, free text)
gets WARN at most, and the loader rejects its impossible values row by row. WARN (GX `warning`) for everything
else: problems that lose detail for a row (a malformed or missing email, an unknown event type).
"""

import great_expectations.expectations as gxe
from great_expectations.expectations.metadata_types import FailureSeverity

from expectations.suites.parameters import NOT_AFTER

ERROR = FailureSeverity.CRITICAL
WARN = FailureSeverity.WARNING

# Salesforce ids: a 3-character key prefix, then 12 alphanumerics (15 in all), plus a 3-character
# case-safe suffix in the 18-character form. A lookup field (WhoId, OwnerId, ...) may hold Salesforce's empty
# lookup instead, 15 zeros with or without a suffix (`000000000000000AAA`): no record, null in staging.
LEAD_PREFIX, TASK_PREFIX, USER_PREFIX, LEAD_HISTORY_PREFIX = "00Q", "00T", "005", "017"
CONTACT_PREFIX, QUEUE_PREFIX = "003", "00G"

# One @, no blanks, a dot in the domain: what a lower(trim()) match in staging can still rely on.
EMAIL_REGEX = r"^[^@\s]+@[^@\s]+\.[^@\s.]+$"



EMPTY_LOOKUP = "0" * 15


def sf_id_regex(*prefixes: str, lookup: bool = False) -> str:
    """An id with one of the key prefixes; with `lookup`, the empty lookup too."""
    ids = rf"(?:{'|'.join(prefixes)})[A-Za-z0-9]{{12}}(?:[A-Za-z0-9]{{3}})?"
    empty = rf"|{EMPTY_LOOKUP}(?:[A-Za-z0-9]{{3}})?" if lookup else ""
    return rf"^(?:{ids}{empty})$"


def sf_id(column: str, *prefixes: str, severity: FailureSeverity = ERROR) -> gxe.Expectation:
    """A record's own Id: never the empty lookup."""
    return gxe.ExpectColumnValuesToMatchRegex(column=column, regex=sf_id_regex(*prefixes), severity=severity)


def sf_lookup(column: str, *prefixes: str, severity: FailureSeverity = ERROR) -> gxe.Expectation:
    """A lookup field: an id of one of the prefixes, or the empty lookup."""
    return gxe.ExpectColumnValuesToMatchRegex(
        column=column, regex=sf_id_regex(*prefixes, lookup=True), severity=severity
    )


def email(column: str) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToMatchRegex(column=column, regex=EMAIL_REGEX, severity=WARN)


def not_null(column: str, severity: FailureSeverity) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToNotBeNull(column=column, severity=severity)


def not_future(column: str, severity: FailureSeverity = ERROR) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeBetween(column=column, max_value={"$PARAMETER": NOT_AFTER}, severity=severity)


def one_of(column: str, values: tuple[str, ...], severity: FailureSeverity = WARN) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values), severity=severity)
