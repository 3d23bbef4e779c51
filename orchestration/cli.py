"""`radar`: write demo data, run the whole pipeline once through Dagster (in-process), re-process a file,
receive SendGrid webhooks, serve the dashboard, show the tracked measures, or test the alert channels."""

import argparse
import os
import sys
from datetime import UTC
from importlib.metadata import version
from pathlib import Path

from ingest.demo.api import DEFAULT_DAYS, DEFAULT_LEADS, DEFAULT_REPS
from orchestration import settings

DEMO_END_FILE = ".demo-end"


def _demo(args: argparse.Namespace) -> int:
    from ingest.demo import write_demo
    from ingest.landing import is_empty

    out = Path(args.out or settings.landing_dir())
    if not is_empty(out):
        if args.if_empty:
            print(f"{out} already holds landing files: no demo data written")
            return 0
        print(f"radar demo: {out} already holds landing files; demo data goes into an empty folder", file=sys.stderr)
        return 2
    end = settings.parse_as_of(args.end) if args.end else settings.utc_now()
    result = write_demo(
        out, leads=args.leads, reps=args.reps, days=args.days, seed=args.seed, end=end.replace(tzinfo=UTC)
    )
    (out / DEMO_END_FILE).write_text(f"{end:%Y-%m-%dT%H:%M:%S}\n")
    print(f"wrote {len(result.files)} demo files into {out} (period ending {end:%Y-%m-%d %H:%M:%S} UTC)")
    return 0


def _channels_usable(command: str) -> bool:
    """Say why each configured alert channel that cannot be used is unusable (never its URL)."""
    from orchestration.alerting.channels import channel_problems

    problems = channel_problems()
    for problem in problems.values():
        print(f"{command}: {problem}", file=sys.stderr)
    return not problems


def _run(args: argparse.Namespace) -> int:
    if not _channels_usable("radar run"):
        print("radar run: fix or unset the variable, then run again (`radar alerts test` checks every channel)",
              file=sys.stderr)
        return 2
    if args.landing:
        os.environ["RADAR_LANDING_DIR"] = args.landing
    if args.warehouse:
        os.environ["RADAR_WAREHOUSE"] = args.warehouse
    as_of_text = args.as_of or os.environ.get("RADAR_AS_OF")
    as_of = settings.parse_as_of(as_of_text) if as_of_text else settings.utc_now()
    settings.export_defaults()
    settings.prepare_dagster_home()

    import dagster as dg

    from orchestration.alerting.notification import FIRING, RESOLVED
    from orchestration.defs.alerts.sensors import ALERTED_TAG, failed_steps, notify_run
    from orchestration.lib.radar_settings import AS_OF_TAG, format_as_of
    from orchestration.lib.run_liveness import wait_for_writer
    from orchestration.lib.warehouse import WAREHOUSE_POOL
    from orchestration.runner import run_pipeline
    from orchestration.summary import published_lines, render

    with dg.DagsterInstance.get() as instance:
        wait_for_writer(instance, WAREHOUSE_POOL, lambda line: print(f"radar run: {line}", flush=True))
        # This process alerts on its own run (no daemon needed); the run's as-of is fixed here, once.
        result = run_pipeline(instance, tags={ALERTED_TAG: "true", AS_OF_TAG: format_as_of(as_of)})
        failure = () if result.success else failed_steps(result.get_step_failure_events())
        sent = notify_run(instance, result.dagster_run, RESOLVED if result.success else FIRING, failure)
    print(render(settings.warehouse_path(), as_of, result.get_asset_check_evaluations(), result.run_id))
    print(published_lines(settings.serving_db_path(), settings.serving_dir()))
    if sent:
        print("\nPipeline-run alerts: " + "; ".join(sent))
    if not result.success:
        print("\nThe run failed: see the errors above, or the run in the Dagster UI (make ui).", file=sys.stderr)
        return 1
    return 0


def _reprocess(args: argparse.Namespace) -> int:
    import duckdb

    from ingest.loader import connect, forget_file

    if args.warehouse:
        os.environ["RADAR_WAREHOUSE"] = args.warehouse
    warehouse = settings.warehouse_path()
    if not warehouse.is_file():
        print(f"radar reprocess: no warehouse at {warehouse} (nothing was loaded there; check --warehouse or "
              "RADAR_WAREHOUSE)", file=sys.stderr)
        return 2
    try:
        con = connect(warehouse)
    except duckdb.IOException as exc:
        print(f"radar reprocess: the warehouse is busy (a run is writing?): {exc}", file=sys.stderr)
        return 1
    try:
        path = forget_file(con, args.file_id)
    finally:
        con.close()
    if path is None:
        print(f"radar reprocess: no file with file_id {args.file_id} in raw._files", file=sys.stderr)
        return 2
    if Path(path).is_file():
        os.utime(path)  # a new modification time: the landing sensor sees the file again and asks for a run
        print(f"forgot file {args.file_id} ({path}): the next run (or the landing sensor's) loads it again")
    else:
        print(f"forgot file {args.file_id} ({path}): it is no longer in the landing folder; deliver it again")
    return 0


def _serve_webhooks(args: argparse.Namespace) -> int:
    from ingest.webhook import InvalidVerificationKey, MissingVerificationKey, WebhookConfig, serve

    config = WebhookConfig.from_env(
        settings.landing_dir(), insecure_no_verify=args.insecure_no_verify, max_body_bytes=args.max_body_bytes
    )
    try:
        serve(config, host=args.host, port=args.port)
    except (MissingVerificationKey, InvalidVerificationKey) as exc:
        print(f"radar serve-webhooks: {exc}", file=sys.stderr)
        return 2
    return 0


def _dashboard(args: argparse.Namespace) -> int:
    from orchestration.dashboard import serve

    if args.serving_db:
        os.environ["RADAR_SERVING_DB"] = args.serving_db
    path = settings.serving_db_path()
    if not path.is_file():
        print(f"radar dashboard: {path} does not exist yet (`radar run` publishes it); the page says so until it does")
    print(f"Follow-up Radar dashboard on http://{args.host}:{args.port}/ reading {path}")
    serve(path, host=args.host, port=args.port)
    return 0


def _docs(args: argparse.Namespace) -> int:
    from orchestration.lib.dbt_project import ensure_manifest
    from orchestration.serving import data_dictionary
    from orchestration.serving.publish import mart_docs

    out = Path(args.out) if args.out else data_dictionary.DICTIONARY_PATH
    path = data_dictionary.write(mart_docs(ensure_manifest()), out)
    print(f"wrote the data dictionary to {path}")
    return 0


def _measures(args: argparse.Namespace) -> int:
    from orchestration.serving.monitoring_report import MonitoringNotPublished, latest_measures

    serving = Path(args.serving_db) if args.serving_db else settings.serving_db_path()
    try:
        print(latest_measures(serving))
    except MonitoringNotPublished as exc:
        print(f"radar measures: {exc}", file=sys.stderr)
        return 2
    return 0


def _alerts_test(args: argparse.Namespace) -> int:
    from orchestration.alerting.channels import channel_problems, configured_channels
    from orchestration.alerting.delivery import send_now
    from orchestration.alerting.notification import probe_notification

    channels, problems = configured_channels(), channel_problems()
    if not channels and not problems:
        print("radar alerts test: no channel configured (set RADAR_ALERT_WEBHOOK_URL, RADAR_SLACK_WEBHOOK_URL or "
              "RADAR_PAGERDUTY_ROUTING_KEY)", file=sys.stderr)
        return 2
    for name, problem in problems.items():
        print(f"{name}: not tried ({problem})")
    notification = probe_notification(settings.utc_now())
    failed = len(problems)
    for channel in channels:
        sent = send_now(channel, notification)
        failed += not sent.ok
        print(f"{channel.name}: {'delivered' if sent.ok else f'failed ({sent.error})'}")
    return 1 if failed else 0


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions as written, and every option's default in its help (unless it has none to show)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default in (None, False, argparse.SUPPRESS) or "%(default)" in text or not action.option_strings:
            return text
        return f"{text} (default: %(default)s)"


def _command(commands, name: str, summary: str, description: str = "") -> argparse.ArgumentParser:
    return commands.add_parser(
        name, help=summary, description=f"{summary[0].upper()}{summary[1:]}.{' ' + description if description else ''}",
        formatter_class=_HelpFormatter,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="radar", description=__doc__, formatter_class=_HelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {version('follow-up-radar')}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = _command(commands, "demo", "write seeded demo source files into a landing folder",
                    "The same seed and end give byte-identical files.")
    demo.add_argument("--out", help="landing folder (default: RADAR_LANDING_DIR or data/landing)")
    demo.add_argument("--leads", type=int, default=DEFAULT_LEADS, help="leads to simulate")
    demo.add_argument("--reps", type=int, default=DEFAULT_REPS, help="sales reps")
    demo.add_argument("--days", type=int, default=DEFAULT_DAYS, help="days of history")
    demo.add_argument("--seed", type=int, default=7, help="random seed")
    demo.add_argument("--end", help="end of the simulated period, ISO-8601 (default: now)")
    demo.add_argument("--if-empty", action="store_true", help="do nothing when the folder holds landing files")

    run = _command(commands, "run", "one full pipeline run: ingest new files, dbt build, checks, alerts, publish",
                   "Runs through Dagster in this process and prints a summary; exit status 1 when the run fails.")
    run.add_argument("--landing", help="landing folder (RADAR_LANDING_DIR; default data/landing)")
    run.add_argument("--warehouse", help="DuckDB file (RADAR_WAREHOUSE; default data/warehouse.duckdb)")
    run.add_argument("--as-of", help="as-of time T, ISO-8601, UTC unless an offset is given (RADAR_AS_OF; default now)")
    reprocess = _command(commands, "reprocess", "forget a loaded or failed file so the next run loads it again",
                         "Its rows, rejected rows and ledger rows are removed in one transaction; the file is touched "
                         "so the landing sensor sees it.")
    reprocess.add_argument("file_id", type=int, help="raw._files.file_id")
    reprocess.add_argument("--warehouse", help="DuckDB file (RADAR_WAREHOUSE; default data/warehouse.duckdb)")
    webhooks = _command(commands, "serve-webhooks",
                        "receive SendGrid Event Webhook batches into the landing folder (RADAR_LANDING_DIR)",
                        "Signed batches only, unless --insecure-no-verify.")
    webhooks.add_argument("--host", default="127.0.0.1", help="address to listen on")
    webhooks.add_argument("--port", type=int, default=8787, help="port to listen on")
    webhooks.add_argument("--max-body-bytes", type=int, default=5_000_000, help="larger bodies get 413")
    webhooks.add_argument(
        "--insecure-no-verify", action="store_true",
        help="accept unsigned batches (only without RADAR_SENDGRID_VERIFICATION_KEY, for local trials)",
    )
    dashboard = _command(commands, "dashboard", "serve the dashboard over the published marts (read-only)")
    dashboard.add_argument("--host", default="127.0.0.1", help="address to listen on")
    dashboard.add_argument("--port", type=int, default=8501, help="port to listen on")
    dashboard.add_argument(
        "--serving-db", help="the published DuckDB file (RADAR_SERVING_DB; default serving.duckdb beside the warehouse)"
    )
    docs = _command(commands, "docs", "write the BI data dictionary of the published marts (Markdown)")
    docs.add_argument("--out", help="default: dbt_project/docs/data_dictionary.md")
    measures = _command(commands, "measures", "each tracked measure's latest value, expected range and state")
    measures.add_argument("--serving-db", help="published file to read (RADAR_SERVING_DB; default data/serving.duckdb)")
    alerts = _command(commands, "alerts", "alert channels")
    alerts_commands = alerts.add_subparsers(dest="alerts_command", required=True, metavar="COMMAND")
    _command(alerts_commands, "test", "send a test notification to every configured channel")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    handlers = {
        "demo": _demo, "run": _run, "reprocess": _reprocess, "serve-webhooks": _serve_webhooks, "dashboard": _dashboard,
        "docs": _docs, "measures": _measures, "alerts": _alerts_test,
    }
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
