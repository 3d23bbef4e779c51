from pathlib import Path

import pytest

from tests.orchestration.dashboard.serving_files import tiny_serving_file


@pytest.fixture
def tiny_serving(tmp_path: Path) -> Path:
    return tiny_serving_file(tmp_path / "serving.duckdb")
