"""Source snapshots: the project's own byte-exact copies of its input documents, with origin metadata.

Each version of a source is a folder ``sources/<source_id>/<date_accessed>/`` holding the bytes and
``origin.yaml`` (title, publisher, date, language, licence, sha256, size, how obtained). A version, once
written, is never rewritten: new bytes are a new folder. ``sources/pins.yaml`` names the version each build
reads. A snapshot whose bytes no longer match its metadata is refused.
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
                 "sha256", "size_bytes", "origin", "date_accessed")


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


ORIGIN_FILE = "origin.yaml"
PINS_FILE = "pins.yaml"


def load_metadata(meta_path: Path) -> dict:
    """Read and check one ``origin.yaml``. Raises SnapshotError naming the file and the missing keys.

    ``snapshot_file`` in the file is the bare name beside it; the returned metadata names it relative to the
    sources folder (``<source_id>/<date_accessed>/document.txt``), which is what the ``sources`` table and
    the release manifest record.
    """
    where = f"{meta_path.parent.parent.name}/{meta_path.parent.name}/{meta_path.name}"
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SnapshotError(f"{where}: cannot read origin metadata ({exc})") from exc
    missing = [k for k in REQUIRED_KEYS if not isinstance(meta, dict) or meta.get(k) in (None, "")]
    if missing:
        raise SnapshotError(f"{where}: origin metadata lacks {', '.join(missing)}")
    if (meta["source_id"], str(meta["date_accessed"])) != (meta_path.parent.parent.name, meta_path.parent.name):
        raise SnapshotError(f"{where}: names source {meta['source_id']!r} accessed {meta['date_accessed']!r}, "
                            f"not the folder it is in")
    return {**meta, "snapshot_file": f"{meta['source_id']}/{meta['date_accessed']}/{meta['snapshot_file']}"}


def verify(meta: dict, folder: Path | None = None) -> Snapshot:
    """Check that the snapshot's bytes match its metadata (size and sha256).

    Raises SnapshotError naming the source and the snapshot file when it is missing or changed.
    """
    folder = folder or sources_dir()
    path = folder / meta["snapshot_file"]
    sid = meta["source_id"]
    if not path.is_file():
        raise SnapshotError(f"source {sid}: snapshot file {meta['snapshot_file']} is missing from {folder}")
    size = path.stat().st_size
    digest = sha256_file(path)
    if digest != meta["sha256"] or size != int(meta["size_bytes"]):
        raise SnapshotError(
            f"source {sid}: snapshot {meta['snapshot_file']} changed without its metadata changing "
            f"(sha256 {digest[:16]}…, {size} bytes; metadata says {str(meta['sha256'])[:16]}…, "
            f"{meta['size_bytes']} bytes). A snapshot version is never rewritten: new bytes belong in a new "
            f"version folder, pinned in {PINS_FILE}."
        )
    return Snapshot(meta=meta, path=path)


def pins(folder: Path | None = None) -> dict[str, str]:
    """``sources/pins.yaml``: {source_id: date_accessed of the version a build reads}. Raises SnapshotError
    when the file is missing or malformed, or when a source folder has no pin."""
    folder = folder or sources_dir()
    path = folder / PINS_FILE
    try:
        pinned = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SnapshotError(f"{path}: cannot read the snapshot pins ({exc})") from exc
    if not isinstance(pinned, dict) or not pinned:
        raise SnapshotError(f"{path}: expected a mapping source_id -> date accessed")
    unpinned = sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name not in pinned)
    if unpinned:
        raise SnapshotError(f"{path}: no pin for the source folder(s) {', '.join(unpinned)}")
    return {str(k): str(v) for k, v in pinned.items()}


def list_sources(folder: Path | None = None) -> list[dict]:
    """Origin metadata of the pinned version of every source, sorted by source id. Raises SnapshotError
    if there is none, or a pinned version has no ``origin.yaml``."""
    folder = folder or sources_dir()
    metas = []
    for sid, version in sorted(pins(folder).items()):
        origin = folder / sid / version / ORIGIN_FILE
        if not origin.is_file():
            raise SnapshotError(f"source {sid}: pinned version {version} has no {sid}/{version}/{ORIGIN_FILE}")
        metas.append(load_metadata(origin))
    return metas


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
