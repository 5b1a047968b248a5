"""Published releases are immutable: read-only files, a read-only query surface, checksums verified.

- :func:`make_read_only` runs on the finished release folder just before it is renamed into place: files
  0444, folders 0555 (the release is never rewritten; removing one is a deliberate act).
- :func:`connect_read_only` is the only way the command line opens a release database for user SQL: read-only,
  no file system access (no ``COPY … TO``, ``read_csv('/etc/passwd')``, ``ATTACH``), no extension installed or
  loaded automatically, and the configuration locked so a statement cannot lift any of that
  (DuckDB settings ``enable_external_access``, ``autoinstall_known_extensions``, ``autoload_known_extensions``,
  ``allow_community_extensions``, ``lock_configuration``).
- :func:`verify_release` checks every file against ``SHA256SUMS`` and ``manifest.json`` and names each file that
  was changed, removed or added.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from extractors.core.snapshots import sha256_file

READ_ONLY_FILE = 0o444
READ_ONLY_DIR = 0o555
SHA256SUMS_FILE = "SHA256SUMS"
MANIFEST_FILE = "manifest.json"
READ_ONLY_CONFIG = {"enable_external_access": False, "autoinstall_known_extensions": False,
                    "autoload_known_extensions": False, "allow_community_extensions": False,
                    "lock_configuration": True}


def make_read_only(folder: Path) -> None:
    """Files under ``folder`` 0444, folders (``folder`` included) 0555, deepest first."""
    for dirpath, _dirnames, filenames in os.walk(folder, topdown=False):
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), READ_ONLY_FILE)
        os.chmod(dirpath, READ_ONLY_DIR)


def make_writable(folder: Path) -> None:
    """Undo :func:`make_read_only` (folders first), e.g. before removing a half-published temporary."""
    for dirpath, _dirnames, filenames in os.walk(folder):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o644)


def connect_read_only(db: Path):
    """A DuckDB connection on a release database that user SQL cannot write through (see the module)."""
    import duckdb

    return duckdb.connect(str(db), read_only=True, config=dict(READ_ONLY_CONFIG))


def _listed(release_dir: Path) -> tuple[dict[str, str], list[str]]:
    """(``SHA256SUMS`` as {relative path: sha256}, problems reading it)."""
    sums = release_dir / SHA256SUMS_FILE
    if not sums.is_file():
        return {}, [f"{SHA256SUMS_FILE} is missing"]
    listed, problems = {}, []
    for number, line in enumerate(sums.read_text(encoding="utf-8").splitlines(), 1):
        digest, sep, rel = line.partition("  ")
        if not sep or len(digest) != 64:
            problems.append(f"{SHA256SUMS_FILE} line {number} is malformed: {line!r}")
            continue
        listed[rel] = digest
    return listed, problems


def verify_release(release_dir: Path) -> list[str]:
    """One line per file of ``release_dir`` that differs from ``SHA256SUMS`` or ``manifest.json`` (changed,
    missing or not listed), sorted; an empty list for an intact release."""
    release_dir = Path(release_dir)
    listed, problems = _listed(release_dir)
    present = {p.relative_to(release_dir).as_posix() for p in release_dir.rglob("*")
               if p.is_file() and p.name != SHA256SUMS_FILE}
    for rel in sorted(set(listed) | present):
        if rel not in present:
            problems.append(f"{rel} is missing (listed in {SHA256SUMS_FILE})")
        elif rel not in listed:
            problems.append(f"{rel} is not listed in {SHA256SUMS_FILE} (added after publication)")
        elif sha256_file(release_dir / rel) != listed[rel]:
            problems.append(f"{rel} was changed (its sha256 differs from {SHA256SUMS_FILE})")
    manifest = release_dir / MANIFEST_FILE
    if manifest.is_file() and not any(p.startswith(MANIFEST_FILE) for p in problems):
        for name, entry in json.loads(manifest.read_text(encoding="utf-8")).get("files", {}).items():
            path = release_dir / name
            if path.is_file() and sha256_file(path) != entry["sha256"]:
                problems.append(f"{name} differs from its sha256 in {MANIFEST_FILE}")
    return sorted(set(problems))
