"""The SendGrid Event Webhook receiver over real HTTP on 127.0.0.1: signatures, limits, durable landing, logs."""

import base64
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ingest import landing, sendgrid
from ingest.schema import SENDGRID_EVENTS
from ingest.webhook import (
    KEY_ENV,
    InvalidVerificationKey,
    MissingVerificationKey,
    WebhookConfig,
    create_app,
    serve,
)
from ingest.webhook_signature import SIGNATURE_HEADER, TIMESTAMP_HEADER
from tests.live_server import running

REPO = Path(__file__).resolve().parents[2]
URL_PATH = "/webhooks/sendgrid"
MAX_BODY = 4096
NAME = re.compile(r"webhook-\d{8}T\d{6}Z-[0-9a-f]{32}\.json")


@dataclass(frozen=True)
class Signer:
    private_key: ec.EllipticCurvePrivateKey

    @property
    def public_key_b64(self) -> str:
        der = self.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(der).decode()

    def signature(self, timestamp: str, body: bytes) -> str:
        """As SendGrid signs: ECDSA P-256 / SHA-256 over the timestamp header value + the raw body, DER, base64."""
        der = self.private_key.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
        return base64.b64encode(der).decode()

    def headers(self, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        return {SIGNATURE_HEADER: self.signature(ts, body), TIMESTAMP_HEADER: ts, "Content-Type": "application/json"}


@dataclass(frozen=True)
class Receiver:
    url: str
    landing: Path
    signer: Signer

    def post(self, body: bytes, headers: dict[str, str] | None = None, **kwargs) -> httpx.Response:
        headers = self.signer.headers(body) if headers is None else headers
        return httpx.post(self.url + URL_PATH, content=body, headers=headers, timeout=10, **kwargs)


def _events(n: int, tag: str = "a") -> list[dict]:
    return [
        {
            "email": f"lead{i}@client.example",
            "timestamp": 1709648530 + i,
            "event": "delivered",
            "sg_event_id": f"evt-{tag}-{i}",
            "sg_message_id": f"sgm-{tag}-{i}.filter0001",
            "smtp-id": f"<m-{tag}-{i}@acme.example>",
        }
        for i in range(n)
    ]


def _body(n: int = 3, tag: str = "a") -> bytes:
    return json.dumps(_events(n, tag)).encode()


def _files(landing_dir: Path) -> list[Path]:
    """Every file under sendgrid/, the in-flight folder included."""
    folder = landing_dir / "sendgrid"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture(scope="module")
def signer() -> Signer:
    return Signer(ec.generate_private_key(ec.SECP256R1()))


@pytest.fixture
def receiver(tmp_path: Path, signer: Signer) -> Iterator[Receiver]:
    config = WebhookConfig(tmp_path / "landing", signer.public_key_b64, max_body_bytes=MAX_BODY)
    with running(create_app(config), lifespan="on") as url:
        yield Receiver(url, config.landing_dir, signer)


def test_signed_batch_lands_byte_for_byte_and_parses(receiver: Receiver):
    body = b'[{"email": "lou@client.example", "timestamp": 1709648530, "event": "open", "sg_event_id": "evt-1"},\n'
    body += b' {"email": "lou@client.example", "timestamp": 1709648531, "event": "click", "sg_event_id": "evt-2"}]'

    response = receiver.post(body)

    assert response.status_code == 200
    answer = response.json()
    assert answer["accepted"] == 2
    assert NAME.fullmatch(answer["file"])
    path = receiver.landing / "sendgrid" / answer["file"]
    assert path.read_bytes() == body
    assert _files(receiver.landing) == [path]  # nothing left in .incoming/
    assert [f.path for f in landing.discover(receiver.landing, "sendgrid")] == [path]
    parsed = sendgrid.parse(path, path.read_bytes())
    assert parsed.rows_total == 2
    assert parsed.rejections == []


def _stale(signer: Signer, other: Signer, body: bytes) -> dict[str, str]:
    return signer.headers(body, timestamp=int(time.time()) - 360)


def _future(signer: Signer, other: Signer, body: bytes) -> dict[str, str]:
    return signer.headers(body, timestamp=int(time.time()) + 360)


def _without(header: str) -> Callable[[Signer, Signer, bytes], dict[str, str]]:
    return lambda signer, other, body: {k: v for k, v in signer.headers(body).items() if k != header}


def _replace(header: str, value: str) -> Callable[[Signer, Signer, bytes], dict[str, str]]:
    return lambda signer, other, body: {**signer.headers(body), header: value}


def _timestamp_moved(signer: Signer, other: Signer, body: bytes) -> dict[str, str]:
    headers = signer.headers(body)
    return {**headers, TIMESTAMP_HEADER: str(int(headers[TIMESTAMP_HEADER]) - 1)}


REFUSED = {
    "garbage signature": _replace(SIGNATURE_HEADER, base64.b64encode(b"\x30\x44" + b"\x01" * 70).decode()),
    "signature not base64": _replace(SIGNATURE_HEADER, "%%not-base64%%"),
    "signed by another key": lambda signer, other, body: other.headers(body),
    "signature over another body": lambda signer, other, body: signer.headers(body + b" "),
    "timestamp changed after signing": _timestamp_moved,
    "stale timestamp (6 min)": _stale,
    "future timestamp (6 min)": _future,
    "timestamp not a number": _replace(TIMESTAMP_HEADER, "yesterday"),
    "missing signature header": _without(SIGNATURE_HEADER),
    "missing timestamp header": _without(TIMESTAMP_HEADER),
}


@pytest.mark.parametrize("case", REFUSED)
def test_unverified_posts_are_403_and_write_nothing(receiver: Receiver, case: str):
    other = Signer(ec.generate_private_key(ec.SECP256R1()))
    body = _body()

    response = receiver.post(body, REFUSED[case](receiver.signer, other, body))

    assert response.status_code == 403, response.text
    assert "error" in response.json()
    assert _files(receiver.landing) == []


# SendGrid's own published test vector (sendgrid-python, test/unit/test_eventwebhook.py): a body as SendGrid sends
# it, compact JSON with a trailing CRLF, signed by SendGrid in 2020 (hence the wide timestamp window below).
SENDGRID_KEY = (
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpV"
    "KS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g=="
)
SENDGRID_SIGNATURE = "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM="
SENDGRID_TIMESTAMP = "1600112502"
SENDGRID_EVENT = {
    "email": "hello@world.com",
    "event": "dropped",
    "reason": "Bounced Address",
    "sg_event_id": "ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA",
    "sg_message_id": "LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0",
    "smtp-id": "<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>",
    "timestamp": 1600112492,
}


def test_a_body_signed_by_sendgrid_itself_is_accepted(tmp_path: Path):
    body = json.dumps([SENDGRID_EVENT], sort_keys=True, separators=(",", ":")).encode() + b"\r\n"
    headers = {SIGNATURE_HEADER: SENDGRID_SIGNATURE, TIMESTAMP_HEADER: SENDGRID_TIMESTAMP}
    config = WebhookConfig(tmp_path / "landing", SENDGRID_KEY, max_timestamp_age_seconds=100 * 365 * 86400)

    with running(create_app(config), lifespan="on") as url:
        accepted = httpx.post(url + URL_PATH, content=body, headers=headers, timeout=10)
        trimmed = httpx.post(url + URL_PATH, content=body.rstrip(), headers=headers, timeout=10)

    assert accepted.status_code == 200
    path = config.landing_dir / "sendgrid" / accepted.json()["file"]
    assert path.read_bytes() == body
    (row,) = sendgrid.parse(path, body).rows[SENDGRID_EVENTS.name]
    assert (row["event"], row["smtp_id"]) == ("dropped", "LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net")
    assert trimmed.status_code == 403  # the signature covers the raw bytes, trailing CRLF included


def test_oversize_body_is_413_whether_declared_or_streamed(receiver: Receiver):
    body = b"[" + b" " * MAX_BODY + b"]"
    declared = receiver.post(body)
    chunks = [body[i : i + 512] for i in range(0, len(body), 512)]
    chunked = httpx.post(  # an iterator body goes out chunked, with no Content-Length to check up front
        receiver.url + URL_PATH, content=iter(chunks), headers=receiver.signer.headers(body), timeout=10
    )

    assert declared.status_code == 413
    assert chunked.status_code == 413
    assert _files(receiver.landing) == []


def test_body_of_exactly_the_limit_is_accepted(receiver: Receiver):
    events = _body(1)
    body = events[:-1] + b" " * (MAX_BODY - len(events)) + b"]"
    assert len(body) == MAX_BODY

    response = receiver.post(body)

    assert response.status_code == 200
    assert (receiver.landing / "sendgrid" / response.json()["file"]).read_bytes() == body


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "invalid JSON"),
        (b'[{"event": "open"}', "invalid JSON"),
        (b'{"event": "open", "email": "lou@client.example"}', "JSON object"),
        (b'"delivered"', "JSON string"),
        (b'[{"email": "\xff"}]', "not UTF-8"),
    ],
)
def test_body_that_is_not_a_json_array_is_400(receiver: Receiver, body: bytes, reason: str):
    response = receiver.post(body)

    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert _files(receiver.landing) == []


def test_empty_array_is_acknowledged_and_not_written(receiver: Receiver):
    response = receiver.post(b"[]")

    assert response.status_code == 200
    assert response.json() == {"accepted": 0, "file": None}
    assert _files(receiver.landing) == []


def test_get_on_the_webhook_path_is_405(receiver: Receiver):
    assert httpx.get(receiver.url + URL_PATH, timeout=10).status_code == 405


def test_concurrent_burst_lands_every_acknowledged_batch_exactly_once(receiver: Receiver):
    bodies = [_body(1 + i % 5, tag=f"burst{i}") for i in range(40)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        responses = list(pool.map(receiver.post, bodies))

    acknowledged = [body for body, r in zip(bodies, responses, strict=True) if r.status_code == 200]
    assert len(acknowledged) == 40
    names = [r.json()["file"] for r in responses]
    assert len(set(names)) == 40
    files = _files(receiver.landing)
    assert sorted(p.name for p in files) == sorted(names)
    assert Counter(p.read_bytes() for p in files) == Counter(acknowledged)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_acknowledged_batch_survives_sigkill_and_logs_hold_no_secrets(tmp_path: Path, signer: Signer):
    landing_dir, port, stderr_path = tmp_path / "landing", _free_port(), tmp_path / "stderr.log"
    code = (
        "import sys; from pathlib import Path; from ingest.webhook import WebhookConfig, serve; "
        "serve(WebhookConfig.from_env(Path(sys.argv[1])), host='127.0.0.1', port=int(sys.argv[2]))"
    )
    env = {**os.environ, KEY_ENV: signer.public_key_b64}
    with open(stderr_path, "wb") as stderr, open(tmp_path / "stdout.log", "wb") as stdout:
        server = subprocess.Popen(
            [sys.executable, "-c", code, str(landing_dir), str(port)], cwd=REPO, env=env, stdout=stdout, stderr=stderr
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            assert server.poll() is None, stderr_path.read_text()
            assert time.monotonic() < deadline, "the receiver subprocess did not come up"
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        body = _body(5, tag="durable")
        refused_headers = signer.headers(body + b"x")
        accepted_headers = signer.headers(body)
        refused = httpx.post(url + URL_PATH, content=body, headers=refused_headers, timeout=10)
        accepted = httpx.post(url + URL_PATH, content=body, headers=accepted_headers, timeout=10)
        server.send_signal(signal.SIGKILL)
        server.wait(10)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)

    assert refused.status_code == 403
    assert accepted.status_code == 200
    path = landing_dir / "sendgrid" / accepted.json()["file"]
    assert path.read_bytes() == body
    assert sendgrid.parse(path, path.read_bytes()).rows_total == 5
    assert [f.path for f in landing.discover(landing_dir, "sendgrid")] == [path]

    log = stderr_path.read_text()
    assert "accepted SendGrid batch" in log and "5 events" in log and path.name in log
    assert "refused SendGrid webhook" in log and "403" in log
    for secret in (signer.public_key_b64, refused_headers[SIGNATURE_HEADER], accepted_headers[SIGNATURE_HEADER]):
        assert secret not in log
    assert "evt-durable" not in log  # no body


def test_logs_of_accepted_and_refused_requests_hold_neither_key_nor_signature(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO, logger="ingest.webhook")
    body = _body(2, tag="logged")
    good = receiver.signer.headers(body)
    bad = receiver.signer.headers(b"[]")

    assert receiver.post(body, good).status_code == 200
    assert receiver.post(body, bad).status_code == 403

    text = caplog.text
    assert "accepted SendGrid batch" in text and "2 events" in text
    assert "refused SendGrid webhook" in text and "403" in text
    for secret in (receiver.signer.public_key_b64, good[SIGNATURE_HEADER], bad[SIGNATURE_HEADER], "evt-logged"):
        assert secret not in text


def test_refuses_to_start_without_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    config = WebhookConfig.from_env(tmp_path)
    assert config.verification_key is None

    with pytest.raises(MissingVerificationKey, match=f"{KEY_ENV}.*--insecure-no-verify"):
        create_app(config)
    with pytest.raises(MissingVerificationKey):
        serve(config, host="127.0.0.1", port=_free_port())
    with pytest.raises(MissingVerificationKey):
        create_app(WebhookConfig(tmp_path, "  "))


def test_key_comes_from_the_environment_and_stays_out_of_repr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signer: Signer
):
    monkeypatch.setenv(KEY_ENV, signer.public_key_b64 + "\n")
    config = WebhookConfig.from_env(tmp_path, max_body_bytes=10)

    assert config.verification_key == signer.public_key_b64
    assert config.max_body_bytes == 10
    assert signer.public_key_b64 not in repr(config)
    create_app(config)


@pytest.mark.parametrize("key", ["not a key", base64.b64encode(b"\x30\x03\x02\x01\x00").decode(), "p384"])
def test_a_key_that_is_not_p256_is_refused(tmp_path: Path, key: str):
    if key == "p384":
        der = (
            ec.generate_private_key(ec.SECP384R1())
            .public_key()
            .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        )
        key = base64.b64encode(der).decode()

    with pytest.raises(InvalidVerificationKey) as raised:
        create_app(WebhookConfig(tmp_path, key))
    assert key not in str(raised.value)


def test_insecure_mode_accepts_unsigned_posts_and_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.INFO, logger="ingest.webhook")
    config = WebhookConfig(tmp_path / "landing", None, insecure_no_verify=True)
    body = _body(2, tag="unsigned")

    with running(create_app(config), lifespan="on") as url:
        response = httpx.post(url + URL_PATH, content=body, timeout=10)

    assert response.status_code == 200
    assert (config.landing_dir / "sendgrid" / response.json()["file"]).read_bytes() == body
    assert any(r.levelno == logging.WARNING and "verification is OFF" in r.message for r in caplog.records)


def test_healthz_reports_ok_and_503_when_the_landing_folder_is_not_writable(tmp_path: Path, signer: Signer):
    good = WebhookConfig(tmp_path / "landing", signer.public_key_b64)
    broken_landing = tmp_path / "broken"
    broken_landing.mkdir()
    (broken_landing / "sendgrid").write_text("a file where the sendgrid folder should be")
    broken = WebhookConfig(broken_landing, signer.public_key_b64)

    with running(create_app(good), lifespan="on") as url:
        ok = httpx.get(url + "/healthz", timeout=10)
    with running(create_app(broken), lifespan="on") as url:
        unavailable = httpx.get(url + "/healthz", timeout=10)
        body = _body(1)
        post = httpx.post(url + URL_PATH, content=body, headers=signer.headers(body), timeout=10)

    assert ok.status_code == 200
    assert ok.json() == {"status": "ok"}
    assert _files(good.landing_dir) == []  # the probe leaves nothing behind
    assert unavailable.status_code == 503
    assert post.status_code == 503  # not acknowledged, so SendGrid retries
