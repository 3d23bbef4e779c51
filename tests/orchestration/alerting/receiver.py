"""A real HTTP server on 127.0.0.1 that records what alert channels post, answering with scripted statuses."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Receiver:
    url: str
    statuses: list[int] = field(default_factory=list)  # answered in order; 200 once used up
    received: list[dict] = field(default_factory=list)  # every body, whatever the answer
    accepted: list[dict] = field(default_factory=list)  # the bodies answered with 2xx
    paths: list[str] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)  # each request's Idempotency-Key header

    def fail_next(self, *statuses: int) -> None:
        self.statuses.extend(statuses)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length))
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            receiver.received.append(body)
            receiver.paths.append(self.path)
            receiver.keys.append(self.headers.get("Idempotency-Key"))
            if 200 <= status < 300:
                receiver.accepted.append(body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"status": "ok"}' if status < 300 else b'{"status": "error"}')

        def log_message(self, *args) -> None:
            pass

    return Handler


@contextmanager
def receiver(path: str = "/hook") -> Iterator[Receiver]:
    state = Receiver(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
