"""The landing folder: which delivered files belong to which source, and which are not ready yet.

Writers must rename complete files into place: a file is in flight, and ignored, while its name or a folder
it sits in starts with `.`, or while its name does not end in the source's extension (`Lead.csv.part`).
"""

from dataclasses import dataclass
from pathlib import Path

SOURCES: dict[str, tuple[str, ...]] = {
    "salesforce": ("*.csv",),
    "mailbox": ("*.mbox",),
    "sendgrid": ("*.json", "*.jsonl"),
}


@dataclass(frozen=True)
class LandedFile:
    source: str
    path: Path


def _ready(path: Path, folder: Path) -> bool:
    return path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)


def discover(landing_dir: Path, source: str) -> list[LandedFile]:
    """The ready files of one source, in name order (the order they are loaded in)."""
    folder = Path(landing_dir) / source
    if not folder.is_dir():
        return []
    paths = {p for pattern in SOURCES[source] for p in folder.rglob(pattern) if _ready(p, folder)}
    return [LandedFile(source, p) for p in sorted(paths)]


def is_empty(landing_dir: Path) -> bool:
    return not any(discover(landing_dir, source) for source in SOURCES)
