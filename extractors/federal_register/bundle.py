"""The first version of the source, ``sources/federal_register/2026-12-05/``, from recorded full texts.

Three real responses of ``/documents/full_text/xml/...`` recorded by EtonMu/global-ai-data-regulation-map
(@ ba4de24, ``data/v2/source-snapshots/``), copied byte for byte into ``tests/fixtures/live/federal_register/``:
EO 14110 (2023-24283, on AI), EO 14179 (2025-02172, on AI) and EO 14148 (2025-01901, the order that revokes
EO 14110). Each body's sha256 is checked against that repository's corpus manifest (copied beside them), which
also gives each file's URL and retrieval date. Nothing else from the recorded responses is bundled: the
other recorded documents (EO 14430 on saltwater angling, H-1B proclamations) are not about AI.

Run once, from the project root: ``python -m extractors.federal_register.bundle``. It writes the version and
pins it; running it again on a sources folder that has the version refuses (a version is never rewritten).
``tests/test_federal_register.py`` rebuilds it in a scratch folder and compares every byte.
"""
from __future__ import annotations

import argparse
import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from extractors.core.snapshot_writer import RecordedFile, write_first_version
from extractors.core.snapshots import PROJECT_ROOT, SnapshotError
from extractors.federal_register import SOURCE, fulltext
from extractors.federal_register.config import rules

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "live" / "federal_register"
RECORDER = "EtonMu/global-ai-data-regulation-map @ ba4de24"
PREFIX = "EtonMu__global-ai-data-regulation-map__"
MANIFEST = PREFIX + "us-executive-orders-corpus-manifest.json"
ACCESSED = datetime(2026, 12, 5, tzinfo=timezone.utc)
ORIGIN = ("First version: three full-text XML responses of the Federal Register "
          "(/documents/full_text/xml/YYYY/MM/DD/<document_number>.xml: EO 14110, EO 14148, EO 14179) recorded by "
          f"{RECORDER} and copied byte for byte, each sha256 checked against that repository's corpus manifest "
          "(python -m extractors.federal_register.bundle). Later versions are fetched from the Federal Register "
          "API by `atlas fetch federal_register`.")


def recorded_files(fixtures: Path = FIXTURES) -> list[RecordedFile]:
    """The full texts named by the recording repository's manifest, as ``full_text/<document_number>.xml``
    with their URL, retrieval date and who recorded them. Raises SnapshotError when a body's sha256 differs
    from the manifest's or its ``FR Doc.`` line names another document."""
    manifest = json.loads((fixtures / MANIFEST).read_text(encoding="utf-8"))
    r = rules()
    files = []
    for snap in manifest["snapshots"]:
        if not snap["path"].endswith(".xml"):
            continue
        body = (fixtures / (PREFIX + snap["path"].rsplit("/", 1)[1])).read_bytes()
        if hashlib.sha256(body).hexdigest() != snap["sha256"]:
            raise SnapshotError(f"{snap['path']}: sha256 differs from the manifest of {RECORDER}")
        number = urlsplit(snap["url"]).path.rsplit("/", 1)[1].removesuffix(".xml")
        name = f"full_text/{number}.xml"
        if fulltext.read(body, name, r["subtypes_by_element"], r["text_cues"]).frdoc != number:
            raise SnapshotError(f"{snap['path']}: the full text is not document {number}")
        files.append(RecordedFile(
            name=name, body=body, url=snap["url"], status=200, retrieved_at=str(manifest["retrievedOn"]),
            note=f"recorded by {RECORDER} as {snap['path']} ({snap['role']}); sha256 checked against its "
                 f"corpus manifest"))
    return files


def bundle(fixtures: Path = FIXTURES, folder: Path | None = None) -> Path:
    """Write (and pin) the first version in ``folder`` (default: the sources folder); returns its path.
    Raises SnapshotError when the source already has that version."""
    return write_first_version(SOURCE.source_id, recorded_files(fixtures), {**SOURCE.meta(), "origin": ORIGIN},
                               accessed=ACCESSED, folder=folder)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fixtures", type=Path, default=FIXTURES)
    print(bundle(parser.parse_args().fixtures))
