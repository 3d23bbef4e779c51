"""A set of files that readers see whole, all from one version, or not at all.

Each version is written into a folder of its own under `.versions/`, made durable, and then one symbolic link,
`current`, is switched to it (a rename of a link within one folder is atomic). Every path a reader opens is a
link through `current` (`<table>.parquet -> current/<table>.parquet`), so whichever files a reader opens after
the switch come from the new version, and whatever it opened before keeps reading the old one.
"""

import os
import shutil
import tempfile
import uuid
from pathlib import Path

VERSIONS = ".versions"
CURRENT = "current"


def new_version(folder: Path, label: str) -> Path:
    """An empty, unpublished version folder (named after `label`, made unique)."""
    versions = folder / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{label}-", dir=versions))


def current_version(folder: Path) -> Path | None:
    """The version folder `current` points to, if any."""
    link = folder / CURRENT
    return (folder / os.readlink(link)).resolve() if link.is_symlink() else None


def switch_to(folder: Path, version: Path) -> None:
    """Make the complete version durable, point `current` at it in one step, and remove the versions older than
    the one it replaces (those of killed publishes too): a reader may still hold the replaced one open."""
    _sync_tree(version)
    replaced = current_version(folder)
    link_durably(folder / CURRENT, os.path.relpath(version, folder))
    for old in (folder / VERSIONS).iterdir():
        if old.resolve() not in (version.resolve(), replaced):
            shutil.rmtree(old, ignore_errors=True)


def link_durably(path: Path, target: str) -> None:
    """Make `path` a symbolic link to `target` (replacing a file or link there in one step), unless it is one."""
    if path.is_symlink() and os.readlink(path) == target:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.link")
    os.symlink(target, temp)
    os.replace(temp, path)
    _sync_folder(path.parent)


def _sync_tree(version: Path) -> None:
    for file in version.iterdir():
        with open(file, "rb") as handle:
            os.fsync(handle.fileno())
    _sync_folder(version)


def _sync_folder(folder: Path) -> None:
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
