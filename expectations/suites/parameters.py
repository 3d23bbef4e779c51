"""The raw suites' run-time parameter, without Great Expectations: the load time plus a small tolerance for
clock skew bounds every "not in the future" expectation."""

from datetime import datetime, timedelta

NOT_AFTER = "not_after"
FUTURE_TOLERANCE = timedelta(minutes=15)


def raw_parameters(load_time: datetime) -> dict[str, datetime]:
    """The raw suites' run-time parameters for a load at `load_time` (naive UTC)."""
    return {NOT_AFTER: load_time + FUTURE_TOLERANCE}
