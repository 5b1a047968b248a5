"""Source snapshots: the project's own byte-exact copies of its input documents, with origin metadata.

Each version of a source is a folder ``sources/<source_id>/<version>/`` holding the bytes and
``origin.yaml`` (title, publisher, date, language, licence, sha256, size, how obtained). The version is the
date accessed (``2026-12-05``), with ``.2``, ``.3`` ... for a second fetch that changed something the same day.
A version, once written, is never rewritten: new bytes are a new folder. ``sources/pins.yaml`` names the version
each build reads. A snapshot whose bytes no longer match its metadata is refused.

A document source is one file (``snapshot_file``). A live source's version holds every response that changed
something (``files:`` in ``origin.yaml``: name, URL, parameters, status, ETag / Last-Modified, sha256, size)
and a ``SHA256SUMS`` listing them, which is its ``snapshot_file``: the sha256 of the version as a whole.
Writing versions (:func:`write_version`) is in :mod:`extractors.core.snapshot_writer`.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from extractors.core import cache
from extractors.core.config import ConfigError, read_yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REQUIRED_KEYS = ("source_id", "snapshot_file", "title", "publisher", "published_on", "language",
                 "sha256", "size_bytes", "origin", "date_accessed")


class SnapshotError(RuntimeError):
    """A snapshot is missing, malformed or differs from its recorded checksum."""


class SnapshotConfigError(ConfigError, SnapshotError):
    """Snapshot metadata (``origin.yaml``, ``pins.yaml``) that cannot be used: names the file, line and key."""


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

    @property
    def folder(self) -> Path:
        """The version folder."""
        return self.path.parent

    @property
    def version(self) -> str:
        return self.path.parent.name

    @property
    def files(self) -> list[dict]:
        """The recorded responses of a live source's version (``files:`` of ``origin.yaml``); [] for a document."""
        return list(self.meta.get("files") or [])

    def file(self, name: str) -> Path:
        """Path of the recorded file ``name`` (as listed in ``files:``): in the version folder, or in the cache by
        its sha256 for a ``store: cache`` entry (:mod:`extractors.core.cache`). Raises SnapshotError when not
        listed."""
        entry = self.file_entry(name)
        if entry is None:
            raise SnapshotError(f"source {self.source_id}: version {self.version} has no file {name!r}")
        return cache.path_of(entry["sha256"]) if cache.is_cached(entry) else self.folder / name

    def file_entry(self, name: str) -> dict | None:
        """The ``files:`` entry of ``name`` (URL, status, ETag ...), or None."""
        return next((f for f in self.files if f["name"] == name), None)


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
    """Read and check one ``origin.yaml``. Raises SnapshotConfigError naming the file, the line and the key: a
    missing key, a source id or date that is not the folder's, a ``snapshot_file`` that is not a bare file name.

    ``snapshot_file`` in the file is the bare name beside it; the returned metadata names it relative to the
    sources folder (``<source_id>/<date_accessed>/document.txt``), which is what the ``sources`` table and
    the release manifest record.
    """
    doc = read_yaml(meta_path, SnapshotConfigError)
    meta = doc.data
    if not isinstance(meta, dict):
        raise doc.error((), None, "origin metadata must be a mapping of keys to values")
    missing = [k for k in REQUIRED_KEYS if meta.get(k) in (None, "")]
    if missing:
        raise doc.error((), None, f"origin metadata lacks {', '.join(missing)}")
    if (meta["source_id"], str(meta["date_accessed"])) != (meta_path.parent.parent.name,
                                                           meta_path.parent.name.split(".")[0]):
        raise doc.error(("source_id",), "source_id, date_accessed",
                        f"names source {meta['source_id']!r} accessed {meta['date_accessed']!r}, "
                        f"not the folder it is in")
    if not _plain_name(meta["snapshot_file"]):
        raise doc.error(("snapshot_file",), "snapshot_file", f"{meta['snapshot_file']!r} is not a file name in "
                        f"its version folder (a snapshot may not point outside sources/{meta['source_id']}/"
                        f"{meta['date_accessed']}/)")
    for i, entry in enumerate(meta.get("files") or []):
        if not (isinstance(entry, dict) and _relative_name(entry.get("name"))
                and all(entry.get(k) not in (None, "") for k in ("sha256", "size_bytes"))):
            raise doc.error(("files", i), f"file {i + 1}", "a file entry needs a relative name (no '..'), sha256 "
                            "and size_bytes")
    return {**meta, "snapshot_file": f"{meta['source_id']}/{meta_path.parent.name}/{meta['snapshot_file']}"}


def _relative_name(name: object) -> bool:
    """A relative path of plain names (``documents/2023-24283.json``): nothing absolute, no ``..``."""
    return isinstance(name, str) and all(_plain_name(part) for part in name.split("/"))


def _plain_name(name: object) -> bool:
    """A bare file or folder name: no separator, not ``.``/``..``, not absolute."""
    return isinstance(name, str) and name not in ("", ".", "..") and not re.search(r"[/\\:]", name)


def _inside(folder: Path, relative: str) -> bool:
    """``folder/relative`` stays within ``folder`` (lexically: no ``..`` climbing out, not absolute)."""
    joined = os.path.normpath(os.path.join(folder, relative))
    return os.path.commonpath([joined, os.path.normpath(folder)]) == os.path.normpath(folder)


def verify(meta: dict, folder: Path | None = None) -> Snapshot:
    """Check that the snapshot's bytes match its metadata (size and sha256).

    Raises SnapshotError naming the source and the snapshot file when it is missing or changed.
    """
    folder = folder or sources_dir()
    sid = meta["source_id"]
    if not _inside(folder, str(meta["snapshot_file"])):
        raise SnapshotError(f"source {sid}: snapshot file {meta['snapshot_file']} is outside {folder}; refused")
    path = folder / meta["snapshot_file"]
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
    for entry in meta.get("files") or []:
        _verify_file(sid, path.parent, entry)
    return Snapshot(meta=meta, path=path)


def _verify_file(sid: str, version: Path, entry: dict) -> None:
    """One recorded response of a live source's version must match its ``files:`` entry (a ``store: cache`` entry:
    the file of that sha256 in the cache)."""
    path = cache.path_of(entry["sha256"]) if cache.is_cached(entry) else version / entry["name"]
    shown = f"{version.parent.name}/{version.name}/{entry['name']}"
    if cache.is_cached(entry):
        shown += f" (in the cache: {path})"
    if not path.is_file():
        raise SnapshotError(f"source {sid}: recorded file {shown} is missing")
    if path.stat().st_size != int(entry["size_bytes"]) or sha256_file(path) != entry["sha256"]:
        raise SnapshotError(f"source {sid}: recorded file {shown} changed without its metadata changing; a "
                            f"version is never rewritten (a new fetch writes a new version folder)")


def pins(folder: Path | None = None) -> dict[str, str]:
    """``sources/pins.yaml``: {source_id: date_accessed of the version a build reads}. Raises SnapshotConfigError
    (file, line, pin) when the file is missing or malformed, a pin is not a plain folder name (it would read
    outside the source's folder), or a source folder has no pin."""
    folder = folder or sources_dir()
    path = folder / PINS_FILE
    doc = read_yaml(path, SnapshotConfigError)
    if not isinstance(doc.data, dict) or not doc.data:
        raise doc.error((), None, "expected a mapping source_id -> date accessed")
    for sid, version in doc.data.items():
        if not (_plain_name(str(sid)) and _plain_name(str(version))):
            raise doc.error((sid,), f"pin {sid}", f"{sid}/{version} is not a source folder and version folder "
                            f"name (a pin may not point outside {folder})")
    unpinned = sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name not in doc.data)
    if unpinned:
        raise doc.error((), None, f"no pin for the source folder(s) {', '.join(unpinned)}")
    return {str(k): str(v) for k, v in doc.data.items()}


def list_sources(folder: Path | None = None) -> list[dict]:
    """Origin metadata of the pinned version of every source, sorted by source id. Raises SnapshotConfigError
    if there is none, or a pinned version has no ``origin.yaml`` (naming the pin's line in ``pins.yaml``)."""
    folder = folder or sources_dir()
    metas = []
    for sid, version in sorted(pins(folder).items()):
        origin = folder / sid / version / ORIGIN_FILE
        if not origin.is_file():
            doc = read_yaml(folder / PINS_FILE, SnapshotConfigError)
            raise doc.error((sid,), f"pin {sid}", f"pinned version {version} has no {sid}/{version}/{ORIGIN_FILE}")
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
