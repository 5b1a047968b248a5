"""Writing snapshot versions of live sources, and the record of each source's last fetch.

A fetch that changed something becomes a new version folder ``sources/<source_id>/<version>/``: every recorded
response, ``origin.yaml`` (the source's metadata and one ``files:`` entry per response: URL, parameters, status,
ETag / Last-Modified, retrieval time, sha256, size) and ``SHA256SUMS``. The folder is written beside its final
place and renamed into it, so a crash never leaves half a version; an existing version is never touched. Then the
source's pin in ``pins.yaml`` moves to the new version (the file is replaced atomically).

``fetch_status.yaml`` (beside ``pins.yaml``) records, per source, the last attempt and whether it failed: a build
reports a source whose last fetch failed as stale since the first failure after its last good fetch.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import yaml

from extractors.core import cache
from extractors.core.config import read_yaml
from extractors.core.snapshots import ORIGIN_FILE, PINS_FILE, SnapshotConfigError, SnapshotError, sources_dir

SUMS_FILE = "SHA256SUMS"
STATUS_FILE = "fetch_status.yaml"


@dataclass(frozen=True)
class RecordedFile:
    """One response to keep: ``name`` is its path inside the version (``documents/2023-24283.json``), ``body`` the
    bytes as received; the rest is provenance copied into ``origin.yaml``. A file kept in the cache outside git
    (:mod:`extractors.core.cache`) has an empty ``body`` and ``extra`` ``{"store": "cache", "sha256": ...,
    "size_bytes": ...}`` (see :func:`cached_file`): its entry names the cached bytes, the folder holds none."""

    name: str
    body: bytes
    url: str
    params: dict | None = None
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    media_type: str | None = None
    retrieved_at: str | None = None
    note: str | None = None
    extra: dict = field(default_factory=dict)

    def entry(self) -> dict:
        """The ``files:`` entry of ``origin.yaml`` (None values left out)."""
        values = {"name": self.name, "url": self.url, "params": self.params or None, "status": self.status,
                  "etag": self.etag, "last_modified": self.last_modified, "media_type": self.media_type,
                  "retrieved_at": self.retrieved_at, "sha256": hashlib.sha256(self.body).hexdigest(),
                  "size_bytes": len(self.body), "note": self.note, **self.extra}
        return {k: v for k, v in values.items() if v is not None}


def _dump(data: object) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def next_version(source_id: str, accessed: str, folder: Path | None = None) -> str:
    """The name of a new version of ``source_id`` accessed on ``accessed`` (ISO date): the date, else the date
    with the first free ``.2``, ``.3`` ... suffix (a second fetch that changed something the same day)."""
    base = (folder or sources_dir()) / source_id
    name, n = accessed, 1
    while (base / name).exists():
        n += 1
        name = f"{accessed}.{n}"
    return name


def write_version(source_id: str, files: list[RecordedFile], meta: dict, *, accessed: datetime | None = None,
                  folder: Path | None = None, pin: bool = True) -> Path:
    """Write a new version of a live source and (``pin``) move its pin to it; returns the version folder.

    ``meta`` is the source-level metadata (title, publisher, language, licence, attribution, non_commercial,
    role, url, extractor, origin ...); ``published_on``, ``date_accessed``, ``files``, ``sha256`` and
    ``size_bytes`` are filled in here. Raises SnapshotError when ``files`` is empty or names one file twice.
    Nothing existing is modified but ``pins.yaml`` (replaced in one rename)."""
    folder = folder or sources_dir()
    if not files or len({f.name for f in files}) != len(files):
        raise SnapshotError(f"source {source_id}: a version needs files with distinct names")
    accessed = accessed or datetime.now(timezone.utc)
    day = accessed.date().isoformat()
    (folder / source_id).mkdir(parents=True, exist_ok=True)
    version = next_version(source_id, day, folder)
    final = folder / source_id / version
    tmp = Path(tempfile.mkdtemp(dir=folder / source_id, prefix=f".{version}.", suffix=".partial"))
    try:
        entries = []
        for f in sorted(files, key=lambda f: f.name):
            if cache.is_cached(f.extra):
                if not cache.path_of(f.extra["sha256"]).is_file():
                    raise SnapshotError(f"source {source_id}: {f.name} is not in the cache "
                                        f"({cache.path_of(f.extra['sha256'])})")
                entries.append(f.entry())
                continue
            target = tmp / f.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(f.body)
            entries.append(f.entry())
        sums = "".join(f"{e['sha256']}  {e['name']}\n" for e in entries).encode()
        (tmp / SUMS_FILE).write_bytes(sums)
        origin = {**meta, "source_id": source_id, "snapshot_file": SUMS_FILE,
                  "published_on": meta.get("published_on") or day, "date_accessed": day,
                  "sha256": hashlib.sha256(sums).hexdigest(), "size_bytes": len(sums), "files": entries}
        header = ("# Origin metadata of one snapshot version, written by `atlas fetch`. A version is never rewritten:\n"
                  "# a later fetch that changes something is a new version folder, pinned in sources/pins.yaml.\n")
        (tmp / ORIGIN_FILE).write_text(header + _dump(origin), encoding="utf-8")
        os.rename(tmp, final)           # fails rather than replace if the name was taken meanwhile
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if pin:
        set_pin(source_id, version, folder)
    return final


def set_pin(source_id: str, version: str, folder: Path | None = None) -> None:
    """Point ``source_id``'s pin at ``version`` (which must exist), keeping the other pins and the header."""
    folder = folder or sources_dir()
    if not (folder / source_id / version / ORIGIN_FILE).is_file():
        raise SnapshotError(f"source {source_id}: no version {version} to pin")
    path = folder / PINS_FILE
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    current = (read_yaml(path, SnapshotConfigError).data or {}) if text.strip() else {}
    current[source_id] = version
    _atomic_write(path, header + "".join(f"{k}: {_quote(v)}\n" for k, v in sorted(current.items())))


def _quote(value: object) -> str:
    return '"' + str(value).replace('"', '\\"') + '"'


def read_status(folder: Path | None = None) -> dict[str, dict]:
    """``fetch_status.yaml``: {source_id: {last_attempt, last_success, stale_since, error}}; {} when absent."""
    path = (folder or sources_dir()) / STATUS_FILE
    if not path.exists():
        return {}
    data = read_yaml(path, SnapshotConfigError).data
    return data if isinstance(data, dict) else {}


def record_attempt(source_id: str, *, ok: bool, when: datetime, error: str | None = None,
                   folder: Path | None = None) -> dict:
    """Record a fetch attempt of ``source_id``; returns its new status. A failure keeps ``stale_since`` at the
    first failure after the last success; a success clears it."""
    folder = folder or sources_dir()
    status = read_status(folder)
    entry = dict(status.get(source_id) or {})
    stamp = when.astimezone(timezone.utc).isoformat(timespec="seconds")
    entry["last_attempt"] = stamp
    if ok:
        entry.update(last_success=stamp, stale_since=None, error=None)
    else:
        entry["stale_since"] = entry.get("stale_since") or stamp
        entry["error"] = error
    status[source_id] = {k: v for k, v in entry.items() if v is not None}
    header = "# Last fetch attempt per live source (written by `atlas fetch`); stale_since: first failure since\n" \
             "# the last good fetch. The build reports stale sources in the manifest, the page and quality_flags.\n"
    _atomic_write(folder / STATUS_FILE, header + _dump(dict(sorted(status.items()))))
    return status[source_id]


def carried(previous, name: str, etag: str | None = None) -> RecordedFile:
    """The previous version's file ``name`` (``previous``: a verified ``Snapshot``) as a file of a new version:
    the same bytes and provenance (URL, parameters, status, ETag, retrieval time, note), for a response that was
    not asked for again or answered 304; ``etag`` replaces the ETag when a 304 sent a new one."""
    e = previous.file_entry(name) or {}
    return RecordedFile(name=name, body=previous.file(name).read_bytes(), url=e.get("url", ""),
                        params=e.get("params"), status=int(e.get("status", 200)), etag=etag or e.get("etag"),
                        last_modified=e.get("last_modified"), media_type=e.get("media_type"),
                        retrieved_at=e.get("retrieved_at"), note=e.get("note"))


def write_first_version(source_id: str, files: list[RecordedFile], meta: dict, *, accessed: datetime,
                        folder: Path | None = None) -> Path:
    """Write (and pin) a source's first version, bundled from recorded responses (each package's ``bundle.py``),
    dated ``accessed``; returns its folder. Raises SnapshotError when that version exists: it is never rewritten."""
    folder = folder or sources_dir()
    if (folder / source_id / accessed.date().isoformat()).exists():
        raise SnapshotError(f"{source_id}/{accessed.date().isoformat()} exists; a version is never rewritten")
    return write_version(source_id, files, meta, accessed=accessed, folder=folder)


def cached_file(name: str, sha256: str, size: int, url: str, **provenance) -> RecordedFile:
    """A recorded file whose bytes are in the cache under ``sha256`` (put there by
    :func:`extractors.core.cache.put`); ``provenance``: the other RecordedFile fields (params, status, etag,
    retrieved_at, note, media_type) and ``extra`` keys for the entry."""
    extra = {**provenance.pop("extra", {}), cache.STORE_KEY: cache.STORE_CACHE, "sha256": sha256, "size_bytes": size}
    return RecordedFile(name=name, body=b"", url=url, extra=extra, **provenance)
