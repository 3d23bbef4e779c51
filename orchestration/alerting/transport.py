"""One JSON POST with one deadline for the whole exchange: connecting, sending and reading the answer. A timer
shuts the exchange's sockets down when the time is up, so neither a server that answers late nor one that
trickles its answer a byte at a time can hold a delivery longer (a socket timeout alone restarts with every
byte). urllib still does the rest: proxies from the environment, TLS, redirects."""

import contextlib
import http.client
import socket
import threading
import urllib.request


class DeadlineExceeded(TimeoutError):
    pass


class Deadline:
    """Shuts down every socket it watches once `seconds` have passed since it was entered."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "Deadline":
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired.is_set():
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired.set()
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)  # a blocked read or TLS handshake on it returns at once


def _watched(base: type[http.client.HTTPConnection], deadline: Deadline) -> type[http.client.HTTPConnection]:
    class Watched(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            create = self._create_connection  # http.client's hook for opening the raw socket (before any TLS)

            def create_watched(*a, **kw) -> socket.socket:
                sock = create(*a, **kw)
                deadline.watch(sock)
                return sock

            self._create_connection = create_watched

    return Watched


class _Watching:
    deadline: Deadline

    def do_open(self, http_class, req, **kwargs):
        return super().do_open(_watched(http_class, self.deadline), req, **kwargs)


class _HTTPHandler(_Watching, urllib.request.HTTPHandler):
    pass


class _HTTPSHandler(_Watching, urllib.request.HTTPSHandler):
    pass


def post_json(url: str, body: bytes, headers: dict[str, str], seconds: float) -> int:
    """POST `body`; the answer's status (2xx; urllib raises HTTPError for the others). Raises DeadlineExceeded
    when the whole exchange did not finish within `seconds`."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    with Deadline(seconds) as deadline:
        handlers = [_HTTPHandler(), _HTTPSHandler()]
        for handler in handlers:
            handler.deadline = deadline
        try:
            with urllib.request.build_opener(*handlers).open(request, timeout=seconds) as response:
                response.read()
                status = response.status
        except (OSError, http.client.HTTPException):
            if deadline.expired.is_set():
                raise DeadlineExceeded(f"no complete answer within {seconds:g} s") from None
            raise
        if deadline.expired.is_set():  # an answer cut short by the deadline is no answer
            raise DeadlineExceeded(f"no complete answer within {seconds:g} s")
        return status
