"""The pipeline's steps as plain functions; the Airflow DAG (dags/genai_policy_atlas.py) wraps each in a task.

check_snapshots -> extract (per source) -> combine -> resolve -> validate -> publish. Steps exchange folder URLs and
ids only (:mod:`warehouse.storage`: ``file://`` by default, a shared filesystem or an object store on a cluster whose
workers share no disk; plain local paths are accepted too), so each can be run and tested without Airflow.
"""
from __future__ import annotations

import errno
import json
import logging
import tempfile
from pathlib import Path

from extractors.core import snapshots
from warehouse.release import publish as pub
from warehouse.release.lock import PublishLockHeld
from warehouse import sources, staging, storage

log = logging.getLogger(__name__)


def fetch(source_id: str) -> dict:
    """Refresh one live source (:func:`extractors.core.live.refresh`): a new pinned snapshot version when upstream
    changed, nothing otherwise. Returns ``{"source_id", "changed", "version", "changed_files", "requests",
    "message"}``. Raises FetchError (naming source, URL and cause) after recording the failed attempt; the last
    good snapshot stays in use."""
    from extractors.core.live import refresh

    result = refresh(sources.live_source(source_id))
    return {"source_id": result.source_id, "changed": result.changed, "version": result.version,
            "changed_files": list(result.changed_files), "requests": result.requests, "message": result.message}


def check_snapshots() -> list[str]:
    """Verify every snapshot against its metadata; returns the source ids (SnapshotError on a mismatch)."""
    return [s.source_id for s in snapshots.verify_all()]


def extract(source_id: str, run_id: str) -> str:
    """Extract one source into ``<run>/extract/<source_id>/``; returns that folder's URL."""
    snap = snapshots.load(source_id)
    ex = sources.extract(snap)
    out = staging.write_extraction(ex, staging.run_dir(run_id) / "extract")
    log.info("%s: %s", source_id, {k: len(v) for k, v in ex.rows.items()})
    return storage.url_of(out)


def combine(extract_dirs: list[str], run_id: str) -> str:
    """Combine the per-source extracts into one sorted table each in ``<run>/combined/``; returns its URL."""
    out = staging.run_dir(run_id) / "combined"
    counts = staging.combine([storage.path(d) for d in extract_dirs], out)
    log.info("combined row counts: %s", counts)
    return storage.url_of(out)


def resolve(combined_dir: str, run_id: str) -> str:
    """Resolve policy mentions into one ``policies`` row per instrument, into ``<run>/tables/``; returns its URL."""
    out = staging.run_dir(run_id) / "tables"
    counts = staging.resolve_policies(storage.path(combined_dir), out)
    log.info("resolved row counts: %s", counts)
    return storage.url_of(out)


def validate(tables_dir: str, run_id: str) -> str:
    """Run the expectation suites; returns the report's URL. Raises ValidationFailed on a critical failure
    (the report is written first)."""
    from expectations.suites import validate_dir  # heavy import: only inside the step

    out = staging.run_dir(run_id) / "validation.json"
    with storage.local_folder(tables_dir) as tables, tempfile.TemporaryDirectory(prefix="atlas-gx-") as tmp:
        try:
            validate_dir(tables, Path(tmp) / out.name)
        finally:
            if (Path(tmp) / out.name).exists():
                out.write_bytes((Path(tmp) / out.name).read_bytes())
    return storage.url_of(out)


def publish(tables_dir: str, validation_file: str) -> dict:
    """Publish the release unless nothing changed; returns folder, version, whether it is new, row counts."""
    inputs = {s.meta["snapshot_file"]: s.meta["sha256"] for s in snapshots.verify_all()}
    with storage.local_folder(tables_dir) as tables, storage.local_file(validation_file) as validation:
        result = pub.publish(tables, validation, inputs=inputs)
    manifest = json.loads((result.release / pub.MANIFEST_FILE).read_text(encoding="utf-8"))
    if result.published:
        log.info("published release %s at %s (changes: %s)", result.version, result.release, manifest["changes"])
    else:
        log.info("content identical to release %s: nothing new published", result.version)
    return {"release": str(result.release), "version": result.version, "published": result.published,
            "row_counts": manifest["row_counts"], "changes": manifest.get("changes", {})}


# OS faults that pass: a busy or interrupted resource, a network hiccup. A full or read-only disk is not one.
TRANSIENT_ERRNOS = frozenset({errno.EAGAIN, errno.EBUSY, errno.EINTR, errno.ETIMEDOUT, errno.ECONNRESET,
                              errno.ECONNREFUSED, errno.ECONNABORTED, errno.EHOSTUNREACH, errno.ENETUNREACH})


def is_transient(exc: BaseException) -> bool:
    """Whether a failed step may succeed if it is tried again: another run holds the publish lock, a live source's
    fault that passes (``TransientFetchError``: 5xx, 429, time-out, a cut body, after the fetch layer's own
    retries), or an OS or network fault that passes (:data:`TRANSIENT_ERRNOS`, ``requests`` connection errors and
    time-outs). A quota (``QuotaExceeded``), schema drift or a bad body is permanent.

    Everything else is permanent and must not be retried: a changed snapshot, a bad spec, rules or curation
    entry, a failed critical expectation, a full disk, a bug. (Issue "errors that fail fast".)
    """
    if isinstance(exc, PublishLockHeld):
        return True
    from extractors.core.fetch import TransientFetchError

    if isinstance(exc, TransientFetchError):     # a live source still failing after the fetch layer's retries
        return True
    if isinstance(exc, OSError) and exc.errno in TRANSIENT_ERRNOS:
        return True
    import requests

    return isinstance(exc, (requests.ConnectionError, requests.Timeout))
