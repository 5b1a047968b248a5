"""What a live source is, and the one refresh routine all of them share.

A live source is a package ``extractors/<source_id>/`` with a ``settings.yaml`` (``fetch``: how to reach it;
``source``: the metadata every snapshot version records: title, publisher, language, licence, attribution,
non_commercial, role, url, coverage: what it covers in words) and a module-level ``SOURCE = LiveSource(...)``
naming two functions:

- ``fetch(fetcher, previous) -> list[RecordedFile] | None``: the complete set of files a build of this source
  needs (a 304 carries the previous version's bytes over), or None when a cheap probe shows nothing changed
  upstream. Raises FetchError / SchemaDrift naming source, URL and field.
- ``extract(snapshot) -> Extraction``: deterministic and offline, from the pinned version only.

:func:`refresh` runs ``fetch``, writes a new version only when a file's content changed (``fingerprint`` can
ignore volatile bytes such as view counters), moves the pin, and records the attempt in ``fetch_status.yaml``;
a failure leaves every existing version and pin as it was.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from extractors.core import cache, snapshots
from extractors.core.config import read_yaml, ConfigError
from extractors.core.fetch import Fetcher, SourceSettings, load_settings
from extractors.core.records import Extraction
from extractors.core.snapshot_writer import RecordedFile, record_attempt, write_version

log = logging.getLogger(__name__)

SOURCE_META_KEYS = ("title", "publisher", "language", "licence", "attribution", "non_commercial", "role", "url",
                    "origin", "coverage")


def _default_fingerprint(name: str, body: bytes) -> bytes:
    return body


@dataclass(frozen=True)
class LiveSource:
    """A live source kind: its id, settings file and functions (see module docstring)."""

    source_id: str
    settings_file: Path
    fetch: Callable[[Fetcher, "snapshots.Snapshot | None"], "list[RecordedFile] | None"]
    extract: Callable[["snapshots.Snapshot"], Extraction]
    fingerprint: Callable[[str, bytes], bytes] = _default_fingerprint

    def settings(self) -> SourceSettings:
        return load_settings(self.settings_file, self.source_id)

    def meta(self) -> dict:
        """The ``source`` mapping of the settings file, with ``extractor`` set to this source's id."""
        doc = read_yaml(self.settings_file, ConfigError)
        meta = (doc.data or {}).get("source") if isinstance(doc.data, dict) else None
        missing = [k for k in ("title", "publisher", "language", "licence", "role", "origin")
                   if not (meta or {}).get(k)]
        if missing:
            raise doc.error(("source",), "source", f"lacks {', '.join(missing)}")
        return {**{k: meta[k] for k in SOURCE_META_KEYS if k in meta}, "extractor": self.source_id}

    def query(self) -> dict:
        """The source's own settings (the settings file without ``fetch`` and ``source``)."""
        data = read_yaml(self.settings_file, ConfigError).data or {}
        return {k: v for k, v in data.items() if k not in ("fetch", "source")}


@dataclass(frozen=True)
class RefreshResult:
    """What one refresh did: ``changed`` (a new version was written), its ``version``, the files that are new or
    changed against the previous version, the number of requests, and a one-line ``message`` for the log."""

    source_id: str
    changed: bool
    version: str | None
    changed_files: tuple[str, ...]
    requests: int
    message: str


def previous_snapshot(source_id: str, folder: Path | None = None) -> snapshots.Snapshot | None:
    """The pinned, verified version of ``source_id``, or None when it has none yet."""
    folder = folder or snapshots.sources_dir()
    path = folder / snapshots.PINS_FILE
    pinned = read_yaml(path, snapshots.SnapshotConfigError).data if path.exists() else None
    if not isinstance(pinned, dict) or source_id not in pinned:
        return None
    return snapshots.load(source_id, folder)


def _digests(source: LiveSource, files: list[RecordedFile]) -> dict[str, str]:
    """Fingerprint per file; a file kept in the cache is judged on its sha256 (its bytes are not read)."""
    return {f.name: f.extra["sha256"] if cache.is_cached(f.extra)
            else hashlib.sha256(source.fingerprint(f.name, f.body)).hexdigest() for f in files}


def _previous_digests(source: LiveSource, prev: snapshots.Snapshot | None) -> dict[str, str]:
    if prev is None:
        return {}
    return {f["name"]: f["sha256"] if cache.is_cached(f)
            else hashlib.sha256(source.fingerprint(f["name"], prev.file(f["name"]).read_bytes())).hexdigest()
            for f in prev.files}


def refresh(source: LiveSource, *, folder: Path | None = None, fetcher: Fetcher | None = None,
            now: datetime | None = None) -> RefreshResult:
    """Fetch ``source`` and keep what changed as a new pinned version (see module docstring).

    Raises what ``source.fetch`` raises (FetchError and subclasses, SnapshotError), after recording the failed
    attempt; nothing else is written then."""
    folder = folder or snapshots.sources_dir()
    now = now or datetime.now(timezone.utc)
    fetcher = fetcher or Fetcher(source.settings())
    try:
        prev = previous_snapshot(source.source_id, folder)
        files = source.fetch(fetcher, prev)
    except Exception as exc:
        record_attempt(source.source_id, ok=False, when=now, error=str(exc), folder=folder)
        raise
    old = _previous_digests(source, prev)
    new = _digests(source, files) if files is not None else old
    changed = tuple(sorted(n for n in new if old.get(n) != new[n]) + sorted(n for n in old if n not in new))
    if files is None or not changed:
        record_attempt(source.source_id, ok=True, when=now, folder=folder)
        why = "the change probe says" if files is None else "every response is the same as"
        msg = (f"{source.source_id}: upstream unchanged ({why} version {prev.version if prev else '-'}); "
               f"no snapshot written ({fetcher.requests_made} requests)")
        log.info(msg)
        return RefreshResult(source.source_id, False, prev.version if prev else None, (), fetcher.requests_made,
                             msg)
    path = write_version(source.source_id, files, source.meta(), accessed=now, folder=folder)
    record_attempt(source.source_id, ok=True, when=now, folder=folder)
    msg = (f"{source.source_id}: new snapshot {path.name} ({len(changed)} of {len(files)} files new or changed: "
           f"{', '.join(changed[:5])}{' ...' if len(changed) > 5 else ''}; {fetcher.requests_made} requests)")
    log.info(msg)
    return RefreshResult(source.source_id, True, path.name, changed, fetcher.requests_made, msg)
