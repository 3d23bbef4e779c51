"""What the peer's modules share: where the project is, the landing folder's file patterns, time steps."""

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT / "dbt_project" / "seeds"
PATTERNS = {"salesforce": ("*.csv",), "mailbox": ("*.mbox",), "sendgrid": ("*.json", "*.jsonl")}
DAY = pd.Timedelta(days=1)
MICROSECOND = pd.Timedelta(microseconds=1)
