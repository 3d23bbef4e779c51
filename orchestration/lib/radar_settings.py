from datetime import datetime
from pathlib import Path

import dagster as dg

from orchestration import settings


class RadarSettings(dg.ConfigurableResource):
    """The landing folder and the as-of time of a run; unset, they fall back when the run executes to
    RADAR_LANDING_DIR and RADAR_AS_OF. The warehouse is RADAR_WAREHOUSE only, the one setting that
    Dagster and dbt's profiles.yml both read; the published files are RADAR_SERVING_DB and RADAR_SERVING_DIR.
    """

    landing_dir: str | None = None
    as_of: str | None = None

    @property
    def landing_path(self) -> Path:
        return Path(self.landing_dir) if self.landing_dir else settings.landing_dir()

    @property
    def warehouse_path(self) -> Path:
        return settings.warehouse_path()

    @property
    def serving_db_path(self) -> Path:
        return settings.serving_db_path()

    @property
    def serving_dir_path(self) -> Path:
        return settings.serving_dir()

    def resolve_as_of(self) -> datetime:
        """The as-of time T: configured, else RADAR_AS_OF, else now (naive UTC, whole seconds)."""
        if self.as_of:
            return settings.parse_as_of(self.as_of)
        return settings.as_of() or settings.utc_now()
