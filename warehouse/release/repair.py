"""Crash repair of a release root: after a run was killed at any point, bring the root back to a consistent state.

A publication renames the finished, read-only release folder into place, then points ``LATEST`` at it, then
rebuilds ``history.duckdb``; a kill between these steps leaves a release that ``LATEST`` or the history does not
know. :func:`repair` (run by every publication under the publish lock, before anything else, and usable on its
own) puts that right:

- removes the temporaries of killed runs (``.tmp-<version>-<pid>/``, ``.LATEST.<pid>``, ``.history.duckdb.tmp-*``);
- makes ``LATEST`` name the newest *complete* release: a version folder with a ``manifest.json`` whose every file
  verifies against ``SHA256SUMS`` (:func:`warehouse.release.integrity.verify_release`); a newer folder that does
  not verify is left in place (releases are never deleted here) and reported;
- rebuilds ``history.duckdb`` when it is missing or unreadable, lacks a release folder, lists one that is gone,
  or marks another release latest than ``LATEST`` names.

Each repair is logged (``repaired: LATEST now 2026.11.21.2 (was 2026.11.21)``,
``repaired: history.duckdb rebuilt (missing 2026.11.21.2)``).
"""
from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from warehouse.release import versions
from warehouse.release.history import HISTORY_FILE, build_history
from warehouse.release.integrity import make_writable, verify_release
from warehouse.release.lock import publish_lock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RepairReport:
    """Outcome of :func:`repair`: what ``LATEST`` names now, each repair made, and release folders that do not
    verify (newer than ``latest``, left in place)."""

    latest: str | None
    actions: tuple[str, ...] = ()
    incomplete: tuple[str, ...] = ()


def remove_stale_temporaries(root: Path) -> None:
    """Remove what killed runs left half-written: release, ``LATEST`` and history temporaries (hold the lock)."""
    for stale in root.glob(".tmp-*"):
        make_writable(stale)
        shutil.rmtree(stale, ignore_errors=True)
    for pattern in (f".{versions.LATEST_FILE}.*", f".{HISTORY_FILE}.tmp-*"):
        for stale in root.glob(pattern):
            stale.unlink(missing_ok=True)


def newest_complete_release(root: Path) -> tuple[str | None, list[str]]:
    """(newest complete release of ``root`` or None, the newer version folders that are not complete).

    Complete: the folder holds ``manifest.json`` and :func:`verify_release` finds nothing. Folders are checked
    newest first and the search stops at the first complete one, so older releases are not re-hashed."""
    incomplete = []
    for version in reversed(versions.list_versions(root)):
        folder = root / version
        problems = verify_release(folder) if (folder / versions.MANIFEST_FILE).is_file() else ["no manifest.json"]
        if not problems:
            return version, incomplete
        log.warning("release %s in %s is not complete (%s): LATEST does not name it",
                    version, root, "; ".join(problems[:3]) + (" ..." if len(problems) > 3 else ""))
        incomplete.append(version)
    return None, incomplete


def _history_problem(root: Path, latest: str | None) -> str | None:
    """Why ``history.duckdb`` needs rebuilding (missing, unreadable, a release missing or gone, stale latest
    flag), or None when it lists exactly the releases of ``root`` with ``latest`` marked."""
    import duckdb

    expected = versions.release_versions(root)
    path = root / HISTORY_FILE
    if not path.is_file():
        return f"{HISTORY_FILE} was missing" if expected else None
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            rows = con.execute("SELECT version, is_latest FROM releases").fetchall()
        finally:
            con.close()
    except duckdb.Error as exc:
        return f"unreadable: {str(exc).splitlines()[0]}"
    listed = {version for version, _ in rows}
    missing = [v for v in expected if v not in listed]
    if missing:
        return "missing " + ", ".join(missing)
    gone = sorted(listed - set(expected), key=versions.version_key)
    if gone:
        return "lists " + ", ".join(gone) + ", no longer a release folder"
    flagged = sorted(version for version, is_latest in rows if is_latest)
    if flagged != ([latest] if latest in listed else []):
        return f"marked {', '.join(flagged) or 'no release'} latest, LATEST names {latest}"
    return None


def repair_locked(root: Path) -> RepairReport:
    """:func:`repair` for a caller that already holds the publish lock of ``root`` (the publisher)."""
    root = Path(root)
    remove_stale_temporaries(root)
    actions = []
    named = versions.latest_version(root)
    newest, incomplete = newest_complete_release(root)
    if named != newest:
        versions.write_latest(root, newest)
        actions.append(f"repaired: LATEST now {newest} (was {named})" if newest
                       else f"repaired: LATEST removed (was {named}; no complete release)")
    problem = _history_problem(root, newest)
    if problem:
        build_history(root)
        actions.append(f"repaired: {HISTORY_FILE} rebuilt ({problem})")
    for action in actions:
        log.warning("%s in %s", action, root)
    return RepairReport(latest=newest, actions=tuple(actions), incomplete=tuple(incomplete))


def repair(root: Path, *, lock_wait: float | None = None) -> RepairReport:
    """Bring the release root ``root`` to a consistent state after a killed or failed run (see the module):
    under the publish lock (waited on for ``lock_wait`` seconds), stale temporaries removed, ``LATEST`` naming
    the newest complete release, ``history.duckdb`` listing every release. Returns what was done."""
    with publish_lock(root, lock_wait):
        return repair_locked(root)
