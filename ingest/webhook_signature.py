"""SendGrid Signed Event Webhook: ECDSA P-256 / SHA-256 over `timestamp header + raw body`.

The verification key is the public key as SendGrid's Event Webhook settings show it: base64 of the DER
SubjectPublicKeyInfo (PEM armour is tolerated). Reasons in `SignatureRejected` are safe to log: they never hold
the key, the signature or the body.
"""

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"
KEY_ENV = "RADAR_SENDGRID_VERIFICATION_KEY"

_MAX_TIMESTAMP_DIGITS = 12  # Unix seconds until the year 33658; longer values are not timestamps


class InvalidVerificationKey(ValueError):
    """The configured key is not a base64 DER (SubjectPublicKeyInfo) ECDSA P-256 public key."""


class SignatureRejected(Exception):
    """A request whose signature headers or signature do not hold; the message is a short, loggable reason."""


@dataclass(frozen=True)
class SignedHeaders:
    signature: bytes = b""
    timestamp: str = ""

    def __repr__(self) -> str:  # the signature is not for logs
        return f"SignedHeaders(timestamp={self.timestamp!r})"


def load_verification_key(text: str) -> ec.EllipticCurvePublicKey:
    """The public key from SendGrid's settings page (base64 DER); raises InvalidVerificationKey."""
    lines = [line for line in text.strip().splitlines() if not line.strip().startswith("-----")]
    encoded = "".join("".join(lines).split())
    try:
        key = serialization.load_der_public_key(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError):
        raise InvalidVerificationKey(
            f"{KEY_ENV} is not a base64 DER public key: copy the verification key from SendGrid's "
            "Mail Settings > Event Webhook > Signature Verification"
        ) from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise InvalidVerificationKey(f"{KEY_ENV} is not an ECDSA P-256 public key, which SendGrid signs with")
    return key


def check_headers(headers: Mapping[str, str], *, now: float, max_age_seconds: int) -> SignedHeaders:
    """The signature and timestamp headers, present, well-formed and fresh; raises SignatureRejected."""
    signature_text = headers.get(SIGNATURE_HEADER)
    timestamp = headers.get(TIMESTAMP_HEADER)
    if not signature_text:
        raise SignatureRejected(f"missing {SIGNATURE_HEADER} header")
    if not timestamp:
        raise SignatureRejected(f"missing {TIMESTAMP_HEADER} header")
    try:
        signature = base64.b64decode(signature_text.strip(), validate=True)
    except binascii.Error:
        signature = b""
    if not signature:
        raise SignatureRejected(f"{SIGNATURE_HEADER} is not base64")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= _MAX_TIMESTAMP_DIGITS):
        raise SignatureRejected(f"{TIMESTAMP_HEADER} is not Unix seconds")
    age = now - int(timestamp)
    if age > max_age_seconds:
        raise SignatureRejected(f"timestamp is {age:.0f} s old, more than {max_age_seconds} s")
    if age < -max_age_seconds:
        raise SignatureRejected(f"timestamp is {-age:.0f} s in the future, more than {max_age_seconds} s")
    return SignedHeaders(signature, timestamp)


def verify(key: ec.EllipticCurvePublicKey, signed: SignedHeaders, body: bytes) -> None:
    """Raises SignatureRejected unless the signature covers exactly `timestamp + body`."""
    try:
        key.verify(signed.signature, signed.timestamp.encode("ascii") + body, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        raise SignatureRejected("signature does not match the timestamp and body") from None
