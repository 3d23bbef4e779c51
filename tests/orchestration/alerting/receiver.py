"""A real HTTP server on 127.0.0.1 that records what alert channels post, answering with scripted statuses,
late or a byte at a time when told to."""

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)  # answered in order; 200 once used up
    delays: list[float] = field(default_factory=list)  # seconds before answering, in order; none once used up
    trickle_seconds: float = 0.0  # when set, the answer's body comes one byte at this interval, for ever
    on_request: Callable[[dict], None] | None = None  # called with each body while its request is in flight
    received: list[dict] = field(default_factory=list)  # every body, whatever the answer
    accepted: list[dict] = field(default_factory=list)  # the bodies answered with 2xx
    paths: list[str] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)  # each request's Idempotency-Key header

    def fail_next(self, *statuses: int) -> None:
        self.statuses.extend(statuses)

    def answer_late(self, *seconds: float) -> None:
        self.delays.extend(seconds)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length))
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            receiver.received.append(body)
            receiver.paths.append(self.path)
            receiver.keys.append(self.headers.get("Idempotency-Key"))
            if receiver.on_request:
                receiver.on_request(body)
            time.sleep(receiver.delays.pop(0) if receiver.delays else 0)
            if 200 <= status < 300:
                receiver.accepted.append(body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            with contextlib.suppress(OSError):  # a client that gave up waiting has hung up
                self._answer(status)

        def _answer(self, status: int) -> None:
            if receiver.trickle_seconds:
                self._trickle()
                return
            self.end_headers()
            self.wfile.write(b'{"status": "ok"}' if status < 300 else b'{"status": "error"}')

        def _trickle(self) -> None:
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            while True:  # until the client hangs up
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(receiver.trickle_seconds)

        def log_message(self, *args) -> None:
            pass

    return Handler


@contextmanager
def receiver(path: str = "/hook") -> Iterator[Receiver]:
    state = Receiver(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
