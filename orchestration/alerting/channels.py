"""The places alerts go, each enabled by environment variables: a generic JSON webhook, a Slack incoming webhook
and PagerDuty's Events API v2. URLs and routing keys are secrets: they never appear in a repr, a log line or a
recorded error. A URL that cannot be used (no scheme, not http or https, no host) turns its channel off with a
problem that names the channel and its variable, never the URL. Each channel takes the alerts its route lets
through (routing.py); a routing setting that cannot be used turns its channel off the same way."""

import json
import os
import re
import urllib.error
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.client import HTTPException
from urllib.parse import urlsplit

from orchestration.alerting.notification import Notification
from orchestration.alerting.render import SOURCE, pagerduty_bodies, slack_body, webhook_body
from orchestration.alerting.routing import DEFAULTS, Route, RoutingError, route
from orchestration.alerting.transport import DeadlineExceeded, post_json

PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
TIMEOUT_SECONDS = 10  # for the whole request: connect, send, read the answer
URL_VARIABLES = {
    "webhook": "RADAR_ALERT_WEBHOOK_URL", "slack": "RADAR_SLACK_WEBHOOK_URL", "pagerduty": "RADAR_PAGERDUTY_EVENTS_URL",
}
_ANY_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")


@dataclass(frozen=True)
class Channel:
    name: str
    url: str = field(repr=False)
    render: Callable[[Notification], list[dict]] = field(repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)  # besides the URL (a routing key)
    route: Route = field(default_factory=Route)

    def bodies(self, notification: Notification) -> list[dict]:
        """The request bodies for one notification, in order (none when the channel skips it or its route does
        not take it)."""
        return self.render(notification) if self.route.takes(notification) else []

    def scrub(self, text: str) -> str:
        """`text` without the URL, any part of it that could be secret, the other secrets, or any other URL."""
        pieces = [self.url, *self.secrets]
        try:
            parts = urlsplit(self.url)
            pieces += [parts.query, parts.path if len(parts.path) > 1 else "", parts.netloc]
        except ValueError:
            pass  # an unparsable URL has no parts to look for; the whole of it still goes
        for piece in sorted(filter(None, pieces), key=len, reverse=True):
            text = text.replace(piece, "<redacted>")
        return _ANY_URL.sub("<url>", text)


@dataclass(frozen=True)
class Sent:
    ok: bool
    error: str | None = None


def url_problem(url: str) -> str | None:
    """Why `url` cannot be posted to, in words that never repeat it (it may hold a token); None when it can."""
    if any(c.isspace() or not c.isprintable() for c in url):
        return "it contains spaces or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "it cannot be parsed as a URL"
    if not parts.scheme or "://" not in url:
        return "it has no scheme; it must start with https:// or http://"
    if parts.scheme.lower() not in ("http", "https"):
        return "its scheme is not http or https"
    if not parts.hostname:
        return "it has no host"
    return None


def channel_problems(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each configured channel whose URL cannot be used, with a message naming it and its variable."""
    env = os.environ if env is None else env
    enabled = {"webhook": env.get("RADAR_ALERT_WEBHOOK_URL"), "slack": env.get("RADAR_SLACK_WEBHOOK_URL"),
               "pagerduty": env.get("RADAR_PAGERDUTY_ROUTING_KEY") and env.get("RADAR_PAGERDUTY_EVENTS_URL")}
    problems = {}
    for name, url in enabled.items():
        if url and (problem := url_problem(url)):
            problems[name] = (f"alert channel {name} is off: {URL_VARIABLES[name]} is not a usable URL ({problem}); "
                              "the URL is not shown as it may hold a secret")
    configured = {"webhook": "RADAR_ALERT_WEBHOOK_URL", "slack": "RADAR_SLACK_WEBHOOK_URL",
                  "pagerduty": "RADAR_PAGERDUTY_ROUTING_KEY"}
    for name, variable in configured.items():
        if env.get(variable) and name not in problems and (problem := _route(name, env)[1]):
            problems[name] = f"alert channel {name} is off: its routing cannot be used: {problem}"
    return problems


def _route(name: str, env: Mapping[str, str]) -> tuple[Route, str | None]:
    try:
        return route(name, env), None
    except RoutingError as exc:
        return DEFAULTS[name], str(exc)


def configured_channels(env: Mapping[str, str] | None = None, usable_only: bool = True) -> list[Channel]:
    """The channels that are configured and usable (see channel_problems for the others); with `usable_only`
    off, the unusable ones too: notifications are queued for them, to go once their URL is fixed."""
    env = os.environ if env is None else env
    off = channel_problems(env) if usable_only else {}
    channels = []
    if env.get("RADAR_ALERT_WEBHOOK_URL") and "webhook" not in off:
        channels.append(Channel("webhook", env["RADAR_ALERT_WEBHOOK_URL"], lambda n: [webhook_body(n)],
                                route=_route("webhook", env)[0]))
    if env.get("RADAR_SLACK_WEBHOOK_URL") and "slack" not in off:
        channels.append(Channel("slack", env["RADAR_SLACK_WEBHOOK_URL"], lambda n: [slack_body(n)],
                                route=_route("slack", env)[0]))
    if env.get("RADAR_PAGERDUTY_ROUTING_KEY") and "pagerduty" not in off:
        key = env["RADAR_PAGERDUTY_ROUTING_KEY"]
        url = env.get("RADAR_PAGERDUTY_EVENTS_URL") or PAGERDUTY_EVENTS_URL
        channels.append(Channel("pagerduty", url, lambda n: pagerduty_bodies(n, key), (key,),
                                _route("pagerduty", env)[0]))
    return channels


def post(channel: Channel, body: dict, idempotency_key: str | None = None, seconds: float = TIMEOUT_SECONDS) -> Sent:
    """POST one JSON body within one deadline; any 2xx is delivered. The error names the status or the failure,
    never the URL."""
    headers = {"Content-Type": "application/json", "User-Agent": SOURCE}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    try:
        status = post_json(channel.url, json.dumps(body).encode(), headers, seconds)
        return Sent(200 <= status < 300, None if status < 300 else f"HTTP {status}")
    except DeadlineExceeded as exc:
        return Sent(False, f"timed out: {exc}")
    except urllib.error.HTTPError as exc:
        return Sent(False, channel.scrub(f"HTTP {exc.code} {exc.reason}"))
    except urllib.error.URLError as exc:
        reason = getattr(exc.reason, "strerror", "") or ""
        return Sent(False, channel.scrub(f"unreachable: {type(exc.reason).__name__}: {reason}"))
    except (OSError, HTTPException, ValueError) as exc:
        return Sent(False, channel.scrub(f"{type(exc).__name__}: {exc}"))
