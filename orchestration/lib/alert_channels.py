"""The alert channels as a Dagster resource: read from the environment (alerting/channels.py) and checked when a
run starts. A channel whose URL cannot be used is an error in the run's log that names the channel and its
variable, never the URL; the channel stays off, the other channels still deliver, and its notifications stay
queued with that error until the URL is fixed."""

import dagster as dg

from orchestration.alerting.channels import Channel, channel_problems, configured_channels


class AlertChannels(dg.ConfigurableResource):
    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        for problem in self.problems().values():
            context.log.error(problem)

    def problems(self) -> dict[str, str]:
        return channel_problems()

    def usable(self) -> list[Channel]:
        return configured_channels()

    def to_queue(self) -> list[Channel]:
        """Every configured channel, usable or not: a notification raised while a URL is broken goes once it is
        fixed."""
        return configured_channels(usable_only=False)
