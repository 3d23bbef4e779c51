"""`make ui`'s promise: `dg dev` (the webserver and the daemon) serves the whole asset graph, lineage joined up."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

VENV = Path(sys.executable).parent.parent
DG = str(VENV / "bin" / "dg")
REPO = Path(__file__).parents[2]
QUERY = '{ assetNodes { assetKey { path } groupName dependencyKeys { path } } }'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _asset_nodes(port: int, deadline: float) -> list[dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": QUERY}).encode(),
        headers={"Content-Type": "application/json"},
    )
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                nodes = json.load(response)["data"]["assetNodes"]
            if nodes:
                return nodes
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("the webserver did not serve the asset graph in time")
        time.sleep(1)


def test_webserver_serves_the_asset_graph(tmp_path: Path):
    port = _free_port()
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "RADAR_WAREHOUSE": str(tmp_path / "w.duckdb"),
           "RADAR_LANDING_DIR": str(tmp_path / "landing"), "VIRTUAL_ENV": str(VENV)}
    server = subprocess.Popen(  # as `make ui` starts it: from the project folder, found through [tool.dg]
        [DG, "dev", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        nodes = _asset_nodes(port, time.monotonic() + 120)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)

    by_key = {"/".join(n["assetKey"]["path"]): n for n in nodes}
    assert {n["groupName"] for n in nodes} == {"raw", "staging", "intermediate", "marts", "monitoring", "serving"}
    assert [d["path"] for d in by_key["staging/stg_salesforce__leads"]["dependencyKeys"]] == [
        ["raw", "salesforce_leads"]
    ]
    assert "marts/follow_up_coverage_daily" in by_key
