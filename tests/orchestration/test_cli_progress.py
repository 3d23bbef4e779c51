"""`radar run` at a terminal draws a progress bar while it reads a big file, and into a pipe or a file it writes
plain lines only. Both runs read the hand-made landing set with one big mailbox added."""

import os
import pty
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.lib.terminal_log import BIG_FILE_BYTES
from tests.conftest import HANDMADE_LANDING

pytestmark = pytest.mark.slow

RADAR = str(Path(sys.executable).parent / "radar")
AS_OF = "2024-03-12T12:00:00Z"


def _big_mailbox(path: Path) -> None:
    """An mbox past BIG_FILE_BYTES: newsletters of 64 KiB each to a rep."""
    body = ("Quarterly newsletter text, nothing to answer.\n" * 1400).encode()
    with path.open("wb") as f:
        for n in range(BIG_FILE_BYTES // len(body) + 8):
            headers = (f"From news@example.com Mon Mar 11 09:00:00 2024\nFrom: News <news@example.com>\n"
                       f"To: ana@acme.example\nDate: Mon, 11 Mar 2024 09:00:00 +0000\n"
                       f"Message-ID: <news-{n}@example.com>\nSubject: Newsletter {n}\n\n")  # fmt: skip
            f.write(headers.encode() + body + b"\n")


def _landing(root: Path) -> dict[str, str]:
    landing = root / "landing"
    shutil.copytree(HANDMADE_LANDING, landing)
    _big_mailbox(landing / "mailbox" / "news.mbox")
    assert (landing / "mailbox" / "news.mbox").stat().st_size > BIG_FILE_BYTES
    return {**os.environ, "RADAR_LANDING_DIR": str(landing), "RADAR_WAREHOUSE": str(root / "warehouse.duckdb"),
            "DAGSTER_HOME": str(root / "home"), "RADAR_AS_OF": AS_OF}  # fmt: skip


def _run_on_a_terminal(env: dict[str, str]) -> tuple[int, str]:
    """`radar run` with its stderr on a pseudo-terminal (stdout in a pipe); what the terminal received."""
    controller, terminal = pty.openpty()
    with subprocess.Popen([RADAR, "run"], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=terminal) as process:  # fmt: skip
        os.close(terminal)
        received = bytearray()
        while True:
            ready, _, _ = select.select([controller], [], [], 600)
            if not ready:
                process.kill()
                break
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal's other end closed: the process is done with it
                break
            if not chunk:
                break
            received += chunk
        process.communicate(timeout=600)
    os.close(controller)
    return process.returncode, received.decode(errors="replace")


def test_a_big_file_gets_a_progress_bar_on_a_terminal_and_none_in_a_pipe(tmp_path: Path):
    terminal_env, piped_env = _landing(tmp_path / "tty"), _landing(tmp_path / "pipe")
    with subprocess.Popen([RADAR, "run"], env=piped_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as piped:  # fmt: skip
        code, screen = _run_on_a_terminal(terminal_env)
        piped_out, piped_err = piped.communicate(timeout=900)

    assert code == 0, screen[-3000:]
    assert "hashing news.mbox [" in screen and "parsing news.mbox [" in screen
    assert "\r\x1b[K" in screen  # drawn in place, and erased
    assert " MiB " in screen and "%" in screen
    # What the terminal shows of each line: the text after its last return. A log line erases the bar first.
    shown = [line.rsplit("\r", 1)[-1].removeprefix("\x1b[K") for line in screen.split("\r\n")]
    done = [line for line in shown if ": done in " in line]
    assert done and all(re.match(r"\d\d:\d\d:\d\d  \w+: done in", line) for line in done), done
    assert not [line for line in shown if "news.mbox [" in line], "no bar is left behind"

    assert piped.returncode == 0, piped_err[-3000:]
    assert "mailbox_files: done in" in piped_err
    assert "news.mbox [" not in piped_err
    control = {c for c in piped_out + piped_err if ord(c) < 32 and c != "\n"}
    assert not control, f"control characters in piped output: {sorted(map(ord, control))}"
