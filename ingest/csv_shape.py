"""The reference parser's view of a CSV export, at the csv module's speed: is every record as wide as the header,
how many records, how many characters their values hold, and which lines each one spans.

DuckDB's CSV reader is lenient where the csv module (strict) is not: it trims blanks around quoted values, drops
an empty field after the last column, and reads some misplaced quotes its own way, all without an error. So its
rows are trusted only when this measure agrees with them; otherwise the file goes to the reference parser, which
rejects exactly the rows it always rejected. The same spans give back the record of a row rejected later.
"""

import bisect
import csv
import itertools
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from ingest.csv_records import strict_reader
from ingest.files import open_text


@dataclass(frozen=True)
class Shape:
    regular: bool  # no csv error, every record exactly as wide as the header (blank lines aside)
    rows: int = 0
    chars: int = 0  # characters of all values
    ends: array = field(default_factory=lambda: array("q"))  # per row: the data lines read up to its end
    blanks: list[int] = field(default_factory=list)  # the same for each blank line

    def span(self, number: int) -> tuple[int, int]:
        """The data lines [start, end) of a row: from the end of the record before it (a row or a blank line)."""
        end = self.ends[number - 1]
        before = self.ends[number - 2] if number > 1 else 0
        blank = bisect.bisect_left(self.blanks, end)
        return max(before, self.blanks[blank - 1] if blank else 0), end


def measure(path: Path, width: int) -> Shape:
    """Read the data records (after the header line) with the csv module, as the reference parser does."""
    ends, blanks, chars = array("q"), [], 0
    add = ends.append
    with open_text(path) as lines:
        next(lines, None)
        reader = strict_reader(lines)
        try:
            for values in reader:
                if len(values) == width:
                    add(reader.line_num)
                    chars += len("".join(values))
                elif values:
                    return Shape(regular=False)
                else:
                    blanks.append(reader.line_num)
        except csv.Error:
            return Shape(regular=False)
    return Shape(True, len(ends), chars, ends, blanks)


def records_of(path: Path, shape: Shape, numbers: list[int]) -> dict[int, str]:
    """The text as delivered of the given rows (1-based), read again line by line."""
    wanted = sorted((*shape.span(n), n) for n in set(numbers))
    found: dict[int, str] = {}
    with open_text(path) as lines:
        next(lines, None)
        position = 0
        for start, end, number in wanted:
            for _ in itertools.islice(lines, start - position):
                pass
            found[number] = "".join(itertools.islice(lines, end - start))
            position = end
    return found
