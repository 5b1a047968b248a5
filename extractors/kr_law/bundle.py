"""The first version of the source, ``sources/kr_law/2026-12-05/``, from responses recorded by another project.

Three real law.go.kr Open API responses recorded by EtonMu/global-ai-data-regulation-map (@ ba4de24,
``data/v2/source-snapshots/``, retrieved 2026-07-20 with law.go.kr's public sample user id ``OC=test``), copied
byte for byte into ``tests/fixtures/live/kr_law/``: the effective-date index (lawSearch.do target=eflaw: six
versions of the Act and its Enforcement Decree), the English-name index (target=elaw) and the text of the Act's
version MST 282791 effective 2026-01-22 (lawService.do target=eflaw). Each body's sha256 is checked against
that repository's corpus manifest (copied beside them), which also gives each file's URL and retrieval date.
Not bundled: the MOLEG English text (another schema, not read) and the texts of the other five versions (not
recorded; the first ``atlas fetch kr_law`` asks for them).

Run once, from the project root: ``python -m extractors.kr_law.bundle``. It writes the version and pins it;
running it again on a sources folder that has the version refuses (a version is never rewritten).
``tests/test_kr_law.py`` rebuilds it in a scratch folder and compares every byte.
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
from extractors.kr_law import SOURCE

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "live" / "kr_law"
RECORDER = "EtonMu/global-ai-data-regulation-map @ ba4de24"
PREFIX = "EtonMu__global-ai-data-regulation-map__"
MANIFEST = PREFIX + "kr-ai-framework-act-2025-corpus-manifest.json"
ACCESSED = datetime(2026, 12, 5, tzinfo=timezone.utc)
FILES = {                      # name in the version -> recorded file (its name in the manifest's paths)
    "index/eflaw.xml": "kr-ai-014820-effective-date-index-2026-07-20.xml",
    "index/elaw.xml": "kr-ai-014820-english-reference-index-2026-07-20.xml",
    "text/014820/282791-20260122.xml": "kr-ai-014820-current-effective-2026-07-20.xml",
}
ORIGIN = ("First version: three law.go.kr Open API responses (the eflaw and elaw indexes of the AI Basic Act's "
          "name and the text of its version MST 282791 effective 2026-01-22) recorded by "
          f"{RECORDER} with the public sample user id OC=test and copied byte for byte, each sha256 checked "
          "against that repository's corpus manifest (python -m extractors.kr_law.bundle). Later versions are "
          "fetched from the law.go.kr Open API by `atlas fetch kr_law`.")


def recorded_files(fixtures: Path = FIXTURES) -> list[RecordedFile]:
    """The bundled files with the URL, retrieval date and role the recording repository's manifest gives.
    Raises SnapshotError when a body's sha256 differs from the manifest's."""
    manifest = json.loads((fixtures / MANIFEST).read_text(encoding="utf-8"))
    snaps = {s["path"].rsplit("/", 1)[1]: s for s in manifest["sourceSnapshots"]}
    files = []
    for name, recorded in FILES.items():
        snap, body = snaps[recorded], (fixtures / (PREFIX + recorded)).read_bytes()
        if hashlib.sha256(body).hexdigest() != snap["sha256"]:
            raise SnapshotError(f"{snap['path']}: sha256 differs from the manifest of {RECORDER}")
        files.append(RecordedFile(
            name=name, body=body, url=snap["sourceUrl"], params=dict(parse_qsl(urlsplit(snap["sourceUrl"]).query)),
            status=200, media_type=snap["mediaType"], retrieved_at=str(snap["retrievedOn"]),
            note=f"recorded by {RECORDER} as {snap['path']} (role {snap['role']}, public sample user id OC=test); "
                 f"sha256 checked against its corpus manifest"))
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
