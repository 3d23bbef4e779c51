"""What an incident's notification says about its cause: the scope and value, how long it has been out of range
("out of range since D (N days)"), and the scopes out of range beneath it with their values."""

from datetime import date

import duckdb

from expectations.drift import BREACHED, Judgement
from expectations.measures import WEEK, Measure
from orchestration.alerting.grouping import Cause
from orchestration.alerting.notification import expected_text, format_value, iso
from orchestration.alerting.store import MEASURE_HISTORY

_IN_RANGE = ("ok", "not_armed")


def streak_start(con: duckdb.DuckDBPyConnection, measure: str, scope_type: str, scope: str, day: date) -> date | None:
    """The first day of the run of breached days that ends on `day` (days without data do not break it); None
    when `day` is not breached."""
    rows = con.execute(
        f"select day, state from {MEASURE_HISTORY} where measure = ? and scope_type = ? and scope = ? and day <= ? "
        "order by day desc", [measure, scope_type, scope, day],
    ).fetchall()
    if not rows or rows[0] != (day, BREACHED):
        return None
    start = day
    for earlier, state in rows:
        if state in _IN_RANGE:
            break
        start = earlier if state == BREACHED else start
    return start


def days_between(since: date, day: date, period_days: int = 1) -> int:
    """Days out of range from `since` to the end of the period (day, or week) starting on `day`, both counted."""
    return (day - since).days + period_days


def since_text(since: str, days: int | None, resolved: bool = False) -> str:
    if not since:
        return ""
    count = f"{days} day{'s' if days != 1 else ''}"
    return f"was out of range since {since} ({count})" if resolved else f"out of range since {since} ({count})"


def beneath(con: duckdb.DuckDBPyConnection, cause: Cause, labels: dict[str, str]) -> list[dict]:
    """The scopes out of range beneath the cause's root, each with its value, range and streak."""
    entries = []
    for e in cause.beneath:
        m, j = e.measure, e.judgement
        since = streak_start(con, m.name, m.scope, e.scope, j.day) or j.day
        entries.append({
            "scope_type": m.scope, "scope": e.scope, "label": labels.get(e.scope, e.scope), "value": j.value,
            "expected": {"low": j.expected_low, "high": j.expected_high}, "since": iso(since),
            "days_out": days_between(since, j.day, m.period_days),
        })
    return entries


def cause_since(con: duckdb.DuckDBPyConnection, cause: Cause, children: list[dict]) -> date:
    """The first day the cause was out of range: of its root, or of the earliest scope beneath it."""
    m, j = cause.root.measure, cause.root.judgement
    starts = [date.fromisoformat(c["since"]) for c in children]
    if j.state == BREACHED:
        starts.append(streak_start(con, m.name, m.scope, cause.root.scope, j.day) or j.day)
    return min(starts, default=j.day)


def summary(measure: Measure, label: str, j: Judgement, status: str, since: str, days: int | None,
            children: list[dict], gone: bool) -> str:
    """One line: who, the state and for how long, the value on the day, and the scopes beneath."""
    who = "the company" if measure.scope == "company" else f"{measure.scope} {label}"
    value = f"{value_text(measure, j)} {'in the week of' if measure.grain == WEEK else 'on'} {j.day}"
    if status == "resolved":
        verb = "is no longer measured (no rows for it)" if gone else "is back in range"
        return f"{measure.name} for {who} {verb}: {value}; {since_text(since, days, resolved=True)}".rstrip("; ")
    expected = expected_text(measure.name, j.expected_low, j.expected_high, unbounded="no bound yet")
    state = "is" if j.state == BREACHED else "is back in range but the scopes beneath it are"
    text = f"{measure.name} for {who} {state} {since_text(since, days)}: {value} (expected {expected})"
    if children:
        text += "; beneath it: " + ", ".join(
            f"{c['scope_type']} {c['label']} {_shown(measure, c['value'], True)}" for c in children
        )
    return text


def value_text(measure: Measure, j: Judgement) -> str:
    """The value as people read it; a null value that breaches says what it means ('not reached')."""
    return _shown(measure, j.value, j.state == BREACHED)


def _shown(measure: Measure, value: float | None, breached: bool) -> str:
    if value is None and breached and measure.null_breaches:
        return measure.null_breaches
    return format_value(measure.name, value)


def resolved_days(opened_on: date, day: date) -> int:
    """Days out of range of an incident that is back in range on `day`."""
    return max((day - opened_on).days, 1)
