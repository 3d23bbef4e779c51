import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.orchestration.dashboard.analytics_files import add_analytics
from tests.orchestration.dashboard.serving_files import dashboard_client, tiny_serving_file


@pytest.fixture
def tiny_serving(tmp_path: Path) -> Path:
    return tiny_serving_file(tmp_path / "serving.duckdb")


@pytest.fixture
def analytics_serving(tiny_serving: Path) -> Path:
    """The tiny serving file with the follow-up analytics marts the scorecard, segments and call list read."""
    add_analytics(tiny_serving)
    return tiny_serving


@pytest.fixture
def client(tiny_serving: Path) -> Iterator[httpx.Client]:
    with dashboard_client(tiny_serving) as http:
        yield http


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed with apt-get once per session when missing."""
    if found := shutil.which("chromium"):
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt_get = ["apt-get", "-o", "DPkg::Lock::Timeout=600"]
    try:
        for command in ([*apt_get, "update"], [*apt_get, "install", "-y", "chromium"]):
            subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=1200)
    except (OSError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", None) or error
        pytest.skip(f"Debian's chromium is not installed and apt-get could not install it: {detail}")
    return shutil.which("chromium") or pytest.skip("apt-get installed chromium but it is not on PATH")
