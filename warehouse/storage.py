"""Where a run's intermediate data and the releases live: one storage abstraction (fsspec through
universal-pathlib's ``UPath``) so that a deployment whose workers do not share a disk can point both at shared
storage.

- **Intermediate data** (extracts, combined and resolved tables, the validation report): ``$ATLAS_WORK_URL``, any
  fsspec URL (``file:///shared/atlas/work``, ``s3://bucket/atlas/work`` with s3fs installed, ``memory://`` in
  tests); else ``$ATLAS_WORK_DIR`` (a local path); else ``<project>/.atlas/work``. Tasks hand each other URL
  strings (:func:`url_of`); the steps open them with :func:`path`.
- **Releases**: ``$ATLAS_RELEASES_URL``, else ``$ATLAS_RELEASES_DIR``, else ``<project>/releases``. Publishing
  needs a POSIX filesystem (``flock`` publish lock, atomic ``rename``, DuckDB files), so the releases URL must be a
  ``file://`` URL (a shared filesystem mounted on every worker: NFS, EFS, CephFS...); another scheme raises
  :class:`StorageError` naming the variable. Copy a release to an object store afterwards if it must be served from
  one.

Steps that need local files (the expectation suites and publish read Parquet with DuckDB) get them through
:func:`local_folder`: the folder itself when it is local, else a temporary local copy.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from upath import UPath

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WORK_URL, WORK_DIR = "ATLAS_WORK_URL", "ATLAS_WORK_DIR"
RELEASES_URL, RELEASES_DIR = "ATLAS_RELEASES_URL", "ATLAS_RELEASES_DIR"


class StorageError(ValueError):
    """A storage URL this deployment cannot use (names the variable and the URL)."""


def path(url: str | os.PathLike) -> UPath:
    """A URL (``file://``, ``s3://``, ``memory://``...) or a local path -> ``UPath``; a ``file://`` URL and a plain
    path give the same local ``UPath`` (a ``pathlib.Path`` too)."""
    if isinstance(url, str) and url.startswith("file:"):
        return UPath(_file_url_path(url, "a storage URL"))
    return UPath(url)


def _file_url_path(url: str, variable: str) -> Path:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise StorageError(f"{variable}={url!r}: a file:// URL of another host; mount it and name the local path")
    return Path(unquote(parts.path))


def is_local(p: UPath) -> bool:
    return p.protocol in ("", "file", "local")


def url_of(p: UPath | Path) -> str:
    """The URL string a task hands to the next: ``file:///...`` for a local folder, the fsspec URL otherwise."""
    p = UPath(p)
    return Path(p.path).absolute().as_uri() if is_local(p) else str(p)


def work_root() -> UPath:
    """Root of the runs' scratch folders (see the module docstring for the variables)."""
    url = os.environ.get(WORK_URL, "").strip()
    if url:
        return path(url)
    return path(os.environ.get(WORK_DIR) or PROJECT_ROOT / ".atlas" / "work")


def releases_root() -> Path:
    """The release root, a local path (``file://`` URLs are resolved). Raises StorageError for another scheme."""
    url = os.environ.get(RELEASES_URL, "").strip()
    if not url:
        return Path(os.environ.get(RELEASES_DIR) or PROJECT_ROOT / "releases")
    if urlsplit(url).scheme in ("", "file"):
        return _file_url_path(url, RELEASES_URL) if url.startswith("file:") else Path(url)
    raise StorageError(f"{RELEASES_URL}={url!r}: releases need a POSIX filesystem (flock, atomic rename); use a "
                       f"file:// URL of a shared filesystem mounted on every worker")


def remove_tree(p: UPath) -> None:
    """Remove a folder and everything in it (local read-only files included)."""
    if is_local(p):
        import stat

        def make_writable_and_retry(func, name, _exc_info):
            os.chmod(name, stat.S_IRWXU)
            func(name)

        shutil.rmtree(p.path, onerror=make_writable_and_retry)
    else:
        p.fs.rm(p.path, recursive=True)


@contextmanager
def local_folder(url: str | os.PathLike):
    """A local folder with the files of the folder at ``url``: itself when local, else a temporary copy
    (removed on leaving). Only the folder's files, not sub-folders."""
    p = path(url)
    if is_local(p):
        yield Path(p.path)
        return
    with tempfile.TemporaryDirectory(prefix="atlas-copy-") as tmp:
        for item in p.iterdir():
            if item.is_file():
                (Path(tmp) / item.name).write_bytes(item.read_bytes())
        yield Path(tmp)


@contextmanager
def local_file(url: str | os.PathLike):
    """A local path with the bytes of the file at ``url``: itself when local, else a temporary copy."""
    p = path(url)
    if is_local(p):
        yield Path(p.path)
        return
    with tempfile.TemporaryDirectory(prefix="atlas-copy-") as tmp:
        local = Path(tmp) / p.name
        local.write_bytes(p.read_bytes())
        yield local
