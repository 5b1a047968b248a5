"""Source snapshots: the project's own byte-exact copies of its input documents, with origin metadata.

Each source is a pair in ``sources/``: the snapshot file and ``<source_id>.yaml`` holding its origin block
(title, publisher, date, language, licence, sha256, size, how obtained). A snapshot whose bytes no longer
match its metadata is refused: changing a snapshot means changing its metadata in the same commit.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REQUIRED_KEYS = ("source_id", "snapshot_file", "title", "publisher", "published_on", "language",
                 "sha256", "size_bytes", "origin")


class SnapshotError(RuntimeError):
    """A snapshot is missing, malformed or differs from its recorded checksum."""


def sources_dir() -> Path:
    """Folder of snapshots: ``$ATLAS_SOURCES_DIR`` or ``<project>/sources``."""
    return Path(os.environ.get("ATLAS_SOURCES_DIR", PROJECT_ROOT / "sources"))


@dataclass(frozen=True)
class Snapshot:
    """One verified source document. ``text`` is the decoded UTF-8 content; ``lines`` are 1-based via index+1."""

    meta: dict
    path: Path

    @property
    def source_id(self) -> str:
        return self.meta["source_id"]

    @cached_property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_metadata(meta_path: Path) -> dict:
    """Read and check one origin file. Raises SnapshotError naming the file and the missing keys."""
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SnapshotError(f"{meta_path.name}: cannot read origin metadata ({exc})") from exc
    missing = [k for k in REQUIRED_KEYS if not isinstance(meta, dict) or meta.get(k) in (None, "")]
    if missing:
        raise SnapshotError(f"{meta_path.name}: origin metadata lacks {', '.join(missing)}")
    return meta


def verify(meta: dict, folder: Path | None = None) -> Snapshot:
    """Check that the snapshot's bytes match its metadata (size and sha256).

    Raises SnapshotError naming the source and the snapshot file when it is missing or changed.
    """
    folder = folder or sources_dir()
    path = folder / meta["snapshot_file"]
    sid = meta["source_id"]
    if not path.is_file():
        raise SnapshotError(f"source {sid}: snapshot file {path.name} is missing from {folder}")
    size = path.stat().st_size
    digest = sha256_file(path)
    if digest != meta["sha256"] or size != int(meta["size_bytes"]):
        raise SnapshotError(
            f"source {sid}: snapshot {path.name} changed without its metadata changing "
            f"(sha256 {digest[:16]}…, {size} bytes; metadata says {str(meta['sha256'])[:16]}…, "
            f"{meta['size_bytes']} bytes). Update {sid}.yaml if the new bytes are intended."
        )
    return Snapshot(meta=meta, path=path)


def list_sources(folder: Path | None = None) -> list[dict]:
    """Origin metadata of every source, sorted by snapshot file name. Raises SnapshotError if there are none."""
    folder = folder or sources_dir()
    metas = [load_metadata(p) for p in sorted(folder.glob("*.yaml"))]
    if not metas:
        raise SnapshotError(f"no source metadata (*.yaml) in {folder}")
    ids = [m["source_id"] for m in metas]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SnapshotError(f"duplicate source_id in {folder}: {', '.join(dupes)}")
    return sorted(metas, key=lambda m: m["snapshot_file"])


def verify_all(folder: Path | None = None) -> list[Snapshot]:
    """Verify every snapshot; the first mismatch raises SnapshotError (see :func:`verify`)."""
    folder = folder or sources_dir()
    return [verify(m, folder) for m in list_sources(folder)]


def load(source_id: str, folder: Path | None = None) -> Snapshot:
    """The verified snapshot of one source. Raises SnapshotError for an unknown id or a changed file."""
    for meta in list_sources(folder):
        if meta["source_id"] == source_id:
            return verify(meta, folder)
    raise SnapshotError(f"unknown source {source_id!r} in {folder or sources_dir()}")
