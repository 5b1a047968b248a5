"""The first version of the source, ``sources/jp_egov/2026-12-05/``, from responses recorded by another project.

Three real answers recorded by EtonMu/global-ai-data-regulation-map (@ ba4de24, ``data/v2/source-snapshots/``,
retrieved 2026-07-20), copied byte for byte into ``tests/fixtures/live/jp_egov/``: the e-Gov revisions JSON of
the AI Promotion Act (``/api/2/law_revisions/507AC0000000053``), its XML (``/api/2/law_file/xml/
507AC0000000053?asof=2026-07-20``) and, not from e-Gov, the Japanese Law Translation Database's English reference
XML (its note says so). Each body's sha256 is checked against that repository's corpus manifest (copied beside
them), which also gives each file's URL and retrieval date.

Run once, from the project root: ``python -m extractors.jp_egov.bundle``. It writes the version and pins it;
running it again on a sources folder that has the version refuses (a version is never rewritten).
``tests/test_jp_egov.py`` rebuilds it in a scratch folder and compares every byte.
"""
from __future__ import annotations

import argparse
import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from extractors.core.snapshot_writer import RecordedFile, write_first_version
from extractors.core.snapshots import PROJECT_ROOT, SnapshotError
from extractors.jp_egov import SOURCE
from extractors.jp_egov.fetch import TRANSLATION_NOTE

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "live" / "jp_egov"
RECORDER = "EtonMu/global-ai-data-regulation-map @ ba4de24"
PREFIX = "EtonMu__global-ai-data-regulation-map__"
MANIFEST = PREFIX + "jp-ai-promotion-act-2025-corpus-manifest.json"
ACCESSED = datetime(2026, 12, 5, tzinfo=timezone.utc)
FILES = {                      # name in the version -> (recorded file, what it is)
    "revisions/507AC0000000053.json": ("jp-ai-promotion-act-507AC0000000053-revisions-2026-07-20.json",
                                       "e-Gov law API v2 revisions"),
    "law/507AC0000000053.xml": ("jp-ai-promotion-act-507AC0000000053-current-2026-07-20.xml",
                                "e-Gov law API v2 law XML"),
    "translation/507AC0000000053.en.xml": ("jp-ai-promotion-act-government-en-reference.xml", TRANSLATION_NOTE),
}
ORIGIN = ("First version: the e-Gov law API v2 revisions JSON and law XML of the AI Promotion Act (507AC0000000053) "
          "and the Japanese Law Translation Database's English reference XML (Ministry of Justice, not e-Gov), "
          f"recorded by {RECORDER} and copied byte for byte, each sha256 checked against that repository's corpus "
          "manifest (python -m extractors.jp_egov.bundle). Later versions are fetched by `atlas fetch jp_egov`.")


def recorded_files(fixtures: Path = FIXTURES) -> list[RecordedFile]:
    """The bundled files with the URL, retrieval date and role the recording repository's manifest gives.
    Raises SnapshotError when a body's sha256 differs from the manifest's."""
    manifest = json.loads((fixtures / MANIFEST).read_text(encoding="utf-8"))
    snaps = {s["path"].rsplit("/", 1)[1]: s for s in manifest["sourceSnapshots"]}
    files = []
    for name, (recorded, what) in FILES.items():
        snap, body = snaps[recorded], (fixtures / (PREFIX + recorded)).read_bytes()
        if hashlib.sha256(body).hexdigest() != snap["sha256"]:
            raise SnapshotError(f"{snap['path']}: sha256 differs from the manifest of {RECORDER}")
        files.append(RecordedFile(
            name=name, body=body, url=snap["sourceUrl"],
            params=dict(parse_qsl(urlsplit(snap["sourceUrl"]).query)) or None, status=200,
            media_type=snap["mediaType"], retrieved_at=str(snap["retrievedOn"]),
            note=f"{what}; recorded by {RECORDER} as {snap['path']} (role {snap['role']}); sha256 checked against "
                 f"its corpus manifest"))
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
