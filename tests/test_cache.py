"""Core: a snapshot file kept in the cache outside git by sha256 (extractors.core.cache, ``store: cache``)."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest

from extractors.core import cache, snapshots
from extractors.core.snapshot_writer import RecordedFile, cached_file, write_version

META = {"title": "t", "publisher": "p", "language": "en", "licence": "l", "role": "statistics", "origin": "o",
        "extractor": "x"}
WHEN = datetime(2026, 12, 6, tzinfo=timezone.utc)


def test_a_cached_file_is_listed_verified_and_resolved_but_not_written_into_the_version(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    body = b"patent_id\tcpc_group\n" * 1000          # made here: any bytes stand for a bulk file
    part = cache.staging_dir() / "big.partial"
    part.write_bytes(body)
    sha, size, path = cache.put(part)
    assert (sha, size, path) == (hashlib.sha256(body).hexdigest(), len(body), tmp_path / "cache" / "sha256" / sha)
    assert not part.exists()
    files = [RecordedFile(name="small.json", body=b"{}", url="http://127.0.0.1/small"),
             cached_file("big.tsv.zip", sha, size, "http://127.0.0.1/big", extra={"file_release_date": "2025"})]
    folder = write_version("src", files, META, accessed=WHEN, folder=tmp_path / "sources")
    assert sorted(p.name for p in folder.iterdir()) == ["SHA256SUMS", "origin.yaml", "small.json"]
    assert f"{sha}  big.tsv.zip" in (folder / "SHA256SUMS").read_text()
    snap = snapshots.load("src", tmp_path / "sources")
    assert snap.file_entry("big.tsv.zip") == {"name": "big.tsv.zip", "url": "http://127.0.0.1/big", "status": 200,
                                              "sha256": sha, "size_bytes": size, "file_release_date": "2025",
                                              "store": "cache"}
    assert snap.file("big.tsv.zip") == path and snap.file("small.json") == folder / "small.json"
    path.write_bytes(body + b"x")                    # derived: the cached bytes changed
    with pytest.raises(snapshots.SnapshotError, match=r"src/2026-12-06/big.tsv.zip \(in the cache: .*\) changed"):
        snapshots.load("src", tmp_path / "sources")


def test_a_version_is_not_written_when_its_cached_file_is_absent(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(snapshots.SnapshotError, match="big.tsv.zip is not in the cache"):
        write_version("src", [cached_file("big.tsv.zip", "0" * 64, 3, "http://127.0.0.1/big")], META,
                      accessed=WHEN, folder=tmp_path / "sources")
    assert not list((tmp_path / "sources" / "src").iterdir())
