"""Publication is atomic and releases are immutable: a killed publish leaves no partial release."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from helpers import staged_tables
from warehouse import pipeline
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

    from warehouse.release.publish import PublishLockHeld, publish_lock

    tables, validation = staged_tables("locked")
    root = atlas_dirs["releases"]
    with publish_lock(root):     # another run is publishing
        with pytest.raises(PublishLockHeld, match="lock held"):
            pipeline.publish(tables, validation)
    assert list_releases(root) == []
    assert pipeline.publish(tables, validation)["published"] is True
