"""A landing folder made of some of the loader's fixture files (tests/fixtures/ingest/<source>/<name>)."""

import shutil
from pathlib import Path

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest"


def copy_fixtures(root: Path, names_by_source: dict[str, list[str]]) -> Path:
    for source, names in names_by_source.items():
        (root / source).mkdir(parents=True)
        for name in names:
            shutil.copy(FIXTURES / source / name, root / source / name)
    return root
