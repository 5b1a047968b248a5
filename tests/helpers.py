"""Helpers shared by tests: declared and undeclared changes to a copy of the source snapshots."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml


def rewrite_snapshot(folder: Path, source_id: str, old: str, new: str, *, update_meta: bool = True) -> None:
    """Replace the first ``old`` with ``new`` in a snapshot copy; with ``update_meta`` also declare the change
    (sha256 and size in ``<source_id>.yaml``), otherwise leave the metadata stale (a tampered snapshot)."""
    meta_path = folder / f"{source_id}.yaml"
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    snap = folder / meta["snapshot_file"]
    text = snap.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {snap.name}"
    snap.write_text(text.replace(old, new, 1), encoding="utf-8")
    if update_meta:
        data = snap.read_bytes()
        raw = meta_path.read_text(encoding="utf-8")
        raw = re.sub(r"sha256: \w+", f"sha256: {hashlib.sha256(data).hexdigest()}", raw)
        raw = re.sub(r"size_bytes: \d+", f"size_bytes: {len(data)}", raw)
        meta_path.write_text(raw, encoding="utf-8")
