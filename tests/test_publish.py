"""Publication is atomic and releases are immutable: a killed publish leaves no partial release."""
from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

import pyarrow.parquet as pq
import pytest

from helpers import staged_tables
from warehouse import pipeline
from warehouse.release import history
from warehouse.release.integrity import verify_release
from warehouse.release.publish import latest_version, list_releases

pytestmark = pytest.mark.release

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Runs publish in a child process whose database build stalls, so the parent can kill it mid-publication.
_CHILD = """
import sys, time
from pathlib import Path
from warehouse.release import publish as pub
original = pub.build_database
def stalled(*args, **kwargs):
    views = original(*args, **kwargs)
    print("STALLED", flush=True)
    time.sleep(120)
    return views
pub.build_database = stalled
pub.publish(Path(sys.argv[1]), Path(sys.argv[2]), inputs={})
"""


def test_killed_publish_leaves_previous_release_intact(atlas_dirs):
    root = atlas_dirs["releases"]
    tables, validation = staged_tables("first")
    first = pipeline.publish(tables, validation)
    before = {str(p): p.read_bytes() for p in sorted(Path(first["release"]).rglob("*")) if p.is_file()}

    # The child publishes different content (one quality flag fewer), so it does not stop as unchanged.
    changed = Path(tables).parent / "tables-changed"
    shutil.copytree(tables, changed)
    flags = pq.read_table(changed / "quality_flags.parquet")
    pq.write_table(flags.slice(0, flags.num_rows - 1), changed / "quality_flags.parquet")
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(changed), validation], cwd=PROJECT_ROOT,
                             stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        line = child.stdout.readline()
        assert line.strip() == "STALLED", line
        assert list(root.glob(".tmp-*")), "the child should be writing a hidden temporary folder"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()

    assert list_releases(root) == [first["version"]]
    assert latest_version(root) == first["version"]
    assert {str(p): p.read_bytes() for p in sorted(Path(first["release"]).rglob("*")) if p.is_file()} == before

    # The next publish cleans the leftover; unchanged content publishes nothing new and says so ...
    again = pipeline.publish(tables, validation)
    assert not list(root.glob(".tmp-*"))
    assert again["published"] is False and again["version"] == first["version"]
    assert list_releases(root) == [first["version"]]
    # ... changed content gets the next version of the day, with the change recorded.
    second = pipeline.publish(str(changed), validation)
    assert second["published"] is True and second["version"] == first["version"] + ".2"
    assert second["changes"] == {"removed": 1}
    assert list_releases(root) == [first["version"], second["version"]]


def test_release_versions_sort_numerically(tmp_path):
    for name in ("2026.11.21", "2026.11.21.10", "2026.11.21.2", ".tmp-2026.11.21.3-1", "LATEST"):
        (tmp_path / name).mkdir()
    assert list_releases(tmp_path) == ["2026.11.21", "2026.11.21.2", "2026.11.21.10"]


def test_two_runs_cannot_publish_at_once(atlas_dirs):
    import pytest

    from warehouse.release.lock import PublishLockHeld, publish_lock

    tables, validation = staged_tables("locked")
    root = atlas_dirs["releases"]
    os.environ["ATLAS_PUBLISH_LOCK_WAIT"] = "0.5"
    try:
        with publish_lock(root):     # another run is publishing
            started = time.monotonic()
            with pytest.raises(PublishLockHeld, match=r"lock held; waited 0.5 s"):
                pipeline.publish(tables, validation)
            assert time.monotonic() - started >= 0.5
    finally:
        del os.environ["ATLAS_PUBLISH_LOCK_WAIT"]
    assert list_releases(root) == []
    assert pipeline.publish(tables, validation)["published"] is True


def test_a_held_lock_is_waited_for(atlas_dirs, caplog):
    from warehouse.release.publish import publish_lock

    tables, validation = staged_tables("lock-wait")
    root = atlas_dirs["releases"]
    held, release = threading.Event(), threading.Event()

    def other_run():
        with publish_lock(root):
            held.set()
            release.wait(timeout=30)

    other = threading.Thread(target=other_run)
    other.start()
    try:
        assert held.wait(timeout=30)
        threading.Timer(1.0, release.set).start()     # the other run finishes after a second
        with caplog.at_level(logging.WARNING, logger="warehouse.release.lock"):
            result = pipeline.publish(tables, validation)
    finally:
        release.set()
        other.join(timeout=30)
    assert result["published"] is True
    assert "lock held): waiting up to 30 s" in caplog.text


# Publishes in a child process that stalls at one step after the release folder was renamed into place, so the
# parent can kill it there: before LATEST is written, just before LATEST's os.replace, or while history.duckdb
# is built (its views are being created). The child gets the date of the session's clock (it runs on the real one).
_CHILD_AFTER_RENAME = """
import datetime as dt, os, sys, time
from pathlib import Path
from warehouse.release import history, publish as pub, versions

def stall():
    print("STALLED", flush=True)
    time.sleep(120)

def stalling(original, when=lambda *a, **k: True):
    def wrapper(*args, **kwargs):
        if when(*args, **kwargs):
            stall()
        return original(*args, **kwargs)
    return wrapper

step = sys.argv[3]
if step == "before-latest":
    versions.write_latest = stalling(versions.write_latest)
elif step == "latest-replace":
    os.replace = stalling(os.replace, lambda src, dst: Path(dst).name == "LATEST")
elif step == "history":
    history.table_view_sql = stalling(history.table_view_sql)
pub.publish(Path(sys.argv[1]), Path(sys.argv[2]), inputs={}, today=dt.date.fromisoformat(sys.argv[4]))
print("FINISHED", flush=True)
"""


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _one_flag_fewer(tables: str) -> Path:
    """A copy of the staged tables with one quality flag fewer: different content, the same otherwise."""
    changed = Path(tables).parent / "tables-changed"
    shutil.copytree(tables, changed)
    flags = pq.read_table(changed / "quality_flags.parquet")
    pq.write_table(flags.slice(0, flags.num_rows - 1), changed / "quality_flags.parquet")
    return changed


def _kill_child_at(step: str, tables: Path, validation: str) -> None:
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()       # the session's clock
    child = subprocess.Popen([sys.executable, "-c", _CHILD_AFTER_RENAME, str(tables), validation, step, today],
                             cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    watchdog = threading.Timer(120, child.kill)       # a child that never stalls cannot hang the test
    watchdog.start()
    try:
        line = child.stdout.readline()
        assert line.strip() == "STALLED", line
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        watchdog.cancel()
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)


def _history(root: Path, *, with_tables: bool = True) -> list[tuple[str, bool]]:
    """(version, is_latest) of history.duckdb's releases, oldest first; ``with_tables``: every one is stacked in
    the table views too."""
    con = duckdb.connect(str(root / history.HISTORY_FILE), read_only=True)
    try:
        rows = con.execute("SELECT version, is_latest FROM releases").fetchall()
        stacked = {r[0] for r in con.execute("SELECT DISTINCT release FROM policies").fetchall()}
    finally:
        con.close()
    assert stacked == ({version for version, _ in rows} if with_tables else set())
    return sorted(rows, key=lambda row: list_releases(root).index(row[0]))


def _assert_consistent(root: Path, expected: list[str]) -> None:
    assert list_releases(root) == expected
    assert latest_version(root) == expected[-1]
    assert _history(root) == [(v, v == expected[-1]) for v in expected]
    for version in expected:
        assert verify_release(root / version) == []
    assert not [p.name for p in root.iterdir() if p.name.startswith((".tmp-", ".LATEST.", ".history.duckdb."))]


@pytest.mark.parametrize("step", ["before-latest", "latest-replace", "history"])
def test_publish_killed_after_the_rename_is_repaired_by_the_next_run(atlas_dirs, step, caplog):
    root = atlas_dirs["releases"]
    tables, validation = staged_tables(f"killed-{step}")
    first = pipeline.publish(tables, validation)["version"]
    before = _files(root / first)
    changed = _one_flag_fewer(tables)

    _kill_child_at(step, changed, validation)
    killed = [v for v in list_releases(root) if v != first]
    assert len(killed) == 1, killed          # the child's release is in place, complete ...
    killed = killed[0]
    assert verify_release(root / killed) == []
    assert latest_version(root) == (killed if step == "history" else first)     # ... but LATEST may lag ...
    assert _history(root) == [(first, True)]                                      # ... and the history does
    leftover = {"before-latest": None, "latest-replace": ".LATEST.*", "history": ".history.duckdb.tmp-*"}[step]
    assert leftover is None or list(root.glob(leftover))

    # The retry (the same content as the killed run) repairs the root and publishes no duplicate ...
    with caplog.at_level(logging.WARNING, logger="warehouse.release.repair"):
        again = pipeline.publish(str(changed), validation)
    assert again["published"] is False and again["version"] == killed
    if step != "history":
        assert f"repaired: LATEST now {killed} (was {first})" in caplog.text
    assert f"repaired: history.duckdb rebuilt (missing {killed})" in caplog.text
    _assert_consistent(root, [first, killed])
    assert _files(root / first) == before

    # ... and other content gets the next version, after the repaired one.
    third = pipeline.publish(tables, validation)
    assert third["published"] is True and third["changes"] == {"added": 1}
    _assert_consistent(root, [first, killed, third["version"]])
    assert _files(root / first) == before


def test_failed_history_rebuild_is_repaired_by_the_next_run(atlas_dirs, monkeypatch, caplog):
    root = atlas_dirs["releases"]
    tables, validation = staged_tables("history-fails")
    first = pipeline.publish(tables, validation)["version"]
    before = _files(root / first)
    changed = _one_flag_fewer(tables)

    def broken(root):
        raise OSError("disk full")

    original = history.build_history
    monkeypatch.setattr(history, "build_history", broken)
    with pytest.raises(OSError, match="disk full") as failure:
        pipeline.publish(str(changed), validation)
    monkeypatch.setattr(history, "build_history", original)
    assert "history.duckdb was not rebuilt" in " ".join(failure.value.__notes__)
    (second,) = [v for v in list_releases(root) if v != first]
    assert latest_version(root) == second and _history(root) == [(first, True)]

    with caplog.at_level(logging.WARNING, logger="warehouse.release.repair"):
        again = pipeline.publish(str(changed), validation)
    assert again["published"] is False and again["version"] == second
    assert f"repaired: history.duckdb rebuilt (missing {second})" in caplog.text
    assert "repaired: LATEST" not in caplog.text
    _assert_consistent(root, [first, second])
    assert _files(root / first) == before


def _bare_release(root: Path, version: str) -> Path:
    """A release folder with only a manifest and its SHA256SUMS (complete, no tables)."""
    import json

    from extractors.core.snapshots import sha256_file

    folder = root / version
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"version": version, "files": {}}), encoding="utf-8")
    (folder / "SHA256SUMS").write_text(f"{sha256_file(folder / 'manifest.json')}  manifest.json\n", encoding="utf-8")
    return folder


def test_repair_on_its_own(tmp_path, caplog):
    from warehouse.release.repair import repair

    root = tmp_path / "releases"
    for version in ("2026.11.21", "2026.11.21.2", "2026.11.21.3"):
        _bare_release(root, version)
    (root / "2026.11.21.3" / "manifest.json").write_text("{}", encoding="utf-8")     # altered: not complete
    (root / "LATEST").write_text("2026.11.21\n", encoding="utf-8")
    (root / ".LATEST.4242").write_text("2026.11.21.2\n", encoding="utf-8")           # a killed run's leftover

    with caplog.at_level(logging.WARNING, logger="warehouse.release.repair"):
        report = repair(root, lock_wait=0)
    assert report.latest == "2026.11.21.2" and report.incomplete == ("2026.11.21.3",)
    assert report.actions == ("repaired: LATEST now 2026.11.21.2 (was 2026.11.21)",
                              "repaired: history.duckdb rebuilt (history.duckdb was missing)")
    assert "repaired: LATEST now 2026.11.21.2 (was 2026.11.21)" in caplog.text
    assert "release 2026.11.21.3" in caplog.text and "manifest.json was changed" in caplog.text
    assert latest_version(root) == "2026.11.21.2" and not list(root.glob(".LATEST.*"))
    assert _history(root, with_tables=False) == [("2026.11.21", False), ("2026.11.21.2", True),
                                                 ("2026.11.21.3", False)]
    assert repair(root, lock_wait=0).actions == ()                                     # consistent: nothing to do

    shutil.rmtree(root / "2026.11.21.2")                                               # removed deliberately
    assert repair(root, lock_wait=0).actions == (
        "repaired: LATEST now 2026.11.21 (was 2026.11.21.2)",
        "repaired: history.duckdb rebuilt (lists 2026.11.21.2, no longer a release folder)")
    assert _history(root, with_tables=False) == [("2026.11.21", True), ("2026.11.21.3", False)]
