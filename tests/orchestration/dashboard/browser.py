"""A headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON messages, each
ended by a NUL byte, read from the browser's fd 4 and written to its fd 3), so a test can click, type, submit and
download as a user does, with nothing but the standard library."""

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

TIMEOUT = 30.0


class BrowserError(RuntimeError):
    pass


class Browser:
    """One page in a headless Chromium; `evaluate` runs JavaScript in it, `navigated` waits for the next load."""

    def __init__(self, binary: str, profile: Path, downloads: Path) -> None:
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()
        self._process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # fds 3 and 4 are set up in the child (by number, whatever the parent's pipes are), then kept open
            pass_fds=(3, 4), preexec_fn=lambda: _as_fds_3_and_4(to_browser, from_browser),
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []
        target = self._send("Target.createTarget", url="about:blank")["targetId"]
        self._session = self._send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self._send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads), eventsEnabled=True)
        self.call("Page.enable")

    def close(self) -> None:
        self._process.kill()
        self._process.wait(10)
        os.close(self._read)
        os.close(self._write)

    def call(self, method: str, **params: Any) -> dict:
        return self._send(method, session=self._session, **params)

    def open(self, url: str) -> None:
        self._events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (awaited when it is a promise)."""
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_until(self, expression: str) -> Any:
        """The first truthy value of a JavaScript expression, polled."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if value := self.evaluate(expression):
                return value
            time.sleep(0.05)
        raise BrowserError(f"{expression} stayed false for {TIMEOUT} s")

    def download(self, action: str) -> Path:
        """Run `action` (JavaScript that clicks a download link) and wait for the file it downloads."""
        self.evaluate(action)
        return Path(self.wait_for_event("Browser.downloadProgress", state="completed")["filePath"])

    def navigated(self, action: str) -> None:
        """Run `action` (JavaScript that clicks or submits) and wait until the page it leads to has loaded."""
        self._events.clear()
        self.evaluate(action)
        self.wait_for_event("Page.loadEventFired")

    def wait_for_event(self, method: str, **match: Any) -> dict:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            for event in self._events:
                if event["method"] == method and all(event["params"].get(k) == v for k, v in match.items()):
                    self._events.remove(event)
                    return event["params"]
            self._events.append(self._receive(deadline))
        raise BrowserError(f"no {method} {match} within {TIMEOUT} s")

    def _send(self, method: str, session: str | None = None, **params: Any) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._receive(deadline)
            if reply.get("id") != self._next_id:
                self._events.append(reply)
                continue
            if "error" in reply:
                raise BrowserError(f"{method}: {reply['error']}")
            return reply["result"]

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline or self._process.poll() is not None:
                raise BrowserError("Chromium stopped answering")
            self._buffer += os.read(self._read, 1 << 16)
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)


def _as_fds_3_and_4(to_browser: int, from_browser: int) -> None:
    """In the child: the browser reads commands on fd 3 and writes replies and events on fd 4."""
    high_in, high_out = os.dup(to_browser), os.dup(from_browser)  # out of the way of 3 and 4 first
    os.dup2(high_in, 3)
    os.dup2(high_out, 4)
