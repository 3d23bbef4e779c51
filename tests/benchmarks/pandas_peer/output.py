"""The peer's marts written into a DuckDB file with the pipeline's column types, for the comparison."""

from pathlib import Path

import duckdb
import pandas as pd

# The marts' column types, as the pipeline declares them.
TYPES = {
    "lead_aging": {
        "lead_id": "varchar",
        "lead_name": "varchar",
        "company": "varchar",
        "lead_source": "varchar",
        "owner_id": "varchar",
        "owner_name": "varchar",
        "team": "varchar",
        "created_at": "timestamp",
        "status_category": "varchar",
        "is_open": "boolean",
        "closed_at": "timestamp",
        "age_days": "integer",
        "aging_bucket": "varchar",
        "touches": "integer",
        "calls": "integer",
        "connects": "integer",
        "emails": "integer",
        "replies": "integer",
        "follow_ups": "integer",
        "first_touch_at": "timestamp",
        "last_touch_at": "timestamp",
        "hours_to_first_touch": "double",
        "days_since_last_touch": "integer",
        "has_responded": "boolean",
        "next_step_due_on": "date",
        "overdue_next_steps": "integer",
        "follow_up_state": "varchar",
        "is_neglected": "boolean",
    },
    "follow_up_coverage_daily": {
        "day": "date",
        "owner_id": "varchar",
        "owner_name": "varchar",
        "team": "varchar",
        "open_leads": "integer",
        "due_leads": "integer",
        "covered_leads": "integer",
        "never_touched_leads": "integer",
        "stale_leads": "integer",
        "exhausted_leads": "integer",
        "new_leads": "integer",
        "follow_up_coverage": "double",
    },
}


def write(out: Path, tables: dict[str, pd.DataFrame]) -> None:
    for stale in (out, Path(f"{out}.wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(out))
    try:
        for name, frame in tables.items():
            casts = ", ".join(f'"{column}"::{kind} as "{column}"' for column, kind in TYPES[name].items())
            con.register("frame", frame)
            con.execute(f"create table {name} as select {casts} from frame")
            con.unregister("frame")
    finally:
        con.close()
