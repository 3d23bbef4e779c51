"""The benchmark sizes and the period they cover (times as int64 Unix seconds, UTC, for numpy)."""

from dataclasses import dataclass
from datetime import UTC, datetime

DAY = 86_400
HOUR = 3_600
DEFAULT_END = datetime(2026, 6, 30, 18, 0)  # naive UTC: the base as-of of every default run
# The earlier full Lead export is taken this far into the period (Data Export runs weekly; one run is kept).
EARLIER_EXPORT_AT = 0.85


@dataclass(frozen=True)
class Size:
    name: str
    leads: int
    reps: int
    days: int


SIZES: dict[str, Size] = {
    "S": Size("S", 800, 8, 90),
    "M": Size("M", 100_000, 200, 365),
    "L": Size("L", 1_000_000, 2_000, 365),
}


@dataclass(frozen=True)
class Period:
    """Unix seconds: `start` of the period, the `earlier` export, the `base` as-of and the `increment` as-of."""

    start: int
    earlier: int
    base: int
    increment: int

    @classmethod
    def ending(cls, end: datetime, days: int) -> "Period":
        base = int(end.replace(tzinfo=UTC).timestamp())
        start = base - days * DAY
        earlier = start + int(days * EARLIER_EXPORT_AT) * DAY
        return cls(start=start, earlier=earlier, base=base, increment=base + DAY)


def naive_utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
