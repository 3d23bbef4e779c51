"""The pandas peer of the benchmark: the pandas script a competent analyst would write to get `lead_aging` and
`follow_up_coverage_daily` (METRICS.md) at an as-of time T from the landing folder. It is an independent
implementation: the benchmark compares its marts with the pipeline's cell for cell.

    .venv/bin/python -m tests.benchmarks.pandas_peer --landing DIR --as-of 2024-06-30T18:00:00 --out /tmp/peer.duckdb

Salesforce CSVs are read with `pd.read_csv(dtype=str)` and typed as the loader types them (a row with a value that
does not fit its field is dropped). Unlike the loader's csv module, pandas' tokenizer pads a row with too few fields
and keeps a stray quote, and an unterminated quote fails the whole file. SendGrid bodies are read with `json`, mbox
files split with a regex and their header blocks read line by line; dates and addresses are then parsed column-wise.
"""

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from tests.benchmarks.pandas_peer.marts import marts
from tests.benchmarks.pandas_peer.output import write
from tests.benchmarks.pandas_peer.sources import load


def run_pandas(landing: Path, as_of: datetime, out: Path) -> dict:
    """Both marts at `as_of` into the DuckDB file `out` (tables lead_aging, follow_up_coverage_daily); returns the
    seconds each phase took (marts includes writing them, as the floor's does)."""
    as_of = pd.Timestamp(as_of.astimezone(UTC).replace(tzinfo=None) if as_of.tzinfo else as_of)
    started = time.perf_counter()
    frames = load(Path(landing))
    loaded = time.perf_counter()
    aging, coverage = marts(frames, as_of)
    write(Path(out), {"lead_aging": aging, "follow_up_coverage_daily": coverage})
    return {"load": loaded - started, "marts": time.perf_counter() - loaded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--as-of", type=datetime.fromisoformat, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    for phase, seconds in run_pandas(args.landing, args.as_of, args.out).items():
        print(f"{phase}: {seconds:.3f} s")


if __name__ == "__main__":
    main()
