"""SendGrid Event Webhook receiver: verifies each signed POST and lands its raw body durably in `<landing>/sendgrid/`.

A body is written to `sendgrid/.incoming/` (a dot-folder the loader ignores), fsynced, renamed to
`sendgrid/webhook-<UTC yyyymmddThhmmssZ>-<uuid4 hex>.json` and the folder fsynced, all before the 2xx answer: an
acknowledged batch survives a crash. File bytes are the request body exactly, so a SendGrid retry of the same body
hashes the same and the loader skips it. The key, signatures and bodies are never logged.
"""

import copy
import json
import logging
import os
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ingest.records import FileRejected, decode_utf8
from ingest.webhook_signature import (
    KEY_ENV,
    InvalidVerificationKey,
    SignatureRejected,
    check_headers,
    load_verification_key,
    verify,
)

__all__ = ["KEY_ENV", "InvalidVerificationKey", "MissingVerificationKey", "WebhookConfig", "create_app", "serve"]

SENDGRID_PATH = "/webhooks/sendgrid"
INCOMING = ".incoming"
logger = logging.getLogger(__name__)


class MissingVerificationKey(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            f"no SendGrid verification key: set {KEY_ENV} to the public key shown in SendGrid's Event Webhook "
            "settings (Signature Verification), or pass --insecure-no-verify to accept unsigned events "
            "(development only)"
        )


@dataclass(frozen=True)
class WebhookConfig:
    landing_dir: Path
    verification_key: str | None = field(repr=False)
    insecure_no_verify: bool = False
    max_body_bytes: int = 5_000_000
    max_timestamp_age_seconds: int = 300

    def __post_init__(self) -> None:
        object.__setattr__(self, "landing_dir", Path(self.landing_dir))
        if self.max_body_bytes <= 0 or self.max_timestamp_age_seconds <= 0:
            raise ValueError("max_body_bytes and max_timestamp_age_seconds must be positive")

    @classmethod
    def from_env(
        cls,
        landing_dir: Path,
        *,
        insecure_no_verify: bool = False,
        max_body_bytes: int = 5_000_000,
        max_timestamp_age_seconds: int = 300,
        environ: Mapping[str, str] | None = None,
    ) -> "WebhookConfig":
        """The verification key from RADAR_SENDGRID_VERIFICATION_KEY (unset or blank: no key)."""
        key = (os.environ if environ is None else environ).get(KEY_ENV, "").strip() or None
        return cls(Path(landing_dir), key, insecure_no_verify, max_body_bytes, max_timestamp_age_seconds)


class _Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


# --- durable landing (blocking: runs in the thread pool) ---------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # directories cannot be opened for fsync there; NTFS journals the rename
        return
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _ensure_dir(path: Path) -> None:
    """Create the folder and any missing parents, fsyncing each parent that gained an entry."""
    missing = []
    while not path.is_dir() and path != path.parent:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            if not folder.is_dir():
                raise
        _fsync_dir(folder.parent)


def land_batch(landing_dir: Path, body: bytes) -> Path:
    """Write the body durably as a new `sendgrid/webhook-*.json` file; returns its path once it is on disk."""
    folder = Path(landing_dir) / "sendgrid"
    incoming = folder / INCOMING
    _ensure_dir(incoming)
    name = f"webhook-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex}.json"
    temp = incoming / f"{name}.tmp"
    try:
        with open(temp, "xb") as file:
            file.write(body)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, folder / name)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_dir(folder)
    return folder / name


def _probe_writable(landing_dir: Path) -> None:
    incoming = Path(landing_dir) / "sendgrid" / INCOMING
    _ensure_dir(incoming)
    with tempfile.TemporaryFile(dir=incoming) as file:
        file.write(b"ok")
        file.flush()


# --- request handling ------------------------------------------------------------------------------------------

_JSON_TYPES = {dict: "object", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}


def _event_count(body: bytes) -> int:
    """Events in a body the loader will read as one webhook POST (a JSON array); raises _Refused(400)."""
    try:
        events = json.loads(decode_utf8(body))
    except FileRejected as exc:
        raise _Refused(400, str(exc)) from None
    except json.JSONDecodeError as exc:
        raise _Refused(400, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except (ValueError, RecursionError):
        raise _Refused(400, "JSON the loader cannot read (nested too deeply or a number too long)") from None
    if not isinstance(events, list):
        raise _Refused(400, f"expected a JSON array of events, got a JSON {_JSON_TYPES.get(type(events), 'value')}")
    return len(events)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise _Refused(400, "Content-Length is not a number")
        if int(declared) > limit:
            raise _Refused(413, f"body of {int(declared)} bytes exceeds the limit of {limit} bytes")
    body = bytearray()
    try:
        async with aclosing(request.stream()) as chunks:
            async for chunk in chunks:
                if len(body) + len(chunk) > limit:
                    raise _Refused(413, f"body exceeds the limit of {limit} bytes")
                body += chunk
    except ClientDisconnect:
        raise _Refused(400, "client disconnected before the body was complete") from None
    return bytes(body)


def create_app(config: WebhookConfig) -> Starlette:
    """The receiver app; raises MissingVerificationKey (no key, not insecure) or InvalidVerificationKey."""
    key = None
    if not config.insecure_no_verify:
        if not (config.verification_key or "").strip():
            raise MissingVerificationKey()
        key = load_verification_key(config.verification_key)
    landing_dir = config.landing_dir

    async def accept(request: Request) -> tuple[bytes, int]:
        signed = None
        if key is not None:
            try:
                signed = check_headers(
                    request.headers, now=time.time(), max_age_seconds=config.max_timestamp_age_seconds
                )
            except SignatureRejected as exc:
                raise _Refused(403, str(exc)) from None
        body = await _read_body(request, config.max_body_bytes)
        if key is not None and signed is not None:
            try:
                verify(key, signed, body)
            except SignatureRejected as exc:
                raise _Refused(403, str(exc)) from None
        return body, await run_in_threadpool(_event_count, body)

    async def sendgrid_events(request: Request) -> JSONResponse:
        client = request.client.host if request.client else "-"
        try:
            body, count = await accept(request)
        except _Refused as refused:
            logger.warning("refused SendGrid webhook from %s: %d %s", client, refused.status, refused.reason)
            return JSONResponse({"error": refused.reason}, status_code=refused.status)
        if count == 0:
            logger.info("SendGrid webhook from %s held no events; nothing written", client)
            return JSONResponse({"accepted": 0, "file": None})
        try:
            path = await run_in_threadpool(land_batch, landing_dir, body)
        except OSError as exc:
            logger.error("could not land a SendGrid batch of %d events in %s: %s", count, landing_dir, exc)
            return JSONResponse({"error": "landing folder is not writable"}, status_code=503)
        logger.info("accepted SendGrid batch from %s: %d events, %d bytes -> %s", client, count, len(body), path.name)
        return JSONResponse({"accepted": count, "file": path.name})

    async def healthz(request: Request) -> JSONResponse:
        try:
            await run_in_threadpool(_probe_writable, landing_dir)
        except OSError as exc:
            logger.error("health check: landing folder %s is not writable: %s", landing_dir, exc)
            return JSONResponse({"status": "unavailable", "reason": "landing folder is not writable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if key is None:
            logger.warning(
                "signature verification is OFF (--insecure-no-verify): anyone who can reach %s can write events "
                "into the landing folder",
                SENDGRID_PATH,
            )
        logger.info("receiving SendGrid events on POST %s into %s", SENDGRID_PATH, landing_dir / "sendgrid")
        yield

    return Starlette(
        routes=[
            Route(SENDGRID_PATH, sendgrid_events, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def _log_config() -> dict:
    """uvicorn's logging, plus this module's records through the same stderr handler."""
    import uvicorn.config

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"][__name__] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def serve(config: WebhookConfig, host: str = "127.0.0.1", port: int = 8787, *, log_level: str = "info") -> None:
    """Run the receiver until interrupted; raises MissingVerificationKey before binding when there is no key."""
    import uvicorn

    app = create_app(config)
    uvicorn.run(app, host=host, port=port, log_config=_log_config(), log_level=log_level, server_header=False)
