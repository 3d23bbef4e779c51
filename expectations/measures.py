"""The tracked measures of measures.yml: loaded, checked, and turned into one series per scope: a value per day,
or per complete ISO week (grain: week) for a weekly mart."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import yaml

from expectations.drift import DOMAINS, Domain, Drift, Threshold

MEASURES_FILE = Path(__file__).with_name("measures.yml")
SCOPE_COLUMNS = {"company": None, "team": "team", "rep": "owner_id"}
SEVERITIES = ("error", "warning")
CLOCKS = ("data", "load")
DAY, WEEK = "day", "week"
GRAINS = {DAY: 1, WEEK: 7}  # a grain's period in days
COMPANY = "company"
NO_TEAM = "(no team)"
_KEYS = {
    "name", "scope", "description", "table", "value", "day", "sql", "threshold", "drift", "severity", "owner",
    "runbook", "clock", "feed", "breakdown", "rollup", "unit", "grain", "reportable", "null_breaches",
}


class MeasureConfigError(ValueError):
    """measures.yml holds something that cannot be evaluated; the message names the entry and the field."""


@dataclass(frozen=True)
class Measure:
    name: str
    scope: str
    description: str
    severity: str
    owner: str
    runbook: str
    threshold: Threshold | None
    drift: Drift | None
    table: str | None = None
    value: str | None = None
    day: str = "day"
    sql: str | None = None
    clock: str = "data"
    feed: bool = False
    breakdown: str | None = None
    rollup: bool = False
    unit: str = "number"
    grain: str = DAY
    reportable: str | None = None  # SQL condition per scope and period; a cell failing it is not judged
    null_breaches: str | None = None  # set: a reportable cell whose value is null breaches, shown as this text

    @property
    def domain(self) -> Domain:
        """What the measure's values can be: the expected range is clamped to it."""
        return DOMAINS[self.unit]

    @property
    def key(self) -> str:
        return f"{self.name}:{self.scope}"

    @property
    def period_days(self) -> int:
        return GRAINS[self.grain]

    @property
    def lookback_days(self) -> int:
        """How many days before the first day judged its rules read (the drift window)."""
        return self.drift.window_days if self.drift else 0

    def query(self, scope: str | None = None, within: str | None = None) -> str:
        """SQL giving (day, scope, value[, reportable]) rows from day $since on (every day when null); `scope`
        overrides the measure's own (for a breakdown), `within` keeps the rows of one team. A weekly measure keeps
        the complete weeks only: `day` is the week's Monday, complete when day + 7 days <= T."""
        inner = self.sql if self.sql is not None else self._table_query(scope or self.scope, within)
        complete = " and day + interval 7 day <= $as_of" if self.grain == WEEK else ""
        return f"select * from ({inner}) as measured where (cast($since as date) is null or day >= $since){complete}"

    def _table_query(self, scope: str, within: str | None) -> str:
        conditions = []
        if self.grain == DAY:  # a load-clock day is as of the loading run: T's own counts
            conditions.append(f"{self.day} {'<' if self.clock == 'data' else '<='} cast($as_of as date)")
        if within is not None:
            conditions.append(f"coalesce(cast(team as varchar), '{NO_TEAM}') = $within")
        columns = f"{self.value} as value" + (f", ({self.reportable}) as reportable" if self.reportable else "")
        if self.rollup:  # one row per (day, scope_type, scope), the figures already summed over the scope
            conditions.append(f"scope_type = '{scope}'")
            where = " and ".join(conditions)
            return f"select {self.day} as day, scope, {columns} from {self.table} where {where}"
        column = SCOPE_COLUMNS[scope]
        scope_sql = f"coalesce(cast({column} as varchar), '{NO_TEAM}')" if column else f"'{COMPANY}'"
        where = f"where {' and '.join(conditions)}" if conditions else ""
        return f"select {self.day} as day, {scope_sql} as scope, {columns} from {self.table} {where} group by all"


def load_measures(path: Path = MEASURES_FILE) -> list[Measure]:
    try:
        document = yaml.safe_load(Path(path).read_text()) or {}
    except yaml.YAMLError as exc:
        raise MeasureConfigError(f"{path}: not valid YAML: {exc}") from exc
    defaults = document.get("defaults") or {}
    entries = document.get("measures")
    if not isinstance(entries, list) or not entries:
        raise MeasureConfigError(f"{path}: needs a non-empty list `measures`")
    measures = [_measure(f"{path}: measures[{i}]", entry, defaults) for i, entry in enumerate(entries)]
    keys = [m.key for m in measures]
    duplicated = sorted({k for k in keys if keys.count(k) > 1})
    if duplicated:
        raise MeasureConfigError(f"{path}: each (name, scope) once; repeated: {', '.join(duplicated)}")
    split = sorted({m.name for m in measures if len({n.runbook for n in measures if n.name == m.name}) > 1})
    if split:
        raise MeasureConfigError(f"{path}: one runbook per measure name (its link is /runbooks/<measure>): {split}")
    return measures


def _measure(where: str, entry: object, defaults: Mapping) -> Measure:
    if not isinstance(entry, Mapping):
        raise MeasureConfigError(f"{where}: must be a mapping")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise MeasureConfigError(f"{where}: unknown field(s) {', '.join(unknown)}")
    name = entry.get("name")
    where = f"{where} ({name})"
    fields = {
        "scope": (entry.get("scope", COMPANY), tuple(SCOPE_COLUMNS)),
        "severity": (entry.get("severity", defaults.get("severity", "warning")), SEVERITIES),
        "clock": (entry.get("clock", "data"), CLOCKS),
        "breakdown": (entry.get("breakdown"), (None, "team", "rep")),
        "unit": (entry.get("unit", "number"), tuple(DOMAINS)),
        "grain": (entry.get("grain", DAY), tuple(GRAINS)),
    }
    for field, (value, allowed) in fields.items():
        if value not in allowed:
            raise MeasureConfigError(f"{where}: field {field}: {value!r} is not one of {allowed}")
    if not name or not isinstance(name, str):
        raise MeasureConfigError(f"{where}: field name: required")
    has_table = entry.get("table") and entry.get("value")
    if bool(has_table) == bool(entry.get("sql")):
        raise MeasureConfigError(f"{where}: give either table and value, or sql")
    if entry.get("sql") and (entry.get("breakdown") or entry.get("scope", COMPANY) != COMPANY):
        raise MeasureConfigError(f"{where}: field sql: an sql measure is company-wide and has no breakdown")
    _check_weekly(where, entry, fields["grain"][0])
    threshold, drift = _rules(where, entry, defaults)
    grain = fields["grain"][0]
    return Measure(
        name=name, scope=fields["scope"][0], description=" ".join(str(entry.get("description", "")).split()),
        severity=fields["severity"][0], owner=entry.get("owner", defaults.get("owner", "")),
        runbook=entry.get("runbook", ""), threshold=threshold, drift=drift, table=entry.get("table"),
        value=entry.get("value"), day=entry.get("day", "week_start" if grain == WEEK else "day"), sql=entry.get("sql"),
        clock=fields["clock"][0], feed=bool(entry.get("feed", False)), breakdown=fields["breakdown"][0],
        rollup=bool(entry.get("rollup", False)), unit=fields["unit"][0], grain=grain,
        reportable=entry.get("reportable"), null_breaches=entry.get("null_breaches"),
    )


def _check_weekly(where: str, entry: Mapping, grain: str) -> None:
    """The fields of a weekly or reportability-gated measure that only make sense together."""
    if grain == WEEK and entry.get("clock", "data") != "data":
        raise MeasureConfigError(f"{where}: field clock: a weekly measure is judged on complete weeks (clock data)")
    if entry.get("reportable") is not None and (entry.get("sql") or not isinstance(entry["reportable"], str)):
        raise MeasureConfigError(
            f"{where}: field reportable: an SQL condition of a table measure (an sql measure returns the column)"
        )
    breaches = entry.get("null_breaches")
    if breaches is not None and (not isinstance(breaches, str) or not entry.get("threshold")):
        raise MeasureConfigError(
            f"{where}: field null_breaches: the text a null value is shown as ('not reached'), with a threshold"
        )


def _rules(where: str, entry: Mapping, defaults: Mapping) -> tuple[Threshold | None, Drift | None]:
    threshold = drift = None
    try:
        if entry.get("threshold"):
            threshold = Threshold(**entry["threshold"])
        if "drift" not in entry or entry["drift"] is not None:
            drift = Drift(**{**(defaults.get("drift") or {}), **(entry.get("drift") or {})})
    except (TypeError, ValueError) as exc:
        raise MeasureConfigError(f"{where}: rules: {exc}") from exc
    if threshold is None and drift is None:
        raise MeasureConfigError(f"{where}: needs a threshold or a drift rule")
    return threshold, drift


def daily_series(
    con: duckdb.DuckDBPyConnection, measure: Measure, as_of: datetime, scope: str | None = None,
    within: str | None = None, since: date | None = None,
) -> dict[str, dict[date, float | None]]:
    """scope -> day (a weekly measure's Monday) -> value of one measure, from the warehouse, from `since` on
    (every day when None). A cell that is not reportable is left out, but its scope is kept: it is still measured,
    and a day without a value changes nothing."""
    sql = measure.query(scope, within)
    params = {"as_of": as_of, "within": within, "since": since}
    rows = con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql}).fetchall()
    series: dict[str, dict[date, float | None]] = {}
    for day, scope_value, value, *reportable in rows:
        day = day.date() if isinstance(day, datetime) else day
        cells = series.setdefault(str(scope_value), {})
        if not reportable or reportable[0]:
            cells[day] = None if value is None else float(value)
    return series


def evaluated_day(measure: Measure, as_of: datetime, series: Mapping[str, Mapping[date, object]]) -> date | None:
    """The day whose verdict opens or resolves incidents: the last complete day (the Monday of the last complete
    week for a weekly measure), or for a load-clock measure the last day up to date(T) that files were loaded on."""
    if measure.grain == WEEK:
        return as_of.date() - timedelta(days=as_of.weekday() + 7)
    if measure.clock == "data":
        return as_of.date() - timedelta(days=1)
    days = [day for values in series.values() for day in values]
    return max(days) if days else None
