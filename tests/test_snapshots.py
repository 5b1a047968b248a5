"""Snapshot versions: sources/<source_id>/<date_accessed>/ with origin.yaml, the build reading the pinned one."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractors.core import snapshots
from extractors.core.snapshots import SnapshotError

SOURCE = "tier-2025-genai-global-economy"
VERSION = "2026-11-21"


def pin(sources: Path, version: str) -> None:
    """Move the pin of SOURCE in a copy of the sources folder to ``version``."""
    pins = sources / "pins.yaml"
    pins.write_text(pins.read_text(encoding="utf-8").replace(f'{SOURCE}: "{VERSION}"', f'{SOURCE}: "{version}"'),
                    encoding="utf-8")


def test_bundled_sources_one_pinned_version_each():
    metas = snapshots.list_sources()
    assert [(m["source_id"], m["date_accessed"]) for m in metas] == [
        ("agora", "2026-12-05"), ("aigc-us-gb-kr-tw-2024", VERSION), ("eur_lex", "2026-12-05"),
        ("federal_register", "2026-12-05"), ("ipas-2025-genai-study-guide", VERSION), ("jp_egov", "2026-12-05"),
        ("kr_law", "2026-12-05"), ("moda-2025-ai-industry-programme", VERSION),
        ("nstc-2024-ai-industry-law-report", VERSION), ("owid", "2026-12-05"), (SOURCE, VERSION),
        ("tw_law", "2026-12-05")]
    assert next(m for m in metas if m["source_id"] == SOURCE)["snapshot_file"] == f"{SOURCE}/{VERSION}/document.txt"
    assert snapshots.load(SOURCE).path == snapshots.sources_dir() / SOURCE / VERSION / "document.txt"


def test_the_pin_chooses_the_version(sources_copy):
    newer = sources_copy / SOURCE / "2026-12-01"
    shutil.copytree(sources_copy / SOURCE / VERSION, newer)
    origin = newer / "origin.yaml"
    origin.write_text(origin.read_text(encoding="utf-8").replace(f'date_accessed: "{VERSION}"',
                                                                 'date_accessed: "2026-12-01"'), encoding="utf-8")
    assert snapshots.load(SOURCE).path.parent.name == VERSION          # still pinned to the first version
    pin(sources_copy, "2026-12-01")
    assert snapshots.load(SOURCE).meta["snapshot_file"] == f"{SOURCE}/2026-12-01/document.txt"


def test_a_source_folder_without_a_pin_is_refused(sources_copy):
    shutil.copytree(sources_copy / SOURCE, sources_copy / "unpinned-source")
    with pytest.raises(SnapshotError, match=r"pins.yaml: no pin for the source folder\(s\) unpinned-source"):
        snapshots.list_sources()


def test_a_pin_without_its_version_is_refused(sources_copy):
    pin(sources_copy, "2030-01-01")
    with pytest.raises(SnapshotError) as err:
        snapshots.list_sources()
    line = (sources_copy / "pins.yaml").read_text(encoding="utf-8").splitlines().index(f'{SOURCE}: "2030-01-01"') + 1
    assert str(err.value) == (f"{sources_copy}/pins.yaml line {line} (pin {SOURCE}): pinned version 2030-01-01 has no "
                              f"{SOURCE}/2030-01-01/origin.yaml")


def test_origin_metadata_must_name_its_own_folder(sources_copy):
    moved = sources_copy / SOURCE / "2026-11-22"
    (sources_copy / SOURCE / VERSION).rename(moved)
    pin(sources_copy, "2026-11-22")
    with pytest.raises(SnapshotError) as err:
        snapshots.list_sources()
    assert str(err.value) == (f"{sources_copy}/{SOURCE}/2026-11-22/origin.yaml line 3 (source_id, date_accessed): "
                              f"names source '{SOURCE}' accessed '{VERSION}', not the folder it is in")
