"""Release versions: CalVer ``YYYY.MM.DD``, with ``.N`` (2, 3 ...) for further releases the same day.

The one place that knows what a version looks like, how versions sort and which folders of a release root
are releases; ``LATEST`` in the root names the newest.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

VERSION_RE = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})(?:\.(\d+))?$")
MANIFEST_FILE = "manifest.json"
LATEST_FILE = "LATEST"


def is_version(name: str) -> bool:
    """Whether ``name`` is a release version (``2026.11.21``, ``2026.11.21.2``)."""
    return VERSION_RE.match(name) is not None


def version_key(version: str) -> tuple[int, int, int, int]:
    """Sort key of a version (no suffix sorts as 1, before ``.2``; ``.10`` after ``.9``). ValueError otherwise."""
    m = VERSION_RE.match(version)
    if not m:
        raise ValueError(f"not a release version: {version!r}")
    y, mo, d, n = m.groups()
    return int(y), int(mo), int(d), int(n or 1)


def list_versions(root: Path, *, complete: bool = False) -> list[str]:
    """Versions of the release folders under ``root``, oldest first; hidden temporaries are not releases.
    With ``complete``, only folders that hold a manifest. An absent root has none."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = [p.name for p in root.iterdir()
             if p.is_dir() and is_version(p.name) and (not complete or (p / MANIFEST_FILE).is_file())]
    return sorted(found, key=version_key)


def release_versions(root: Path) -> list[str]:
    """Versions of the complete releases under ``root`` (a version folder with a manifest), oldest first."""
    return list_versions(root, complete=True)


def next_version(root: Path, today: dt.date | None = None) -> str:
    """The version for a new release in ``root``: today's date (UTC unless ``today`` is given), with the next
    free ``.N`` when that date is taken (by any entry of the root, a hidden temporary excepted)."""
    base = (today or dt.datetime.now(dt.timezone.utc).date()).strftime("%Y.%m.%d")
    taken = {p.name for p in root.iterdir()} if root.exists() else set()
    if base not in taken:
        return base
    n = 2
    while f"{base}.{n}" in taken:
        n += 1
    return f"{base}.{n}"


def latest_version(root: Path) -> str | None:
    """The version named in ``<root>/LATEST``, or None before the first release."""
    path = Path(root) / LATEST_FILE
    return path.read_text(encoding="utf-8").strip() if path.exists() else None


def write_latest(root: Path, version: str | None) -> None:
    """Make ``<root>/LATEST`` name ``version`` (None: remove it), atomically: a temporary file renamed over it
    with ``os.replace``, so a reader sees the old or the new name, never a partial one."""
    path = Path(root) / LATEST_FILE
    if version is None:
        path.unlink(missing_ok=True)
        return
    tmp = Path(root) / f".{LATEST_FILE}.{os.getpid()}"
    tmp.write_text(version + "\n", encoding="utf-8")
    os.replace(tmp, path)
