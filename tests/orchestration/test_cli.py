"""The `radar` console script as a user runs it: demo data, then a full run that prints the summary."""

import hashlib
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from ingest.loader import connect, load_source
from tests.conftest import HANDMADE_LANDING, query
from tests.orchestration.alerting.receiver import receiver

RADAR = str(Path(sys.executable).parent / "radar")


def _radar(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([RADAR, *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=600)


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_demo_is_byte_identical_for_the_same_seed_and_end(tmp_path: Path):
    args = ("--leads", "40", "--reps", "4", "--days", "21", "--seed", "3", "--end", "2024-06-01T12:00:00Z")
    for name in ("a", "b"):
        done = _radar("demo", "--out", str(tmp_path / name), *args, env={})
        assert done.returncode == 0, done.stderr
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert (tmp_path / "a" / ".demo-end").read_text().strip() == "2024-06-01T12:00:00"
    assert any(p.suffix == ".mbox" for p in (tmp_path / "a" / "mailbox").iterdir())


def test_demo_refuses_a_landing_folder_with_files_unless_asked_to_skip(tmp_path: Path):
    landing = tmp_path / "landing"
    shutil.copytree(HANDMADE_LANDING, landing)
    before = _digest(landing)

    refused = _radar("demo", "--out", str(landing), env={})
    skipped = _radar("demo", "--out", str(landing), "--if-empty", env={})

    assert refused.returncode == 2 and "already holds landing files" in refused.stderr
    assert skipped.returncode == 0
    assert _digest(landing) == before


def test_reprocess_forgets_a_file_so_the_next_run_loads_it_again(tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    con = connect(warehouse)
    load_source(con, HANDMADE_LANDING, "sendgrid")
    con.close()
    file_id = query(warehouse, "select file_id from raw._files where path like '%.jsonl'")[0]["file_id"]

    done = _radar("reprocess", str(file_id), "--warehouse", str(warehouse), env={})
    unknown = _radar("reprocess", "999", "--warehouse", str(warehouse), env={})

    assert done.returncode == 0 and "events_2024-03-06.jsonl" in done.stdout
    assert query(warehouse, "select count(*) as n from raw._files") == [{"n": 1}]
    assert query(warehouse, f"select count(*) as n from raw._rejected_rows where file_id = {file_id}") == [{"n": 0}]
    assert unknown.returncode == 2 and "no file with file_id 999" in unknown.stderr


@pytest.mark.slow
def test_reprocess_on_a_missing_warehouse_says_so_and_creates_nothing(tmp_path: Path):
    warehouse = tmp_path / "nowhere" / "warehouse.duckdb"

    done = _radar("reprocess", "3", "--warehouse", str(warehouse), env={})

    assert done.returncode == 2
    assert f"no warehouse at {warehouse}" in done.stderr
    assert not (tmp_path / "nowhere").exists()


def test_radar_alone_prints_the_commands_and_version_prints_the_release():
    alone = _radar(env={})
    release = _radar("--version", env={})

    assert alone.returncode == 0
    assert alone.stdout.startswith("usage: radar")
    for command in ("demo", "run", "reprocess", "serve-webhooks", "dashboard", "docs", "measures", "alerts"):
        assert f"    {command}" in alone.stdout
    assert release.returncode == 0 and release.stdout.strip() == f"radar {version('follow-up-radar')}"


def test_each_command_describes_itself_and_shows_its_defaults():
    run = _radar("run", "--help", env={})
    demo = _radar("demo", "--help", env={})
    webhooks = _radar("serve-webhooks", "--help", env={})

    assert "One full pipeline run: ingest new files, dbt build, checks, alerts, publish." in run.stdout
    assert "--as-of AS_OF" in run.stdout and "RADAR_AS_OF" in run.stdout
    assert "The same seed and end give byte-identical files." in demo.stdout
    assert "--leads LEADS  leads to simulate (default: 800)" in demo.stdout
    assert "(default: 8787)" in webhooks.stdout and "(default: 5000000)" in webhooks.stdout
    assert "(default: None)" not in run.stdout + demo.stdout + webhooks.stdout


def test_run_prints_the_summary_for_the_given_landing_warehouse_and_as_of(tmp_path: Path):
    landing = tmp_path / "landing"
    shutil.copytree(HANDMADE_LANDING, landing)
    warehouse = tmp_path / "custom" / "radar.duckdb"
    env = {"RADAR_LANDING_DIR": str(landing), "DAGSTER_HOME": str(tmp_path / "home")}

    done = _radar("run", "--warehouse", str(warehouse), "--as-of", "2024-03-12T13:00:00+01:00", env=env)

    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "Follow-up Radar as of 2024-03-12 12:00:00 UTC" in out
    assert "Follow-up coverage per rep on 2024-03-11 (the last complete day)" in out
    assert "team East: 3/5 = 60%" in out
    assert "Neglected leads by state: never_touched: 1, stale: 2" in out
    assert "00Q000000000002AAA  Ben Shiny" in out
    assert "12 failed" in out and "WARN: staging/stg_sendgrid__events sendgrid_event_types_known" in out
    assert "WARN: raw/sendgrid_events gx_expectations" in out
    assert "    WARN expect_column_values_to_be_in_set(event): 1 unexpected, e.g. 'group_resubscribe'" in out
    assert "Alerts: 0 firing, 0 resolved in this run" in out
    assert f"Published for BI tools: {warehouse.parent / 'serving.duckdb'} (read-only) and" in out
    assert "lead_aging.parquet" in out.splitlines()[-1]
    assert out.splitlines()[-1].endswith(f"radar dashboard --serving-db {warehouse.parent / 'serving.duckdb'}")
    assert query(warehouse, "select count(*) as n from marts.lead_aging") == [{"n": 9}]
    assert (tmp_path / "home" / "dagster.yaml").exists()
    # Not on a terminal: no colour codes, dbt's node lines in a log file and one line that sums the build up.
    assert "\x1b[" not in out + done.stderr and "\r" not in out + done.stderr
    assert "START sql" not in out + done.stderr
    progress = done.stderr.splitlines()
    assert any(line.endswith("mailbox_files: mailbox: 4 new file(s) from " + str(landing / "mailbox") +
                             ": 10 rows loaded, 1 rejected, 0 file(s) failed") for line in progress)
    assert [line.split("  ", 1)[1].split(":")[0] for line in progress if ": done in " in line][:3] == [
        "mailbox_files", "salesforce_files", "sendgrid_files"
    ]  # one line per finished stage, with its seconds
    assert not [line for line in progress if "radar_job - " in line]  # no Dagster prefixes
    summary = next(line for line in progress if "follow_up_radar_dbt: dbt build: " in line)
    log = Path(summary.split("(full log: ")[1].rstrip(")"))
    assert "START sql table model" in log.read_text() and "\x1b[" not in log.read_text()

    measures = _radar("measures", "--serving-db", str(warehouse.parent / "serving.duckdb"), env=env)
    assert measures.returncode == 0, measures.stderr
    lines = measures.stdout.splitlines()
    serving = warehouse.parent / "serving.duckdb"
    assert lines[0] == f"Tracked measures (evaluated as of 2024-03-12 12:00:00 UTC, from {serving}):"
    company = next(line.split() for line in lines if line.startswith("  follow_up_coverage           company"))
    assert company[2:] == ["2024-03-11", "60.0%", ">=", "60.0%", "ok", "error"]
    assert any("rep Ben Shiny" in line and "not_armed" in line for line in lines)


def test_a_failed_run_pages_once_per_streak_and_the_next_good_run_resolves(tmp_path: Path):
    landing = tmp_path / "landing"
    shutil.copytree(HANDMADE_LANDING, landing)
    (tmp_path / "not-a-folder").touch()
    broken = tmp_path / "not-a-folder" / "radar.duckdb"  # the warehouse cannot be created: ingest fails
    with receiver() as hook:
        env = {"RADAR_LANDING_DIR": str(landing), "DAGSTER_HOME": str(tmp_path / "home"),
               "RADAR_ALERT_WEBHOOK_URL": hook.url, "RADAR_AS_OF": "2024-03-12 12:00:00"}
        failed = [_radar("run", "--warehouse", str(broken), env=env) for _ in range(2)]
        good = _radar("run", "--warehouse", str(tmp_path / "radar.duckdb"), env=env)
    assert [done.returncode for done in failed] == [1, 1] and good.returncode == 0, good.stderr[-2000:]
    runs = [b for b in hook.accepted if b["measure"] == "pipeline_run"]
    assert [b["status"] for b in runs] == ["firing", "resolved"]
    assert {b["dedup_key"] for b in runs} == {"follow-up-radar/pipeline_run/job/radar_job"}
    assert "Pipeline-run alerts: firing alert for run" in failed[0].stdout
    assert "Pipeline-run alerts" not in failed[1].stdout  # the same streak: nothing new


def test_measures_explains_when_nothing_is_published_yet(tmp_path: Path):
    done = _radar("measures", "--serving-db", str(tmp_path / "serving.duckdb"), env={})
    assert done.returncode == 2
    assert "run `radar run` (or make run) first" in done.stderr


def test_alerts_test_sends_one_probe_per_channel_and_reports_each(tmp_path: Path):
    with receiver("/hook") as hook, receiver("/pd") as pagerduty:
        pagerduty.fail_next(503, 503, 503)
        env = {"RADAR_ALERT_WEBHOOK_URL": hook.url, "RADAR_PAGERDUTY_ROUTING_KEY": "KEY-123",
               "RADAR_PAGERDUTY_EVENTS_URL": pagerduty.url, "RADAR_SLACK_WEBHOOK_URL": ""}
        done = _radar("alerts", "test", env=env)
    assert done.returncode == 1
    assert done.stdout.splitlines() == ["webhook: delivered", "pagerduty: failed (HTTP 503 Service Unavailable)"]
    assert [b["status"] for b in hook.accepted] == ["test"]
    assert "KEY-123" not in done.stdout + done.stderr and hook.url not in done.stdout + done.stderr


def test_alerts_test_without_channels_says_how_to_configure_one():
    env = {name: "" for name in ("RADAR_ALERT_WEBHOOK_URL", "RADAR_SLACK_WEBHOOK_URL", "RADAR_PAGERDUTY_ROUTING_KEY")}
    done = _radar("alerts", "test", env=env)
    assert done.returncode == 2
    assert "RADAR_ALERT_WEBHOOK_URL" in done.stderr


MALFORMED_WEBHOOK = "hooks.example.com/services/T0/B0?token=tok3n-not-for-logs"


def test_run_refuses_a_malformed_alert_url_up_front_without_printing_it(tmp_path: Path):
    env = {"RADAR_ALERT_WEBHOOK_URL": MALFORMED_WEBHOOK, "DAGSTER_HOME": str(tmp_path / "home"),
           "RADAR_LANDING_DIR": str(tmp_path / "landing"), "RADAR_WAREHOUSE": str(tmp_path / "radar.duckdb")}
    done = _radar("run", env=env)
    assert done.returncode == 2
    assert "alert channel webhook is off: RADAR_ALERT_WEBHOOK_URL is not a usable URL (it has no scheme" in done.stderr
    assert "tok3n" not in done.stdout + done.stderr and "hooks.example.com" not in done.stdout + done.stderr
    assert not (tmp_path / "radar.duckdb").exists()  # nothing ran


def test_alerts_test_names_a_malformed_channel_and_still_tests_the_others():
    with receiver("/pd") as pagerduty:
        env = {"RADAR_ALERT_WEBHOOK_URL": MALFORMED_WEBHOOK, "RADAR_PAGERDUTY_ROUTING_KEY": "KEY-123",
               "RADAR_PAGERDUTY_EVENTS_URL": pagerduty.url, "RADAR_SLACK_WEBHOOK_URL": ""}
        done = _radar("alerts", "test", env=env)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "webhook: not tried (alert channel webhook is off: RADAR_ALERT_WEBHOOK_URL is not a usable URL (it has no "
        "scheme; it must start with https:// or http://); the URL is not shown as it may hold a secret)",
        "pagerduty: delivered",
    ]
    assert "tok3n" not in done.stdout + done.stderr and "KEY-123" not in done.stdout + done.stderr


def test_serve_webhooks_refuses_to_start_without_a_verification_key(tmp_path: Path):
    env = {"RADAR_LANDING_DIR": str(tmp_path), "RADAR_SENDGRID_VERIFICATION_KEY": ""}
    done = _radar("serve-webhooks", "--port", "0", env=env)
    assert done.returncode == 2
    assert "RADAR_SENDGRID_VERIFICATION_KEY" in done.stderr and "--insecure-no-verify" in done.stderr
