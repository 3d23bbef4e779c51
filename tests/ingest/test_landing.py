"""The landing folder: which files of each source are ready, in which order."""

import time
from pathlib import Path

from ingest import landing
from ingest.landing import LandedFile, discover, is_empty


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def _names(landing: Path, source: str) -> list[str]:
    return [f.path.relative_to(landing / source).as_posix() for f in discover(landing, source)]


def test_each_source_finds_its_patterns_also_in_subfolders(tmp_path: Path):
    _touch(
        tmp_path,
        "salesforce/Lead_2024-03-05.csv", "salesforce/2024/03/Task_2024-03-05.csv", "salesforce/notes.txt",
        "mailbox/ana.mbox", "mailbox/archive/ben.mbox", "mailbox/ana.eml",
        "sendgrid/events_1.json", "sendgrid/hooks/events_2.jsonl", "sendgrid/events.csv",
    )  # fmt: skip

    assert _names(tmp_path, "salesforce") == ["2024/03/Task_2024-03-05.csv", "Lead_2024-03-05.csv"]
    assert _names(tmp_path, "mailbox") == ["ana.mbox", "archive/ben.mbox"]
    assert _names(tmp_path, "sendgrid") == ["events_1.json", "hooks/events_2.jsonl"]
    assert all(isinstance(f, LandedFile) and f.source == "sendgrid" for f in discover(tmp_path, "sendgrid"))


def test_in_flight_files_are_ignored(tmp_path: Path):
    _touch(
        tmp_path,
        "salesforce/Lead_1.csv", "salesforce/.Lead_2.csv", "salesforce/Lead_3.csv.tmp", "salesforce/Lead_4.csv.part",
        "sendgrid/.events.json", "sendgrid/events.json.part", "sendgrid/events.jsonl.tmp",
        "salesforce/.uploading/Lead_5.csv", "mailbox/.sync/archive/ana.mbox",
    )  # fmt: skip

    assert _names(tmp_path, "salesforce") == ["Lead_1.csv"]
    assert _names(tmp_path, "mailbox") == []
    assert _names(tmp_path, "sendgrid") == []


def test_paths_are_sorted(tmp_path: Path):
    _touch(tmp_path, "salesforce/User.csv", "salesforce/Lead_2024-03-14.csv", "salesforce/Lead_2024-03-06.csv")

    paths = [f.path for f in discover(tmp_path, "salesforce")]

    assert paths == sorted(paths)
    assert [p.name for p in paths] == ["Lead_2024-03-06.csv", "Lead_2024-03-14.csv", "User.csv"]


def test_missing_source_folder_has_no_files(tmp_path: Path):
    assert discover(tmp_path, "mailbox") == []


def test_is_empty(tmp_path: Path):
    assert is_empty(tmp_path)
    assert is_empty(tmp_path / "missing")
    _touch(tmp_path, "salesforce/.Lead.csv", "mailbox/ana.mbox.part", "sendgrid/readme.txt")
    assert is_empty(tmp_path)
    _touch(tmp_path, "mailbox/archive/ana.mbox")
    assert not is_empty(tmp_path)


def test_scan_hands_each_content_on_once_and_waits_for_recent_files(tmp_path: Path, monkeypatch):
    _touch(tmp_path, "salesforce/Lead_1.csv", "mailbox/ana.mbox")
    (tmp_path / "salesforce" / "Lead_1.csv").write_text("Id\n1\n")
    hashed = []
    real_sha = landing._sha256
    monkeypatch.setattr(landing, "_sha256", lambda p: hashed.append(p.name) or real_sha(p))
    now = time.time()

    waiting = landing.scan(tmp_path, {}, now=now, settle_seconds=60)
    first = landing.scan(tmp_path, {}, now=now + 120, settle_seconds=60)
    second = landing.scan(tmp_path, first.fingerprints, now=now + 240, settle_seconds=60)

    assert [f.path.name for f in waiting.settling] == ["Lead_1.csv", "ana.mbox"] and waiting.new == []
    assert sorted(f.path.name for f, _ in first.new) == ["Lead_1.csv", "ana.mbox"]
    assert second.new == [] and second.unchanged == 2
    assert sorted(hashed) == ["Lead_1.csv", "ana.mbox"], "an unchanged file is not hashed again"


def test_fingerprints_keep_only_the_files_still_there(tmp_path: Path):
    _touch(tmp_path, "salesforce/Lead_1.csv", "salesforce/Lead_2.csv")
    now = time.time() + 120
    first = landing.scan(tmp_path, {}, now=now, settle_seconds=60)
    (tmp_path / "salesforce" / "Lead_1.csv").unlink()  # archived after loading
    second = landing.scan(tmp_path, first.fingerprints, now=now, settle_seconds=60)
    assert list(first.fingerprints) == ["salesforce/Lead_1.csv", "salesforce/Lead_2.csv"]
    assert list(second.fingerprints) == ["salesforce/Lead_2.csv"]
    assert second.new == [] and second.unchanged == 1
