"""Files too large for git, kept in a content-addressed cache outside the repository.

A live source whose responses are gigabytes (bulk data files) records them in its snapshot version like any other
file — a ``files:`` entry with name, URL, sha256 and size — but with ``store: cache``: the bytes are not in the
version folder but in ``<cache>/sha256/<hex>`` (the cache: ``$ATLAS_CACHE_DIR``, default
``~/.cache/genai-policy-atlas``). :class:`extractors.core.snapshots.Snapshot` resolves such a name to its cache
path, and verification checks its size and sha256 there like a file of the folder; a cache that lost the file is a
``SnapshotError`` naming the entry (fetch again, or copy the file back).

:func:`put` moves a finished download into the cache under its sha256 (a rename, so a reader never sees half a
file); the same bytes are stored once.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

CACHE_VARIABLE = "ATLAS_CACHE_DIR"
STORE_KEY = "store"
STORE_CACHE = "cache"


def cache_dir() -> Path:
    """``$ATLAS_CACHE_DIR``, else ``~/.cache/genai-policy-atlas``."""
    return Path(os.environ.get(CACHE_VARIABLE) or Path.home() / ".cache" / "genai-policy-atlas")


def path_of(sha256: str) -> Path:
    """Where the bytes with this (lower-case hex) sha256 are kept: ``<cache>/sha256/<hex>``."""
    return cache_dir() / "sha256" / sha256


def digest(path: Path) -> tuple[str, int]:
    """(hex sha256, size in bytes) of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    size = 0
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def put(path: Path) -> tuple[str, int, Path]:
    """Move the finished file ``path`` into the cache under its sha256; returns (sha256, size, cache path). The
    file must be on the cache's file system for a plain rename (callers download into :func:`staging_dir`)."""
    sha, size = digest(path)
    target = path_of(sha)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        Path(path).unlink()
    else:
        os.replace(path, target)
    return sha, size, target


def staging_dir() -> Path:
    """``<cache>/partial/``: where downloads are written before :func:`put` (same file system as the cache)."""
    folder = cache_dir() / "partial"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def is_cached(entry: dict) -> bool:
    """Whether a ``files:`` entry's bytes are in the cache (``store: cache``) rather than the version folder."""
    return entry.get(STORE_KEY) == STORE_CACHE
