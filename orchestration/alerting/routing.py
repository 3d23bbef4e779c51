"""Which alerts each channel takes: a lowest severity and the scopes of the incidents it carries. By default chat
and the webhook take everything, and PagerDuty pages only errors of the company, a team or a pipeline run: a
rep's own incident, or a warning, goes to chat, not to paging. Configured in measures.yml (`routing:`) and, over
it, by environment variables per channel: RADAR_<CHANNEL>_SEVERITY (error | warning | info) and
RADAR_<CHANNEL>_SCOPES (a comma-separated list of company, team, rep, job)."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from expectations.measures import MEASURES_FILE
from orchestration.alerting.notification import TEST, Notification

SEVERITIES = ("info", "warning", "error")  # lowest first
SCOPES = ("company", "team", "rep", "job")
PREFIXES = {"webhook": "RADAR_ALERT_WEBHOOK", "slack": "RADAR_SLACK", "pagerduty": "RADAR_PAGERDUTY"}


class RoutingError(ValueError):
    """A routing setting that cannot be used; the message names where it is set."""


@dataclass(frozen=True)
class Route:
    severity: str = "warning"  # the lowest severity the channel takes
    scopes: tuple[str, ...] = SCOPES

    def takes(self, n: Notification) -> bool:
        """A test notification goes everywhere; any other by its severity and its incident's scope."""
        if n.status == TEST:
            return True
        return SEVERITIES.index(n.severity) >= SEVERITIES.index(self.severity) and n.scope_type in self.scopes


DEFAULTS = {"webhook": Route(), "slack": Route(), "pagerduty": Route("error", ("company", "team", "job"))}


def route(channel: str, env: Mapping[str, str] | None = None, config: Path = MEASURES_FILE) -> Route:
    """The channel's route: the default, then measures.yml's `routing.<channel>`, then its variables."""
    env = os.environ if env is None else env
    configured = (yaml.safe_load(Path(config).read_text()) or {}).get("routing") or {}
    base = DEFAULTS[channel]
    entry = configured.get(channel) or {}
    severity = _severity(entry.get("severity", base.severity), f"{config}: routing.{channel}.severity")
    scopes = _scopes(entry.get("scopes", base.scopes), f"{config}: routing.{channel}.scopes")
    prefix = PREFIXES[channel]
    if env.get(f"{prefix}_SEVERITY"):
        severity = _severity(env[f"{prefix}_SEVERITY"].strip(), f"{prefix}_SEVERITY")
    if env.get(f"{prefix}_SCOPES"):
        scopes = _scopes([s.strip() for s in env[f"{prefix}_SCOPES"].split(",") if s.strip()], f"{prefix}_SCOPES")
    return Route(severity, scopes)


def _severity(value: object, where: str) -> str:
    if value not in SEVERITIES:
        raise RoutingError(f"{where}: {value!r} is not one of {', '.join(SEVERITIES)}")
    return str(value)


def _scopes(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not value or any(s not in SCOPES for s in value):
        raise RoutingError(f"{where}: {value!r} must list some of {', '.join(SCOPES)}")
    return tuple(value)
