"""Clean tables for the suites: the hand-made landing set loaded by the real loader."""

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from expectations.suites import raw_parameters
from ingest.loader import connect, load_source
from ingest.schema import RAW_TABLES
from tests.conftest import HANDMADE_LANDING

# The hand-made files were delivered by 2024-03-14 (the last LeadHistory change is 03-14 10:00).
LOAD_TIME = datetime(2024, 3, 15)
RAW_PARAMETERS = raw_parameters(LOAD_TIME)
# The one event of the hand-made set that is not clean on purpose: an event type SendGrid added later
# (group_resubscribe), which carries no smtp-id either.
UNKNOWN_EVENT = "evt-006"


@pytest.fixture(scope="session")
def handmade_raw(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    con = connect(Path(tmp_path_factory.mktemp("gx")) / "warehouse.duckdb")
    try:
        for source in ("salesforce", "mailbox", "sendgrid"):
            load_source(con, HANDMADE_LANDING, source, LOAD_TIME)
        return {t.name: con.execute(f"select * from {t.qualified} order by _file_id, _row_number").df()
                for t in RAW_TABLES}
    finally:
        con.close()


@pytest.fixture(scope="session")
def clean_tables(handmade_raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every raw table in a state that passes its suite."""
    events = handmade_raw["sendgrid_events"]
    return {
        **handmade_raw,
        "sendgrid_events": events[events["sg_event_id"] != UNKNOWN_EVENT].reset_index(drop=True),
    }


def parameters_for(table: str) -> dict:
    return RAW_PARAMETERS
