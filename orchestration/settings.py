"""Where the pipeline reads and writes, from the environment (RADAR_*), with the documented defaults.

The warehouse path is one setting: RADAR_WAREHOUSE, read here by Dagster and by dbt's profiles.yml. The files
published for BI tools (RADAR_SERVING_DB, RADAR_SERVING_DIR) sit beside the warehouse unless set.
"""

import os
from datetime import UTC, datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_LANDING_DIR = PROJECT_ROOT / "data" / "landing"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "warehouse.duckdb"
SERVING_DB_NAME = "serving.duckdb"  # default: data/serving.duckdb, beside the warehouse
SERVING_DIR_NAME = "serving"  # default: data/serving/<mart>.parquet
DEFAULT_DAGSTER_HOME = PROJECT_ROOT / ".dagster_home"
INSTANCE_TEMPLATE = Path(__file__).resolve().parent / "dagster.yaml"
_TEMPLATE_MARK = "# The project-local Dagster instance"


def landing_dir() -> Path:
    return Path(os.environ.get("RADAR_LANDING_DIR") or DEFAULT_LANDING_DIR).resolve()


def warehouse_path() -> Path:
    return Path(os.environ.get("RADAR_WAREHOUSE") or DEFAULT_WAREHOUSE).resolve()


def lake_dir() -> Path | None:
    """Where the ingest steps keep the raw layer as Parquet for a distributed engine (RADAR_LAKE_DIR; unset: no
    lake). See ingest/lake.py and the README's "Scaling out"."""
    text = os.environ.get("RADAR_LAKE_DIR", "").strip()
    return Path(text).resolve() if text else None


def serving_db_path() -> Path:
    """The DuckDB file BI tools open (read-only): a link that every publish switches to its new version (made
    absolute, never resolved: the resolved path would pin one version)."""
    return Path(os.path.abspath(os.environ.get("RADAR_SERVING_DB") or warehouse_path().parent / SERVING_DB_NAME))


def serving_dir() -> Path:
    """The folder of the published Parquet files, one per mart (links into the current version)."""
    return Path(os.path.abspath(os.environ.get("RADAR_SERVING_DIR") or warehouse_path().parent / SERVING_DIR_NAME))


def salesforce_base_url() -> str | None:
    """The Salesforce org the dashboard links leads to (`<base>/<Lead Id>`), e.g. https://acme.my.salesforce.com;
    None (no links) when RADAR_SALESFORCE_BASE_URL is unset or empty."""
    return os.environ.get("RADAR_SALESFORCE_BASE_URL", "").strip() or None


def settle_seconds() -> float:
    """How long a landing file must stay unchanged before it counts as complete (RADAR_SETTLE_SECONDS)."""
    return float(os.environ.get("RADAR_SETTLE_SECONDS") or 10)


def parse_as_of(text: str) -> datetime:
    """An as-of time as naive UTC; accepts ISO-8601 with or without offset (no offset means UTC)."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def utc_now() -> datetime:
    """Now as the pipeline stores time: naive UTC, whole seconds."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def as_of() -> datetime | None:
    text = os.environ.get("RADAR_AS_OF")
    return parse_as_of(text) if text else None


def export_defaults() -> None:
    """Make every RADAR_* path absolute in the environment, so dbt subprocesses see the same files."""
    os.environ["RADAR_LANDING_DIR"] = str(landing_dir())
    os.environ["RADAR_WAREHOUSE"] = str(warehouse_path())


def prepare_dagster_home() -> Path:
    """A project-local Dagster instance (telemetry off, one warehouse writer) unless DAGSTER_HOME is set. An
    instance file written from an earlier version of the template is brought up to date; one a user wrote
    (not starting with the template's first line) is left alone."""
    home = Path(os.environ.get("DAGSTER_HOME") or DEFAULT_DAGSTER_HOME).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config, template = home / "dagster.yaml", INSTANCE_TEMPLATE.read_text()
    ours = config.exists() and config.read_text().startswith(_TEMPLATE_MARK)
    if not config.exists() or (ours and config.read_text() != template):
        config.write_text(template)
    os.environ["DAGSTER_HOME"] = str(home)
    return home
