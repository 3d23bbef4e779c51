from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from tests.orchestration.alerting.receiver import Receiver, receiver
from tests.orchestration.alerting.steps import ROUTING_KEY


@pytest.fixture
def channels(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Receiver]]:
    with ExitStack() as stack:
        hooks = {name: stack.enter_context(receiver(f"/{name}")) for name in ("webhook", "slack", "pagerduty")}
        monkeypatch.setenv("RADAR_ALERT_WEBHOOK_URL", hooks["webhook"].url)
        monkeypatch.setenv("RADAR_SLACK_WEBHOOK_URL", hooks["slack"].url)
        monkeypatch.setenv("RADAR_PAGERDUTY_ROUTING_KEY", ROUTING_KEY)
        monkeypatch.setenv("RADAR_PAGERDUTY_EVENTS_URL", hooks["pagerduty"].url)
        yield hooks
