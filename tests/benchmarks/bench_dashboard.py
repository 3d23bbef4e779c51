"""How long the dashboard takes to load on the published marts (run `make run` first). Prints, asserts nothing.

    .venv/bin/python tests/benchmarks/bench_dashboard.py [--serving-db data/serving.duckdb] [--loads 5]

Starts `radar dashboard` on a free port, then measures, for each page (the overview, the scorecard, the segments
and the call list): (1) the server: GET until the HTML is complete, and the plotly.js file; (2) with Debian's
chromium installed, the page as a user sees it: headless Chromium loads it with one profile (the first load with
an empty cache, then cached), and the page reports, from the browser's Navigation Timing, when its HTML arrived
and when plotly.js had drawn every chart (at once on a page without charts).
"""

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from orchestration import settings

RADAR = str(Path(sys.executable).parent / "radar")
PAGES = ("", "scorecard", "segments", "calls")  # each page's path after the root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serving-db", type=Path, default=settings.serving_db_path())
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    if not args.serving_db.is_file():
        print(f"{args.serving_db} does not exist: run `make run` first", file=sys.stderr)
        return 2
    server, url = _start(args.serving_db)
    try:
        print(f"dashboard on {url} reading {args.serving_db}")
        for path in PAGES:
            print(f"page /{path}")
            _bench_server(url + path, args.loads)
            _bench_browser(url + path, args.loads)
    finally:
        server.terminate()
        server.wait(10)
    return 0


def _start(serving_db: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [RADAR, "dashboard", "--port", str(port), "--serving-db", str(serving_db)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    for _ in range(300):
        try:
            httpx.get(f"{url}?state=", timeout=5).raise_for_status()
            return server, url
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"radar dashboard did not answer on {url}")


def _bench_server(url: str, loads: int) -> None:
    with httpx.Client() as client:
        page = [_timed(client, url) for _ in range(loads)]
        script = re.search(r'<script src="([^"]+)"', client.get(url).text)
        plotly_js = _timed(client, httpx.URL(url).join(script.group(1))) if script else None
    print(f"  server, HTML complete: median {_ms(statistics.median(page))} over {loads} loads, "
          f"slowest {_ms(max(page))}")
    if plotly_js is not None:
        print(f"  server, plotly.js (4.8 MB, cached by browsers for a day): {_ms(plotly_js)}")


def _bench_browser(url: str, loads: int) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("  browser: skipped (install Debian's chromium: apt-get install chromium)")
        return
    with tempfile.TemporaryDirectory() as profile:
        timings = [_browser_load(chromium, profile, url) for _ in range(loads)]
    drawn = [t[1] for t in timings if t is not None]
    if not drawn:
        print("  browser: the charts were not drawn by the time the page had loaded")
        return
    first = timings[0]
    if first is not None:
        print(f"  browser, first load (empty cache): HTML at {first[0]} ms, every chart drawn at {first[1]} ms")
    cached = drawn[1:] or drawn
    print(f"  browser, page load until every chart is drawn: median {statistics.median(cached):.0f} ms cached "
          f"({len(cached)} loads), slowest {max(drawn)} ms")


def _browser_load(chromium: str, profile: str, url: str) -> tuple[int, int] | None:
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True, text=True, timeout=120,
    ).stdout
    html = re.search(r'data-html-received-ms="(\d+)"', dom)
    drawn = re.search(r'data-charts-drawn-ms="(\d+)"', dom)
    return (int(html.group(1)), int(drawn.group(1))) if html and drawn else None


def _timed(client: httpx.Client, url: str | httpx.URL) -> float:
    start = time.perf_counter()
    client.get(url).raise_for_status()
    return time.perf_counter() - start


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


if __name__ == "__main__":
    sys.exit(main())
