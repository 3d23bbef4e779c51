"""Reader speed at scale: generate exports in their real formats (in DuckDB, `bench_readers.sql`), load each
source into a fresh warehouse through `load_source`, and print rows per second, CPU time and peak memory; then the
same for the reference (legacy) parsers on a smaller sample; then many small files: 1,000 SendGrid webhook bodies
(JSON arrays) of 1,000 events each, where the cost per file shows. Prints figures, asserts nothing; not collected
by pytest.

    .venv/bin/python tests/benchmarks/bench_readers.py                  # 2M Task, 500k Lead, 200k messages, 500k events
    .venv/bin/python tests/benchmarks/bench_readers.py --bulk /tmp/bulkM/landing   # also an existing landing folder

Each load runs in a process of its own, whose peak RSS (VmHWM) is printed. The machine's other work shows in
wall time; CPU seconds (all threads) are printed beside it.
"""

import argparse
import multiprocessing
import re
import shutil
import sys
import time
from contextlib import ExitStack, nullcontext
from pathlib import Path

import duckdb

from ingest import loader, mailbox, mailbox_fast, salesforce, sendgrid

SQL = Path(__file__).with_suffix(".sql")
FULL = {"tasks": 2_000_000, "leads": 500_000, "messages": 200_000, "events": 500_000}
SAMPLE = {"tasks": 100_000, "leads": 50_000, "messages": 5_000, "events": 50_000}
WEBHOOK = {"events": 1_000_000, "event_files": 1_000}  # a webhook POST holds at most 1,000 events
# The reference parsers, each given the file's load time as the readers are (only the mailbox one uses it).
REFERENCE = {
    "salesforce": lambda path, data, _load_time: salesforce.parse(path, data),
    "mailbox": mailbox.parse,
    "sendgrid": lambda path, data, _load_time: sendgrid.parse(path, data),
}


def generate(folder: Path, sizes: dict[str, int]) -> Path:
    """A landing folder with one Task and one Lead export, 40 mailboxes and 500 SendGrid bodies."""
    landing = folder / "landing"
    if (landing / ".complete").exists():
        return landing
    shutil.rmtree(landing, ignore_errors=True)
    for source in ("salesforce", "mailbox", "sendgrid"):
        (landing / source).mkdir(parents=True)
    con = duckdb.connect()
    for name, value in {**sizes, "mailboxes": 40, "event_files": 500}.items():
        con.execute(f"set variable {name} = {value}")
    con.execute(SQL.read_text())
    for view, name in (("bench_tasks", "Task_bench.csv"), ("bench_leads", "Lead_bench.csv")):
        con.execute(f"copy (from {view}) to '{landing / 'salesforce' / name}' (header, force_quote *)")
    _write_groups(con, "select box, message from bench_messages order by box, i", landing / "mailbox", "box{:02d}.mbox")
    _write_events(con, landing / "sendgrid", jsonl_share=0.1)
    (landing / ".complete").touch()
    return landing


def generate_webhook(folder: Path) -> Path:
    """A landing folder of SendGrid webhook bodies only, each a JSON array as the receiver writes it."""
    landing = folder / "landing"
    if (landing / ".complete").exists():
        return landing
    shutil.rmtree(landing, ignore_errors=True)
    (landing / "sendgrid").mkdir(parents=True)
    con = duckdb.connect()
    for name, value in {"tasks": 0, "leads": 0, "messages": 0, "mailboxes": 1, **WEBHOOK}.items():
        con.execute(f"set variable {name} = {value}")
    con.execute(SQL.read_text())
    _write_events(con, landing / "sendgrid", jsonl_share=0)
    (landing / ".complete").touch()
    return landing


def _write_groups(con: duckdb.DuckDBPyConnection, query: str, folder: Path, pattern: str) -> None:
    cursor = con.execute(query)
    with ExitStack() as stack:
        handles = {}
        while rows := cursor.fetchmany(20_000):
            for group, text in rows:
                if group not in handles:
                    path = folder / pattern.format(group)
                    handles[group] = stack.enter_context(open(path, "w", encoding="utf-8", newline=""))
                handles[group].write(text)


def _write_events(con: duckdb.DuckDBPyConnection, folder: Path, jsonl_share: float) -> None:
    """One body per file: JSON arrays, and JSON lines for the last `jsonl_share` of the files."""
    files = con.execute("select max(body) + 1 from bench_events").fetchone()[0]
    cursor = con.execute(
        "select body, '[' || string_agg(event, ', ') || ']', string_agg(event, chr(10)) || chr(10) "
        "from bench_events group by body order by body"
    )
    while bodies := cursor.fetchmany(100):
        for body, array, lines in bodies:
            if body >= files * (1 - jsonl_share):
                (folder / f"events_{body:04d}.jsonl").write_text(lines, encoding="utf-8")
            else:
                (folder / f"events_{body:04d}.json").write_text(array, encoding="utf-8")


def _load(landing: str, warehouse: str, source: str, reference: bool, results) -> None:
    """In a process of its own: load one source and report rows, times, peak RSS and fast-path shares."""
    fast_messages = [0, 0]
    real = mailbox_fast.message_item

    def counting(raw, number, load_time):
        item = real(raw, number, load_time)
        fast_messages[0] += item is not None
        fast_messages[1] += 1
        return item

    mailbox_fast.message_item = counting
    if reference:
        loader.READERS[source] = lambda con, path, scan, load_time: nullcontext(
            REFERENCE[source](path, path.read_bytes(), load_time)
        )
    con = loader.connect(Path(warehouse))
    wall, cpu = time.perf_counter(), time.process_time()
    outcomes = loader.load_source(con, Path(landing), source)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    con.close()
    results.put({
        "rows": sum(o.rows_total for o in outcomes), "rejected": sum(o.rows_rejected for o in outcomes),
        "files": len(outcomes), "failed": sum(o.status == "failed" for o in outcomes), "wall": wall, "cpu": cpu,
        "rss_mb": _peak_rss_mb(),
        "fast_messages": fast_messages,
    })  # fmt: skip


def _peak_rss_mb() -> float:
    """This process's peak resident memory (ru_maxrss would include the parent's, kept across exec)."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def measure(landing: Path, scratch: Path, source: str, *, reference: bool = False) -> dict:
    warehouse = scratch / f"{source}-{'reference' if reference else 'fast'}.duckdb"
    for stale in scratch.glob(warehouse.name + "*"):
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=_load, args=(str(landing), str(warehouse), source, reference, results))
    process.start()
    result = results.get()
    process.join()
    return result


def _line(label: str, source: str, r: dict) -> str:
    unit = "messages" if source == "mailbox" else "rows"
    share = ""
    if source == "mailbox" and r["fast_messages"][1]:
        share = f", {r['fast_messages'][0] / r['fast_messages'][1]:.1%} of messages read fast"
    return (
        f"{label:10} {source:10} {r['rows']:>10,} {unit:8} in {r['files']:>4} files ({r['rejected']:,} rejected, "
        f"{r['failed']} failed): {r['rows'] / r['wall']:>10,.0f} {unit}/s wall, {r['rows'] / r['cpu']:>10,.0f} per "
        f"CPU-s ({r['wall']:.1f}s wall, {r['cpu']:.1f}s CPU, {1000 * r['wall'] / max(r['files'], 1):.1f} ms/file), "
        f"peak RSS {r['rss_mb']:,.0f} MB{share}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/radar-bench-readers"))
    parser.add_argument("--bulk", type=Path, help="also load this landing folder (e.g. from ingest.demo.bulk)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    full, sample = generate(args.out / "full", FULL), generate(args.out / "sample", SAMPLE)
    webhook = generate_webhook(args.out / "webhook")
    print(f"data ready in {time.perf_counter() - started:.0f}s: {full.parent}, {sample.parent}, {webhook.parent}")
    scratch = args.out / "warehouses"
    scratch.mkdir(exist_ok=True)
    for source in ("salesforce", "mailbox", "sendgrid"):
        print(_line("fast", source, measure(full, scratch, source)), flush=True)
        print(_line("legacy", source, measure(sample, scratch, source, reference=True)), flush=True)
    print(_line("webhook", "sendgrid", measure(webhook, scratch, "sendgrid")), flush=True)
    if args.bulk:
        for source in ("salesforce", "mailbox", "sendgrid"):
            print(_line("bulk fast", source, measure(args.bulk, scratch, source)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
