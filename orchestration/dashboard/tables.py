"""Tables as the dashboard shows them (human headers over the marts' columns) and as CSV files."""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime


@dataclass(frozen=True)
class Column:
    key: str  # the mart's column
    header: str  # what a reader sees


@dataclass(frozen=True)
class Table:
    columns: Sequence[Column]
    rows: list[tuple]

    def to_csv(self) -> str:
        """Human headers, then the rows: timestamps in UTC (ISO 8601), days ISO, numbers unrounded."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([column.header for column in self.columns])
        writer.writerows([_csv_value(value) for value in row] for row in self.rows)
        return out.getvalue()


def in_utc(value: datetime) -> datetime:
    """A timestamp in UTC, whether the serving file holds it naive (UTC by convention) or time-zone aware."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _csv_value(value: object) -> object:
    if isinstance(value, datetime):
        return f"{in_utc(value):%Y-%m-%dT%H:%M:%S}Z"
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value
