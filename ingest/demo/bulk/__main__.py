"""python -m ingest.demo.bulk --size M --out DIR [--seed N] [--end ISO]: write a bulk landing set."""

import argparse
from datetime import datetime
from pathlib import Path

from ingest.demo.bulk.api import BulkResult, Counts, write_bulk
from ingest.demo.bulk.sizes import DEFAULT_END, SIZES


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _line(name: str, folder: Path, counts: Counts, as_of: datetime) -> str:
    files = sum(1 for p in folder.rglob("*") if p.is_file())
    return (
        f"{name}: {folder} ({files} files, {_folder_bytes(folder) / 1e6:.1f} MB), "
        f"stamped up to {as_of:%Y-%m-%dT%H:%M:%S}\n"
        f"  Lead {counts.lead}, Task {counts.task}, User {counts.user}, LeadHistory {counts.lead_history} rows; "
        f"{counts.messages} mbox messages; {counts.events} SendGrid events ({counts.redelivered_events} re-delivered)\n"
        f"  planted rejects: {counts.bad_tasks} Task rows (non-ISO CompletedDateTime), "
        f"{counts.bad_messages} messages (no Date header)"
    )


def report(result: BulkResult) -> str:
    size = result.size
    return "\n".join([
        f"size {size.name}: {size.leads} leads, {size.reps} reps, {size.days} days; "
        f"{result.users} users; seed {result.seed}",
        _line("base", result.landing, result.base, result.base_as_of),
        _line("increment", result.increment, result.next_day, result.increment_as_of),
        f"written in {result.seconds:.1f}s",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--out", type=Path, required=True, help="writes OUT/landing and OUT/increment")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--end", type=datetime.fromisoformat, default=DEFAULT_END,
                        help=f"the base as-of, UTC (default {DEFAULT_END:%Y-%m-%dT%H:%MZ})")  # fmt: skip
    args = parser.parse_args(argv)
    print(report(write_bulk(args.out, args.size, seed=args.seed, end=args.end)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
