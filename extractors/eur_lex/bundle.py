"""The bundled first version of ``eur_lex`` (``sources/eur_lex/2026-12-05/``), written from the repository's own
copies of real recorded responses (``tests/fixtures/live/eur_lex/``, see PROVENANCE.md there), so a fresh clone
builds with the AI Act's legal record before any fetch:

    python -m extractors.eur_lex.bundle          # writes the version and pins it (refuses if one exists that day)

- ``acts/32024R1689.json``: CELLAR's SPARQL answer with the AI Act's metadata (five rows, one per
  entry-into-force date), recorded by legalize-dev/legalize-pipeline @ 0c56f79 as
  ``tests/fixtures/eu/32024R1689_metadata.json``. It answers that project's per-act query (the SELECT
  :func:`extractors.eur_lex.sparql.act_query` keeps); its row 0 also carries an ``authors`` cell that the
  recording client merged in from a second query (the extraction does not read it).
- ``formex/32024R1689/L_202401689EN.{doc,toc}.fmx.xml`` and ``formex/32026R1744/L_202601744EN.{doc,toc}.fmx.xml``:
  the Official Journal's Formex metadata of the AI Act (OJ L 2024/1689, 12 July 2024) and of Regulation (EU)
  2026/1744, the Digital Omnibus on AI (OJ L 2026/1744, 24 July 2026), members of the Formex packages CELLAR
  served to josesiqueira/tere4ai (retrieved 2026-07-08 @ 80b320a and 2026-10-03 @ f880753); each body's sha256
  is checked against that repository's ``data/snapshots/MANIFEST.json``.

Not bundled: JoshDoesIT/ObligationAggregator's recorded answer (35 acts dated 13 June 2024, nearly all not about
AI) is a test body only. The version has no ``related/`` answer: the first ``atlas fetch`` asks CELLAR for the
acts related to the AI Act; until then the link from Regulation (EU) 2026/1744 to the AI Act is read from its
printed title ("amending Regulations (EU) 2024/1689, ...").
"""
from __future__ import annotations

import argparse
import hashlib
from datetime import datetime, timezone
from pathlib import Path

from extractors.core.snapshot_writer import RecordedFile, write_first_version
from extractors.core.snapshots import SnapshotError

from extractors.eur_lex import SOURCE

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "live" / "eur_lex"
ACCESSED = datetime(2026, 12, 5, tzinfo=timezone.utc)
SPARQL_URL = "https://publications.europa.eu/webapi/rdf/sparql"
TERE4AI = "josesiqueira/tere4ai"
AI_ACT_WORK = "http://publications.europa.eu/resource/cellar/dc8116a1-3fe6-11ef-865a-01aa75ed71a1"
OMNIBUS_ITEM = "http://publications.europa.eu/resource/cellar/b459c07f-86fb-11f1-bf5e-01aa75ed71a1.0006.02/DOC_1"
_FORMEX_HOW = ("member of the Formex 4 package CELLAR served for {what} ({how}), recorded by {repo} @ {commit} as "
               "data/snapshots/formex/{member}; sha256 checked against its data/snapshots/MANIFEST.json")


def _formex(member: str, what: str, how: str, commit: str) -> str:
    return _FORMEX_HOW.format(what=what, how=how, repo=TERE4AI, commit=commit, member=member)


_AI_ACT_HOW = "GET the work with Accept: application/zip;mtype=fmx4 and Accept-Language: eng"
_OMNIBUS_HOW = "GET the CELLAR item"
# name in the version -> (fixture file, URL, retrieved, media type, sha256 the recorder published or None, note)
FILES = {
    "acts/32024R1689.json": (
        "legalize-dev__legalize-pipeline__32024R1689_metadata.json", SPARQL_URL, None,
        "application/sparql-results+json", None,
        "CELLAR's SPARQL answer for CELEX 32024R1689 to legalize-pipeline's per-act metadata query "
        "(get_metadata_sparql, src/legalize/fetcher/eu/client.py), recorded by legalize-dev/legalize-pipeline @ "
        "0c56f79 as tests/fixtures/eu/32024R1689_metadata.json; row 0's 'authors' cell was merged in by that "
        "client from a second query; retrieval date not stated"),
    "formex/32024R1689/L_202401689EN.doc.fmx.xml": (
        "josesiqueira__tere4ai__L_202401689EN.doc.fmx.xml", AI_ACT_WORK, "2026-07-08", "application/xml",
        "bde6e534b554e3316866e6f2dc42e5552d6ba243257bb3b0789f54f6207e7cdb",
        _formex("L_202401689EN.doc.fmx.xml", "Regulation (EU) 2024/1689", _AI_ACT_HOW, "80b320a")),
    "formex/32024R1689/L_202401689EN.toc.fmx.xml": (
        "josesiqueira__tere4ai__L_202401689EN.toc.fmx.xml", AI_ACT_WORK, "2026-07-08", "application/xml",
        "eb25aec989b4523e3496e81fea4d803db6d631ca980c0402e11a9355ad9eff65",
        _formex("L_202401689EN.toc.fmx.xml", "Regulation (EU) 2024/1689", _AI_ACT_HOW, "80b320a")),
    "formex/32026R1744/L_202601744EN.doc.fmx.xml": (
        "josesiqueira__tere4ai__L_202601744EN.doc.fmx.xml", OMNIBUS_ITEM, "2026-10-03", "application/xml",
        "d1cb1db20b659eec151a7986f73c8eab69e274a2332c45a21e37ff91ac54e4f6",
        _formex("L_202601744EN.doc.fmx.xml", "Regulation (EU) 2026/1744", _OMNIBUS_HOW, "f880753")),
    "formex/32026R1744/L_202601744EN.toc.fmx.xml": (
        "josesiqueira__tere4ai__L_202601744EN.toc.fmx.xml", OMNIBUS_ITEM, "2026-10-03", "application/xml",
        "bc763b15f85079eb9eed75cd8508b885223a13bc586250a285192ead7a491df2",
        _formex("L_202601744EN.toc.fmx.xml", "Regulation (EU) 2026/1744", _OMNIBUS_HOW, "f880753")),
}
ORIGIN = ("Bundled first version: CELLAR's SPARQL answer with the AI Act's metadata recorded by "
          "legalize-dev/legalize-pipeline @ 0c56f79, and the Official Journal's Formex metadata of Regulation (EU) "
          "2024/1689 and Regulation (EU) 2026/1744 recorded by josesiqueira/tere4ai (sha256 checked against its "
          "manifest), copied byte for byte by extractors/eur_lex/bundle.py; later versions are written by "
          "atlas fetch eur_lex from the CELLAR SPARQL endpoint")


def bundled_files(folder: Path = FIXTURES) -> list[RecordedFile]:
    """The bundled files with their provenance (module docstring). Raises SnapshotError when a body's sha256
    differs from the one its recorder published."""
    files = []
    for name, (fixture, url, retrieved, media, sha, note) in FILES.items():
        body = (folder / fixture).read_bytes()
        if sha and hashlib.sha256(body).hexdigest() != sha:
            raise SnapshotError(f"{fixture}: sha256 differs from the recording repository's manifest")
        files.append(RecordedFile(name=name, body=body, url=url, retrieved_at=retrieved, media_type=media,
                                  note=note))
    return files


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
