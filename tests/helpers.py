"""Helpers shared by tests: changes to a copy of the source snapshots, and real releases built without Airflow."""
from __future__ import annotations

import hashlib
import re
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
import yaml


# the five report documents (sources/<id>/): 000, 001, 002, 003, 004
TIER, AIGC, NSTC = "tier-2025-genai-global-economy", "aigc-us-gb-kr-tw-2024", "nstc-2024-ai-industry-law-report"
MODA, IPAS = "moda-2025-ai-industry-programme", "ipas-2025-genai-study-guide"

VERSION_TOKEN = re.compile(r"(?<![\d.])\d{4}\.\d{2}\.\d{2}(?:\.\d+)?(?![\d.]*\d)")


def printed_versions(text: str) -> list[str]:
    """Every release version (CalVer ``YYYY.MM.DD[.N]``) printed in ``text``, whole, in order: assertions compare
    these lists, since one version is a prefix of the next (``2026.11.21`` of ``2026.11.21.2``)."""
    return VERSION_TOKEN.findall(text)


def rewrite_snapshot(folder: Path, source_id: str, old: str, new: str, *, update_meta: bool = True) -> None:
    """Replace the first ``old`` with ``new`` in the pinned version of a snapshot copy; with ``update_meta`` also
    declare the change (sha256 and size in its ``origin.yaml``), otherwise leave the metadata stale (a tampered
    snapshot)."""
    version = yaml.safe_load((folder / "pins.yaml").read_text(encoding="utf-8"))[source_id]
    meta_path = folder / source_id / version / "origin.yaml"
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    snap = meta_path.parent / meta["snapshot_file"]
    text = snap.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {snap.name}"
    snap.write_text(text.replace(old, new, 1), encoding="utf-8")
    if update_meta:
        data = snap.read_bytes()
        raw = meta_path.read_text(encoding="utf-8")
        raw = re.sub(r"sha256: \w+", f"sha256: {hashlib.sha256(data).hexdigest()}", raw)
        raw = re.sub(r"size_bytes: \d+", f"size_bytes: {len(data)}", raw)
        meta_path.write_text(raw, encoding="utf-8")


def broken_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source_id: str, old: str, new: str
                ) -> tuple[Path, str]:
    """A copy of the real table specs under ``tmp_path`` with ``old`` (which must be in it, once or more: the first
    is replaced) replaced by ``new`` in ``<source_id>.yaml``, and ``ATLAS_SPECS_DIR`` pointing at it: the fault a
    spec test raises is derived from the real spec. Returns (the broken spec's path, its original text)."""
    from extractors.report_text import spec_check
    shutil.copytree(spec_check.DEFAULT_SPECS_DIR, tmp_path / "specs")
    path = tmp_path / "specs" / f"{source_id}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setenv("ATLAS_SPECS_DIR", str(tmp_path / "specs"))
    return path, text


@contextmanager
def release_env(base: Path) -> Iterator[pytest.MonkeyPatch]:
    """Point ATLAS_RELEASES_DIR and ATLAS_WORK_DIR into ``base`` (for module-scoped fixtures)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ATLAS_RELEASES_DIR", str(base / "releases"))
        mp.setenv("ATLAS_WORK_DIR", str(base / "work"))
        yield mp


def staged_tables(run_id: str) -> tuple[str, str]:
    """Run check, extract, combine, resolve and validate (no Airflow); returns (tables folder, validation file) as
    local paths (the steps hand each other ``file://`` URLs, warehouse.storage)."""
    from warehouse import pipeline, storage

    ids = pipeline.check_snapshots()
    tables = pipeline.resolve(pipeline.combine([pipeline.extract(i, run_id) for i in ids], run_id), run_id)
    validation = pipeline.validate(tables, run_id)
    return str(storage.path(tables)), str(storage.path(validation))


def build_release(run_id: str) -> Path:
    """One real release through the pipeline's steps; returns its folder (the latest one if unchanged)."""
    from warehouse import pipeline

    return Path(pipeline.publish(*staged_tables(run_id))["release"])
