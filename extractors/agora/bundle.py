"""The bundled first version of AGORA (``sources/agora/2026-12-05/``), written from the repository's own copies of
real AGORA files, so a fresh clone builds with AGORA before any fetch:

    python -m extractors.agora.bundle            # writes the version and pins it (refuses if one exists that day)

The real ``agora.zip`` is not bundled: the files are ``documents.csv`` (its header and 13 whole records, byte for
byte; the full file has 951 rows) and ``authorities.csv`` (whole), as recorded by aashish254/ai-regulation-analytics
@ ea6e8df (copies in ``tests/fixtures/live/agora/``, see PROVENANCE.md there). They keep the names they have
inside ``agora.zip`` and the URL of that file in record 15672628; each file's note says what it is. The version
has no ``record.json``, so the first ``atlas fetch`` downloads the whole archive.
"""
from __future__ import annotations

import argparse
from datetime import datetime, timezone
from pathlib import Path

from extractors.core.snapshot_writer import RecordedFile, write_first_version

from extractors.agora import SOURCE

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "live" / "agora"
ZIP_URL = "https://zenodo.org/api/records/15672628/files/agora.zip/content"
RECORDED_BY = "aashish254/ai-regulation-analytics @ ea6e8df"
ACCESSED = datetime(2026, 12, 5, tzinfo=timezone.utc)
FILES = {
    "agora/documents.csv": ("aashish254__ai-regulation-analytics__agora_documents.SUBSET-13-rows.csv",
                            "13 whole records of documents.csv (951 rows in the full file, activity up to "
                            f"2025-06-22), byte for byte with its header, recorded by {RECORDED_BY}; not the full "
                            "file: member agora/documents.csv of agora.zip, Zenodo record 15672628"),
    "agora/authorities.csv": ("aashish254__ai-regulation-analytics__agora_authorities.csv",
                              f"the whole authorities.csv (105 authorities), recorded by {RECORDED_BY}: member "
                              "agora/authorities.csv of agora.zip, Zenodo record 15672628"),
}
ORIGIN = ("Bundled first version: two members of agora.zip (Zenodo record 15672628) as recorded by "
          f"{RECORDED_BY}, copied byte for byte by extractors/agora/bundle.py (documents.csv is a 13-record "
          "subset of the 951-row file); later versions are written by atlas fetch from the Zenodo records API")


def bundled_files(folder: Path = FIXTURES) -> list[RecordedFile]:
    """The bundled files with their provenance (see module docstring)."""
    return [RecordedFile(name=name, body=(folder / fixture).read_bytes(), url=ZIP_URL, media_type="text/csv",
                         note=note) for name, (fixture, note) in FILES.items()]


def write(folder: Path | None = None) -> Path:
    """Write (and pin) the bundled version into ``folder`` (default: the sources folder); returns its path.
    Raises SnapshotError when the folder already has a version of that day (a version is never rewritten)."""
    return write_first_version(SOURCE.source_id, bundled_files(), {**SOURCE.meta(), "origin": ORIGIN},
                               accessed=ACCESSED, folder=folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=None, help="sources folder (default: ATLAS_SOURCES_DIR)")
    print(write(parser.parse_args().sources))


if __name__ == "__main__":
    main()
