"""The scratch folder is cleaned after each run (warehouse.staging.clean_scratch), on real folders in a tmp dir."""
from __future__ import annotations

import os
import time

import pytest

from warehouse import staging


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_WORK_DIR", str(tmp_path / "work"))
    return tmp_path / "work"


def _make_run(run_id: str, age_seconds: float = 0) -> staging.Path:
    folder = staging.run_dir(run_id)
    (folder / "tables").mkdir(parents=True)
    (folder / "tables" / "policies.parquet").write_bytes(b"x" * 100)
    (folder / "validation.json").write_text("{}", encoding="utf-8")
    if age_seconds:
        then = time.time() - age_seconds
        os.utime(folder, (then, then))
    return folder


def _names(work) -> set[str]:
    return {p.name for p in work.iterdir()}


def test_a_successful_run_removes_its_folder_only(work):
    done, other = _make_run("manual__2026-12-01T00:00:00+00:00"), _make_run("scheduled__2026-12-02")
    removed = staging.clean_scratch("manual__2026-12-01T00:00:00+00:00", succeeded=True)
    assert removed == [done]
    assert _names(work) == {other.name}                  # a recent folder of another run (maybe running) stays
    assert staging.clean_scratch("manual__2026-12-01T00:00:00+00:00", succeeded=True) == []


def test_only_the_most_recent_failure_is_kept(work):
    first = _make_run("run-1")
    assert staging.clean_scratch("run-1", succeeded=False) == []
    assert (first / staging.FAILED_MARK).is_file() and (first / "tables" / "policies.parquet").is_file()

    second = _make_run("run-2")
    assert staging.clean_scratch("run-2", succeeded=False) == [first]
    assert _names(work) == {second.name}

    _make_run("run-3")
    assert staging.clean_scratch("run-3", succeeded=True) == [staging.run_dir("run-3")]
    assert _names(work) == {second.name}, "a success keeps the most recent failure for inspection"


def test_a_failure_with_no_scratch_keeps_the_previous_failure(work):
    kept = _make_run("run-1")
    staging.clean_scratch("run-1", succeeded=False)
    assert staging.clean_scratch("run-2", succeeded=False) == []       # failed before writing anything
    assert _names(work) == {kept.name}


def test_old_unmarked_leftovers_are_removed(work):
    leftover = _make_run("scheduled__2026-11-01", age_seconds=3 * 24 * 3600)
    recent = _make_run("scheduled__2026-12-03")
    failed = _make_run("run-failed", age_seconds=3 * 24 * 3600)
    (failed / staging.FAILED_MARK).write_text("", encoding="utf-8")
    os.utime(failed, (time.time() - 3 * 24 * 3600,) * 2)
    _make_run("run-ok")
    assert staging.clean_scratch("run-ok", succeeded=True) == sorted([leftover, staging.run_dir("run-ok")])
    assert _names(work) == {recent.name, failed.name}


def test_read_only_files_and_outside_paths(work, tmp_path):
    folder = _make_run("run-ro")
    (folder / "tables" / "policies.parquet").chmod(0o444)
    (folder / "tables").chmod(0o555)
    outside = tmp_path / "outside"
    outside.mkdir()
    (work / "link").symlink_to(outside, target_is_directory=True)
    (work / "notes.txt").write_text("not a run folder", encoding="utf-8")
    assert staging.clean_scratch("run-ro", succeeded=True) == [folder]
    assert outside.is_dir() and (work / "link").is_symlink() and (work / "notes.txt").is_file()


def test_nothing_to_clean(work):
    assert staging.clean_scratch("never-ran", succeeded=True) == []
    assert not work.exists()
