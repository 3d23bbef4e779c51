"""From a file's arrival to the on-call webhook's firing alert, through the real Dagster daemon.

    .venv/bin/python tests/benchmarks/landing_to_alert.py [--work DIR]

Starts `dagster-daemon run` on a new Dagster home (the project's instance file) with the landing sensor, the
run-status sensors and the schedule as deployed, a webhook receiver on 127.0.0.1 as the alert channel, then
delivers the demo exports into the empty landing folder (each file renamed into place, as a real delivery
lands) and waits for the first firing alert. Prints the seconds from arrival to that alert and to the end of
the run, and the runs the daemon launched. The end-to-end test (tests/orchestration/test_daemon_e2e.py) drives
the same machinery.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ingest.demo import write_demo  # noqa: E402
from orchestration.settings import INSTANCE_TEMPLATE  # noqa: E402
from tests.orchestration.alerting.receiver import Receiver, receiver  # noqa: E402

DEMO_END = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
DAEMON = str(Path(sys.executable).parent / "dagster-daemon")
RUN_ENDED = (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)


@dataclass
class Deployment:
    """A daemon running the project's definitions on its own Dagster home, landing folder and warehouse."""

    root: Path
    webhook: Receiver
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None
    _instance: dg.DagsterInstance | None = field(default=None, repr=False)

    @property
    def landing(self) -> Path:
        return Path(self.env["RADAR_LANDING_DIR"])

    @property
    def warehouse(self) -> Path:
        return Path(self.env["RADAR_WAREHOUSE"])

    @property
    def instance(self) -> dg.DagsterInstance:
        if self._instance is None:
            self._instance = dg.DagsterInstance.from_config(self.env["DAGSTER_HOME"])
        return self._instance

    def deliver(self, files: dict[str, Path]) -> float:
        """Rename each file into the landing folder; the time of the last arrival."""
        for relative, source in files.items():
            target = self.landing / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        return time.time()

    def runs(self) -> list[dg.DagsterRun]:
        return list(reversed(self.instance.get_runs()))  # oldest first

    def wait(self, done, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the daemon exited ({self.process.returncode}): see {self.log}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} within {timeout:.0f}s; the daemon's log is {self.log}")
            time.sleep(0.5)

    def wait_for_runs(self, count: int, timeout: float) -> list[dg.DagsterRun]:
        self.wait(lambda: len(self.runs()) >= count and all(r.status in RUN_ENDED for r in self.runs()),
                  timeout, f"{count} finished run(s)")
        return self.runs()


@contextmanager
def deployment(root: Path, instance_file: Path = INSTANCE_TEMPLATE, env: dict[str, str] | None = None
               ) -> Iterator[Deployment]:
    """The daemon on a new Dagster home with `instance_file` as its dagster.yaml, `env` added to its environment."""
    home, landing = root / "dagster_home", root / "landing"
    home.mkdir(parents=True)
    landing.mkdir()
    shutil.copy(instance_file, home / "dagster.yaml")
    extra = env or {}
    with receiver() as webhook:
        env = {
            **os.environ, "DAGSTER_HOME": str(home), "RADAR_LANDING_DIR": str(landing),
            "RADAR_WAREHOUSE": str(root / "warehouse.duckdb"), "RADAR_ALERT_WEBHOOK_URL": webhook.url,
            "RADAR_AS_OF": DEMO_END.strftime("%Y-%m-%d %H:%M:%S"), "RADAR_SETTLE_SECONDS": "1",
            "GX_ANALYTICS_ENABLED": "false", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", **extra,
        }
        env.pop("RADAR_SERVING_DB", None)
        env.pop("RADAR_SERVING_DIR", None)
        deployed = Deployment(root, webhook, env, root / "daemon.log")
        with open(deployed.log, "w") as log:
            deployed.process = subprocess.Popen(
                [DAEMON, "run", "-m", "orchestration.definitions"], env=env, stdout=log, stderr=subprocess.STDOUT,
            )
            try:
                yield deployed
            finally:
                deployed.process.terminate()
                try:
                    deployed.process.wait(30)
                except subprocess.TimeoutExpired:
                    deployed.process.kill()
                if deployed._instance is not None:
                    deployed._instance.dispose()


def demo_files(out: Path) -> dict[str, Path]:
    """The demo exports written beside the landing folder: relative landing path -> file."""
    write_demo(out, end=DEMO_END)
    return {str(p.relative_to(out)): p for p in sorted(out.rglob("*")) if p.is_file() and not p.name.startswith(".")}


def firing(webhook: Receiver) -> list[dict]:
    return [body for body in webhook.accepted if body.get("status") == "firing"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="scratch folder (default: a new temporary one)")
    args = parser.parse_args()
    root = args.work or Path(tempfile.mkdtemp(prefix="radar-landing-to-alert-"))
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    files = demo_files(root / "incoming")
    with deployment(root) as deployed:
        arrived = deployed.deliver(files)
        deployed.wait(lambda: firing(deployed.webhook), 600, "a firing alert")
        alerted = time.time()
        runs = deployed.wait_for_runs(1, 600)
        ended = time.time()
    print(f"{len(files)} demo files delivered; the daemon launched {len(runs)} run(s): "
          + ", ".join(f"{r.job_name} {r.status.value}" for r in runs))
    print(f"landing to first firing alert: {alerted - arrived:.1f} s ({len(firing(deployed.webhook))} firing)")
    print(f"landing to the end of the run: {ended - arrived:.1f} s")


if __name__ == "__main__":
    main()
