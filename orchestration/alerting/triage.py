"""What on-call needs to act on an alert: was the data healthy, who moved the measure, which leads wait longest."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

import duckdb

from expectations.drift import BREACHED, Judgement
from expectations.measures import Measure, daily_series
from orchestration.alerting.notification import format_value

MOVERS = 3
OLDEST_LEADS = 5
DATA_PROBLEM = "likely a data problem"
FOLLOW_UP_PROBLEM = "likely a follow-up problem"


@dataclass(frozen=True)
class FeedVerdict:
    """A feed-health measure's verdict at the same evaluation."""

    measure: Measure
    judgement: Judgement


def triage(
    con: duckdb.DuckDBPyConnection, measure: Measure, scope: str, day: date, as_of: datetime,
    feeds: Sequence[FeedVerdict], labels: dict[str, str],
) -> dict:
    broken = [f for f in feeds if f.judgement.state == BREACHED]
    verdict = DATA_PROBLEM if broken or measure.feed else FOLLOW_UP_PROBLEM
    feed_lines = [
        f"{f.measure.name} = {format_value(f.measure.name, f.judgement.value)} on {f.judgement.day} (out of range)"
        for f in broken
    ]
    movers = _movers(con, measure, scope, day, as_of, labels)
    count, oldest = _neglected(con, measure, scope)
    lines = [f"{verdict}: " + ("; ".join(feed_lines) if feed_lines else "the data feeds were in range")]
    if movers:
        lines.append("moved most: " + ", ".join(
            f"{m['label']} {format_value(measure.name, m['value'])} (usually {format_value(measure.name, m['usual'])})"
            for m in movers
        ))
    if count:
        ages = ", ".join(f"{o['lead_id']} ({o['age_days']} d)" for o in oldest)
        lines.append(f"{count} neglected leads; oldest: {ages}")
    return {
        "verdict": verdict, "unhealthy_feeds": feed_lines, "movers": movers,
        "neglected_leads": count, "oldest_neglected_leads": oldest, "lines": lines,
    }


def _movers(
    con: duckdb.DuckDBPyConnection, measure: Measure, scope: str, day: date, as_of: datetime, labels: dict[str, str]
) -> list[dict]:
    """The finer scopes whose value moved most from their own usual (median of the drift window) on `day`."""
    if measure.breakdown is None:
        return []
    within = scope if measure.scope == "team" else None
    window = measure.drift.window_days if measure.drift else 28
    moved = []
    since = day - timedelta(days=window)
    for child, series in daily_series(con, measure, as_of, measure.breakdown, within, since).items():
        history = [v for d, v in series.items() if day - timedelta(days=window) <= d < day and v is not None]
        value = series.get(day)
        if value is None or not history:
            continue
        usual = median(history)
        moved.append({"scope": child, "label": labels.get(child, child), "value": value, "usual": usual,
                      "change": value - usual})
    falling = measure.drift is None or measure.drift.direction != "spike"
    moved.sort(key=lambda m: m["change"] if falling else -m["change"])
    return moved[:MOVERS]


def _neglected(con: duckdb.DuckDBPyConnection, measure: Measure, scope: str) -> tuple[int, list[dict]]:
    column = {"team": "team", "rep": "owner_id"}.get(measure.scope)
    where = f"is_neglected and {column} = ?" if column else "is_neglected"
    params = [scope] if column else []
    try:
        count = con.execute(f"select count(*) from marts.lead_aging where {where}", params).fetchone()[0]
        rows = con.execute(
            f"select lead_id, age_days, owner_name from marts.lead_aging where {where} "
            f"order by age_days desc, lead_id limit {OLDEST_LEADS}", params,
        ).fetchall()
    except duckdb.CatalogException:
        return 0, []
    return count, [{"lead_id": r[0], "age_days": r[1], "owner_name": r[2]} for r in rows]
