"""A throwaway PostgreSQL cluster for tests: initdb in a temporary folder, listening on a free loopback port.

PostgreSQL refuses to run as root; when the tests run as root, the cluster's commands run as the `postgres` user
that Debian's package creates, in a folder owned by it.
"""

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

USER = "radar"
DATABASE = "dagster"
BIN_CANDIDATES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl (the newest installed PostgreSQL), or None."""
    for folder in BIN_CANDIDATES:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str], **kwargs) -> None:
    done = subprocess.run(_as_owner(command), capture_output=True, text=True, timeout=120, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stdout}{done.stderr}")


@contextmanager
def postgres_cluster() -> Iterator[dict[str, str]]:
    """Start a cluster with a password-protected user and an empty database; yields the DAGSTER_PG_* variables
    that orchestration/dagster_postgres.yaml reads. Stopped and removed on exit."""
    bin_dir = binaries()
    root = Path(tempfile.mkdtemp(prefix="radar-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data, password, port = root / "data", secrets.token_hex(16), _free_port()
    password_file = root / "password"
    password_file.write_text(password + "\n")
    if os.geteuid() == 0:
        shutil.chown(password_file, "postgres", "postgres")
    _run([str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=scram-sha-256",
          f"--pwfile={password_file}", "--encoding=UTF8", "--no-instructions"])
    options = f"-h 127.0.0.1 -p {port} -k {root}"
    _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "server.log"), "-w", "start"])
    env = {"DAGSTER_PG_USERNAME": USER, "DAGSTER_PG_PASSWORD": password, "DAGSTER_PG_HOST": "127.0.0.1",
           "DAGSTER_PG_PORT": str(port), "DAGSTER_PG_DB": DATABASE}
    try:
        _run([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", USER, DATABASE],
             env={**os.environ, "PGPASSWORD": password})
        yield env
    finally:
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)
