"""The dashboard's filters, from the query string, so that every view (filtered, sorted) is a link to share.

`team`, `rep` (an owner_id), `state` (a neglected follow-up state), `from` and `to` (days, inclusive), `sort` (a
column of the neglected-leads table; by default age_days, oldest first) and `order` (asc or desc; by default asc
for another column). An empty value means no filter.
"""

from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from orchestration.dashboard.leads import COLUMNS, DEFAULT_SORT
from orchestration.dashboard.marts import NEGLECTED_STATES

# Query parameter -> Filters field.
PARAMETERS = {"team": "team", "rep": "rep", "state": "state", "from": "start", "to": "end", "sort": "sort",
              "order": "order"}
ORDERS = ("asc", "desc")


class BadFilter(ValueError):
    """A filter value the dashboard cannot apply (HTTP 400), in the query parameter `parameter`."""

    def __init__(self, message: str, parameter: str) -> None:
        super().__init__(message)
        self.parameter = parameter


class UnknownFilter(LookupError):
    """A rep or team the published marts do not know (HTTP 404); `back` is the query without it."""

    def __init__(self, title: str, message: str, back: str) -> None:
        super().__init__(message)
        self.title = title
        self.message = message
        self.back = back


@dataclass(frozen=True)
class Filters:
    team: str | None = None
    rep: str | None = None
    state: str | None = None
    start: date | None = None
    end: date | None = None
    sort: str = DEFAULT_SORT[0]
    order: str = DEFAULT_SORT[1]

    def query(self, **changes: object) -> str:
        """The query string of this view with some values changed, without empty values and defaults: the sort
        when it is age_days, the order when the view is in the default order (oldest first)."""
        changed, default = replace(self, **changes), Filters()
        values = {name: getattr(changed, field) for name, field in PARAMETERS.items()}
        if changed.sort == default.sort:
            del values["sort"]
            if changed.order == default.order:
                del values["order"]
        return urlencode({name: str(value) for name, value in values.items() if value is not None})

    def sorted_by(self, key: str) -> str:
        """The query that sorts by `key`: the other order when already sorted by it, else ascending."""
        if key == self.sort:
            return self.query(order="asc" if self.order == "desc" else "desc")
        return self.query(sort=key, order="asc")


def parse_filters(params: QueryParams) -> Filters:
    values = {field: params.get(name, "").strip() or None for name, field in PARAMETERS.items()}
    if values["state"] is not None and values["state"] not in NEGLECTED_STATES:
        raise BadFilter(
            f'"{values["state"]}" is not a follow-up state of neglected leads: choose one of '
            f'{", ".join(NEGLECTED_STATES)}.', "state",
        )
    start, end = _day(values.pop("start"), "from"), _day(values.pop("end"), "to")
    if start and end and start > end:
        raise BadFilter(f"The date range starts ({start}) after it ends ({end}): swap the two days.", "to")
    sort = values.pop("sort") or Filters.sort
    order = values.pop("order") or (Filters.order if sort == Filters.sort else "asc")
    if sort not in {column.key for column in COLUMNS}:
        raise BadFilter(f'"{sort}" is not a column of the neglected leads: choose one of '
                        f'{", ".join(column.key for column in COLUMNS)}.', "sort")
    if order not in ORDERS:
        raise BadFilter(f'"{order}" is not a sort order: choose asc or desc.', "order")
    return Filters(**values, start=start, end=end, sort=sort, order=order)


def without(params: QueryParams, name: str) -> str:
    """A link to the same view without one query parameter."""
    kept = [(key, value) for key, value in params.multi_items() if key != name]
    return f"?{urlencode(kept)}" if kept else "."


def _day(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadFilter(f'"{text}" is not a day for "{name}": write it as YYYY-MM-DD.', name) from None

