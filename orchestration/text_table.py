"""Plain-text tables for the terminal: `radar run`'s summary and `radar measures`."""

from collections.abc import Sequence


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(["  " + lines[0], "  " + "  ".join("-" * w for w in widths), *("  " + ln for ln in lines[1:])])
