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
    """What one look at the landing folder found, against what earlier looks had already handed on."""

    new: list[tuple[LandedFile, str]] = field(default_factory=list)  # (file, sha256) not seen before
    settling: list[LandedFile] = field(default_factory=list)  # changed too recently to be complete
    already_seen: int = 0  # ready files whose content was handed on before
    fingerprints: dict[str, list] = field(default_factory=dict)  # path -> [size, mtime_ns, sha256]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan(landing_dir: Path, fingerprints: dict[str, list], seen: set[str], now: float, settle_seconds: float) -> Scan:
    """Ready files, each content (sha256) handed on once. A file modified less than `settle_seconds` before
    `now` is still settling; a file whose size and mtime match its fingerprint is not hashed again. The
    fingerprints returned are those of the ready files present now: files gone from the folder drop out."""
    new, settling, already_seen = [], [], 0
    updated: dict[str, list] = {}
    handed_on = set(seen)
    for source in SOURCES:
        for landed in discover(landing_dir, source):
            stat = landed.path.stat()
            if now - stat.st_mtime < settle_seconds:
                settling.append(landed)
                continue
            known = fingerprints.get(str(landed.path))
            sha = known[2] if known and known[:2] == [stat.st_size, stat.st_mtime_ns] else _sha256(landed.path)
            updated[str(landed.path)] = [stat.st_size, stat.st_mtime_ns, sha]
            if sha in handed_on:
                already_seen += 1
            else:
                handed_on.add(sha)
                new.append((landed, sha))
    return Scan(new=new, settling=settling, already_seen=already_seen, fingerprints=updated)
