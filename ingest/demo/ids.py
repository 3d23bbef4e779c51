"""Deterministic identifiers in the shapes the source systems use."""

import base64
import hashlib
from datetime import datetime

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

LEAD, TASK, USER, LEAD_HISTORY = "00Q", "00T", "005", "017"
MAIL_DOMAIN = "mail.example.com"


def _base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(_BASE62[rest])
    return "".join(reversed(digits)).rjust(width, "0")


def _checksum(id15: str) -> str:
    """Salesforce's 3-character suffix: one bit per upper-case letter in each 5-character chunk."""
    chars = []
    for start in (0, 5, 10):
        bits = sum(1 << i for i, char in enumerate(id15[start : start + 5]) if char.isupper())
        chars.append(_CHECKSUM[bits])
    return "".join(chars)


def sf_id(prefix: str, number: int) -> str:
    """An 18-character Salesforce Id: key prefix, pod, counter, case-safe checksum."""
    id15 = prefix + "5g" + _base62(number, 10)
    return id15 + _checksum(id15)


def _digest(*parts: object) -> bytes:
    return hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()


def message_id(seed: int, number: int, at: datetime) -> str:
    return f"<{at:%Y%m%d%H%M%S}.{_digest('msg', seed, number).hex()[:16]}@{MAIL_DOMAIN}>"


def sg_event_id(seed: int, message_number: int, event_number: int) -> str:
    raw = _digest("sg-event", seed, message_number, event_number)[:16]
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def sg_message_id(seed: int, message_number: int) -> str:
    digest = _digest("sg-message", seed, message_number)
    token = base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")
    return f"{token}.filterdrecv-{digest[16:20].hex()}-{message_number % 9 + 1}-0"
