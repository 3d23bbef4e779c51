"""The landing folder: which delivered files belong to which source, and which are not ready yet.

Writers must rename complete files into place: names starting with `.` or ending in `.tmp`/`.part` are
in-flight and ignored until renamed.
"""

from dataclasses import dataclass
from pathlib import Path

SOURCES: dict[str, tuple[str, ...]] = {
    "salesforce": ("*.csv",),
    "mailbox": ("*.mbox",),
    "sendgrid": ("*.json", "*.jsonl"),
}
IN_FLIGHT_SUFFIXES = (".tmp", ".part")


@dataclass(frozen=True)
class LandedFile:
    source: str
    path: Path


def _ready(path: Path) -> bool:
    return path.is_file() and not path.name.startswith(".") and not path.name.endswith(IN_FLIGHT_SUFFIXES)


def discover(landing_dir: Path, source: str) -> list[LandedFile]:
    """The ready files of one source, in name order (the order they are loaded in)."""
    folder = Path(landing_dir) / source
    if not folder.is_dir():
        return []
    paths = {p for pattern in SOURCES[source] for p in folder.rglob(pattern) if _ready(p)}
    return [LandedFile(source, p) for p in sorted(paths)]


def is_empty(landing_dir: Path) -> bool:
    return not any(discover(landing_dir, source) for source in SOURCES)
