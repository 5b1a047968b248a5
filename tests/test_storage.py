"""Intermediate data and releases through one storage abstraction (warehouse.storage, issue 13): the pipeline's
steps hand each other URL strings, and the same steps run with the work folder on another filesystem (fsspec's
``memory://``, standing in for an object store: nothing local is shared between the steps but the URL)."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from upath import UPath

from warehouse import pipeline, staging, storage

SOURCE = "federal_register"


@pytest.fixture
def memory_work(monkeypatch, request):
    url = f"memory://atlas-{request.node.name}/work"
    monkeypatch.setenv("ATLAS_WORK_URL", url)
    yield UPath(url)
    storage.remove_tree(UPath(f"memory://atlas-{request.node.name}"))


def _rows(folder: UPath, name: str) -> list[dict]:
    with (folder / f"{name}.parquet").open("rb") as fh:
        return pq.read_table(fh).to_pylist()


def test_steps_hand_each_other_file_urls_by_default(atlas_dirs):
    url = pipeline.extract(SOURCE, "run-a")
    assert url == (atlas_dirs["work"] / "run-a" / "extract" / SOURCE).as_uri()
    assert pipeline.combine([url], "run-a") == (atlas_dirs["work"] / "run-a" / "combined").as_uri()


def test_a_plain_local_path_is_accepted_too(atlas_dirs):
    local = str(atlas_dirs["work"] / "run-p" / "extract" / SOURCE)
    assert pipeline.extract(SOURCE, "run-p") == Path(local).as_uri()
    assert pipeline.combine([local], "run-p").startswith("file:///")


def test_the_steps_on_another_filesystem_write_what_they_write_locally(atlas_dirs, memory_work, monkeypatch):
    remote = pipeline.combine([pipeline.extract(SOURCE, "run-m")], "run-m")
    assert remote == f"{memory_work}/run-m/combined"
    assert not atlas_dirs["work"].exists()                       # nothing went to the local work folder
    monkeypatch.delenv("ATLAS_WORK_URL")
    local = pipeline.combine([pipeline.extract(SOURCE, "run-l")], "run-l")
    for name in ("policy_mentions", "policy_events", "sources", "source_files", "quality_flags"):
        assert _rows(UPath(remote), name) == _rows(UPath(local), name), name
    assert len(_rows(UPath(remote), "policy_mentions")) == 3


def test_validate_and_publish_read_tables_from_another_filesystem(atlas_dirs, memory_work):
    tables = pipeline.resolve(pipeline.combine([pipeline.extract(i, "run-v") for i in pipeline.check_snapshots()],
                                               "run-v"), "run-v")
    report = pipeline.validate(tables, "run-v")
    assert report == f"{memory_work}/run-v/validation.json"
    assert json.loads(UPath(report).read_text())["success"] is True
    result = pipeline.publish(tables, report)
    assert result["published"] is True and Path(result["release"]).parent == atlas_dirs["releases"]
    manifest = json.loads((Path(result["release"]) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["row_counts"]["policy_mentions"] == len(_rows(UPath(tables), "policy_mentions"))
    assert staging.clean_scratch("run-v", succeeded=True) == [memory_work / "run-v"]
    assert not (memory_work / "run-v").exists()


def test_a_failed_run_on_another_filesystem_is_kept_and_marked(memory_work):
    pipeline.extract(SOURCE, "run-f")
    pipeline.extract(SOURCE, "run-g")                    # another run's folder: fsspec's memory store dates it 0
    assert staging.clean_scratch("run-f", succeeded=False) == []
    assert (memory_work / "run-f" / staging.FAILED_MARK).exists()
    assert (memory_work / "run-g" / "extract").exists(), "a folder without a time is never taken for a leftover"


def test_the_releases_url_must_be_a_posix_filesystem(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_RELEASES_URL", (tmp_path / "shared releases").as_uri())
    assert storage.releases_root() == tmp_path / "shared releases"
    monkeypatch.setenv("ATLAS_RELEASES_URL", "s3://atlas-bucket/releases")
    with pytest.raises(storage.StorageError, match="ATLAS_RELEASES_URL='s3://atlas-bucket/releases'"):
        storage.releases_root()
    monkeypatch.delenv("ATLAS_RELEASES_URL")
    monkeypatch.setenv("ATLAS_RELEASES_DIR", str(tmp_path / "r"))
    assert storage.releases_root() == tmp_path / "r"


def test_the_work_url_wins_over_the_work_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_WORK_DIR", str(tmp_path / "dir"))
    monkeypatch.setenv("ATLAS_WORK_URL", (tmp_path / "url").as_uri())
    assert staging.run_dir("r1") == UPath(tmp_path / "url" / "r1")
    monkeypatch.delenv("ATLAS_WORK_URL")
    assert staging.run_dir("r1") == UPath(tmp_path / "dir" / "r1")
