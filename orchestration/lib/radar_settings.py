from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from orchestration import settings

# The as-of time of a run, set by whoever creates it (the landing sensor, `radar run`, the schedule's request).
AS_OF_TAG = "radar/as_of"


def format_as_of(as_of: datetime) -> str:
    return as_of.strftime("%Y-%m-%d %H:%M:%S")


class RadarSettings(dg.ConfigurableResource):
    """The landing folder and the as-of time of a run; unset, they fall back when the run executes to
    RADAR_LANDING_DIR and the run's as-of (see resolve_as_of). The published files are RADAR_SERVING_DB and
    RADAR_SERVING_DIR.
    """

    landing_dir: str | None = None
    as_of: str | None = None

    @property
    def landing_path(self) -> Path:
        return Path(self.landing_dir) if self.landing_dir else settings.landing_dir()

    @property
    def serving_db_path(self) -> Path:
        return settings.serving_db_path()

    @property
    def serving_dir_path(self) -> Path:
        return settings.serving_dir()

    def resolve_as_of(self, context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> datetime:
        """The run's as-of time T, fixed once per run so that every step judges the same day: configured (the
        daily schedule), else the run's `radar/as_of` tag, else RADAR_AS_OF, else the time the run was created
        (naive UTC, whole seconds). Never the time a step happens to start."""
        if self.as_of:
            return settings.parse_as_of(self.as_of)
        if tagged := context.run.tags.get(AS_OF_TAG):
            return settings.parse_as_of(tagged)
        if pinned := settings.as_of():
            return pinned
        created = context.instance.get_run_record_by_id(context.run.run_id).create_timestamp
        return created.astimezone(UTC).replace(tzinfo=None, microsecond=0)
