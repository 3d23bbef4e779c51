"""The landing folder: which delivered files belong to which source, and which are not ready yet.

Writers should rename complete files into place: a file is in flight, and ignored, while its name or a folder
it sits in starts with `.`, or while its name does not end in the source's extension (`Lead.csv.part`). For
writers that cannot rename, `scan` also waits until a file has not changed for a settle time.
"""

import hashlib
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Scan:
    """What one look at the landing folder found, against the fingerprints of the look before."""

    new: list[tuple[LandedFile, str]] = field(default_factory=list)  # (file, sha256) new or changed since
    settling: list[LandedFile] = field(default_factory=list)  # changed too recently to be complete
    unchanged: int = 0  # ready files as they were, or holding the content of such a file
    fingerprints: dict[str, list] = field(default_factory=dict)  # relative path -> [size, mtime_ns, sha256]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan(landing_dir: Path, fingerprints: dict[str, list], now: float, settle_seconds: float) -> Scan:
    """Ready files that are new or changed since `fingerprints` was taken. A file modified less than
    `settle_seconds` before `now` is still settling; a file whose size and mtime match its fingerprint is not
    hashed again, and a new file holding the content of a file already there is not handed on. A file touched
    again (what `radar reprocess` does) is handed on: the loader's ledger decides whether its content loads.
    The fingerprints returned are those of the ready files present now, so they stay as many as the folder's
    files."""
    new, settling, unchanged = [], [], 0
    updated: dict[str, list] = {}
    known_contents = {known[2] for known in fingerprints.values()}
    for source in SOURCES:
        for landed in discover(landing_dir, source):
            stat = landed.path.stat()
            if now - stat.st_mtime < settle_seconds:
                settling.append(landed)
                continue
            relative = str(landed.path.relative_to(landing_dir))
            known = fingerprints.get(relative)
            if known and known[:2] == [stat.st_size, stat.st_mtime_ns]:
                updated[relative] = known
                unchanged += 1
                continue
            sha = _sha256(landed.path)
            updated[relative] = [stat.st_size, stat.st_mtime_ns, sha]
            if known is None and sha in known_contents:
                unchanged += 1
            else:
                known_contents.add(sha)
                new.append((landed, sha))
    return Scan(new=new, settling=settling, unchanged=unchanged, fingerprints=updated)
