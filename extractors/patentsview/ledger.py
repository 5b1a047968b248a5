"""The download ledger of the ``patentsview`` source: ``<sources>/downloads.yaml``.

ODP allows 20 downloads per file per API key per year. Every download is entered here *before* its request (a
download cut short still counted upstream), under the source, the key's fingerprint (never the key) and the file
name, as an ISO 8601 UTC time. :func:`check` refuses a download when the file already has ``downloads_per_file``
entries in the last ``window_days`` days (a rolling window: never fewer than a calendar year's count).

    patentsview:
      key 3f2a9c0d41be:
        g_cpc_current.tsv.zip: ['2026-12-01T03:00:00+00:00']
"""
from __future__ import annotations

import os
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from extractors.core.fetch import QuotaExceeded
from extractors.core.snapshots import sources_dir
from extractors.patentsview.config import SOURCE_ID

LEDGER_FILE = "downloads.yaml"
HEADER = ("# Downloads per source, API key fingerprint and file (written by `atlas fetch` before each download;\n"
          "# ODP allows 20 per file per key per year). Never edit by hand to make room for a download.\n")


def path(folder: Path | None = None) -> Path:
    return (folder or sources_dir()) / LEDGER_FILE


def read(folder: Path | None = None) -> dict:
    """The whole ledger ({} when absent)."""
    p = path(folder)
    data = yaml.safe_load(p.read_text(encoding="utf-8")) if p.exists() else None
    return data if isinstance(data, dict) else {}


def recent(key_id: str, name: str, now: datetime, window_days: int, folder: Path | None = None) -> list[str]:
    """The downloads of ``name`` with key ``key_id`` in the ``window_days`` days before ``now``."""
    entries = ((read(folder).get(SOURCE_ID) or {}).get(f"key {key_id}") or {}).get(name) or []
    since = now - timedelta(days=window_days)
    return [e for e in entries if datetime.fromisoformat(str(e)) > since]


def check(url: str, key_id: str, name: str, now: datetime, quota: int, window_days: int,
          folder: Path | None = None) -> None:
    """Raise QuotaExceeded (naming file, count and the oldest download in the window) when one more download of
    ``name`` would exceed ``quota`` in ``window_days`` days."""
    done = recent(key_id, name, now, window_days, folder)
    if len(done) >= quota:
        raise QuotaExceeded(SOURCE_ID, url, f"{name}: {len(done)} downloads with this API key in the last "
                            f"{window_days} days (the quota is {quota} per file per key per year; the oldest "
                            f"counted was {min(done)}): download refused, the pinned version stays in use")


def enter(key_id: str, name: str, when: datetime, folder: Path | None = None) -> None:
    """Add one download of ``name`` at ``when`` to the ledger (the file is replaced atomically)."""
    data = read(folder)
    files = data.setdefault(SOURCE_ID, {}).setdefault(f"key {key_id}", {})
    files.setdefault(name, []).append(when.astimezone(timezone.utc).isoformat(timespec="seconds"))
    p = path(folder)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(HEADER + yaml.safe_dump(data, sort_keys=True, allow_unicode=True))
    os.replace(tmp, p)
