"""The query string of the scorecard, segments and call-list pages: each page's filters and its table's sort, so
that every view is a link to share (as on the overview, whose filters are `filters.Filters`).

A page names its filters and its sortable columns; values it can check without the marts (a sort column, an
order, a choice from a fixed list, the form of a day) are checked here (BadFilter, HTTP 400). Teams, reps and
weeks are checked against the marts by the page itself.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from orchestration.dashboard.filters import ORDERS, BadFilter


@dataclass(frozen=True)
class Sort:
    key: str  # the query's value (a column of the page's table)
    sql: str  # what the rows are ordered by
    ranked: bool = False  # a rate: cells that are not reportable sort after the reportable ones, either way


@dataclass(frozen=True)
class Sorting:
    what: str  # the table, for messages ("the call list")
    sorts: tuple[Sort, ...]
    default: str
    default_order: str
    then: str  # the ties' order, after the sort asked for

    def get(self, key: str) -> Sort:
        [found] = [sort for sort in self.sorts if sort.key == key]
        return found


@dataclass(frozen=True)
class PageQuery:
    """One view of a page: its filters (name -> value, None when not set) and its sort."""

    sorting: Sorting
    values: Mapping[str, str | None] = field(default_factory=dict)
    sort: str = ""
    order: str = ""

    def __getitem__(self, name: str) -> str | None:
        return self.values[name]

    def query(self, **changes: str | None) -> str:
        """The query string of this view with some filters (or `sort`, `order`) changed, without empty values
        and without the default sort."""
        values = {**self.values, "sort": self.sort, "order": self.order, **changes}
        if values["sort"] == self.sorting.default:
            del values["sort"]
            if values["order"] == self.sorting.default_order:
                del values["order"]
        return urlencode({name: value for name, value in values.items() if value})

    def sorted_by(self, key: str) -> str:
        """The query that sorts by `key`: the other order when already sorted by it, else ascending."""
        if key == self.sort:
            return self.query(order="asc" if self.order == "desc" else "desc")
        return self.query(sort=key, order="asc")

    def order_by(self, unreportable: Mapping[str, str] | None = None) -> str:
        """The SQL ordering of the view: the sort asked for, nulls last, then the ties' order. A ranked sort puts
        first the rows whose cell is reportable: `unreportable` maps a sort key to the SQL that is true when
        that cell is not reportable."""
        sort = self.sorting.get(self.sort)
        first = f"({unreportable[sort.key]}), " if sort.ranked and unreportable else ""
        return f"{first}{sort.sql} {self.order} nulls last, {self.sorting.then}"


def parse_page_query(
    params: QueryParams, names: tuple[str, ...], sorting: Sorting, *,
    choices: Mapping[str, tuple[str, ...]] | None = None, days: tuple[str, ...] = (),
) -> PageQuery:
    """The page's view from the query string: `names` are its filters, `choices` those with a fixed list of
    values, `days` those that hold a day (YYYY-MM-DD)."""
    values = {name: params.get(name, "").strip() or None for name in names}
    for name, allowed in (choices or {}).items():
        if values[name] is not None and values[name] not in allowed:
            raise BadFilter(f'"{values[name]}" is not a {name} to choose: choose one of {", ".join(allowed)}.', name)
    for name in days:
        if values[name] is not None:
            _day(values[name], name)
    sort = params.get("sort", "").strip() or sorting.default
    order = params.get("order", "").strip() or (sorting.default_order if sort == sorting.default else "asc")
    keys = [s.key for s in sorting.sorts]
    if sort not in keys:
        raise BadFilter(f'"{sort}" is not a column of {sorting.what}: choose one of {", ".join(keys)}.', "sort")
    if order not in ORDERS:
        raise BadFilter(f'"{order}" is not a sort order: choose asc or desc.', "order")
    return PageQuery(sorting, values, sort, order)


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadFilter(f'"{text}" is not a day for "{name}": write it as YYYY-MM-DD.', name) from None
