"""The bundled first version of tw_law (``sources/tw_law/2026-12-05/``), written from the repository's copies of
real law records, so a fresh clone builds with this source before any fetch:

    python -m extractors.tw_law.bundle            # writes the version and pins it (refuses if one exists that day)

The MOJ dumps themselves were not recorded. The files are three laws' objects of ``Laws`` as recorded by
kong0107/mojLawSplitJSON @ 269a809 (branch ``split``, the dump of UpdateDate 20241011): 個人資料保護法
(I0050021) and 詐欺犯罪危害防制條例 (D0080226) from ChLaw.json, and the NDC regulation on 5G and AI (A0030322) from
ChOrder.json (copies in ``tests/fixtures/live/tw_law/``, see PROVENANCE.md there). The recorder re-indented each
object (``JSON.stringify(law, null, "  ")``), so these are the records' content, not MOJ's bytes; each file's
note says so. They keep the names a fetch gives them (``laws/<pcode>.json``) and the URL of the dump the recorder
downloaded; :func:`extractors.tw_law.fetch.fingerprint` compares content, so a fetch that finds the same content
writes no new version. The version carries no ETag and no MOJ ``UpdateDate``: the first fetch downloads the dumps.
"""
from __future__ import annotations

import argparse
from datetime import datetime, timezone
from pathlib import Path

from extractors.core.snapshot_writer import RecordedFile, write_first_version

from extractors.tw_law import SOURCE
from extractors.tw_law.fetch import file_name

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "live" / "tw_law"
RECORDED_BY = "kong0107/mojLawSplitJSON @ 269a809 (branch split)"
ACCESSED = datetime(2026, 12, 5, tzinfo=timezone.utc)
PUBLISHED = "2024-10-11"                    # the dump's UpdateDate as the recorder wrote it (20241011)
DUMPS = {"law": ("ChLaw.json", "https://law.moj.gov.tw/api/data/chlaw.json.zip"),
         "order": ("ChOrder.json", "https://law.moj.gov.tw/api/data/chorder.json.zip")}
LAWS = (("I0050021", "個人資料保護法", "law"), ("D0080226", "詐欺犯罪危害防制條例", "law"),
        ("A0030322", "國家發展委員會促進 5G 及人工智慧導入智慧城鄉物聯網創新應用補助辦法", "order"))
ORIGIN = (f"Bundled first version: three laws' records of the MOJ dumps of UpdateDate 20241011 as recorded by "
          f"{RECORDED_BY} (ch/<pcode>.json: each law's object of Laws in ChLaw.json / ChOrder.json, re-indented by "
          "the recorder), copied byte for byte by extractors/tw_law/bundle.py; later versions are written by atlas "
          "fetch from the MOJ Open API dumps")


def bundled_files(folder: Path = FIXTURES) -> list[RecordedFile]:
    """The bundled files with their provenance (see module docstring)."""
    files = []
    for pcode, name, kind in LAWS:
        member, url = DUMPS[kind]
        note = (f"law {pcode} ({name}): its object of Laws in member {member} of the {kind} dump {url} (UpdateDate "
                f"20241011 as the recorder wrote it), recorded by {RECORDED_BY} as ch/{pcode}.json, "
                "JSON.stringify(law, null, 2): the record's content with the recorder's indentation, not MOJ's bytes")
        files.append(RecordedFile(name=file_name(pcode), body=(folder / f"kong0107__mojLawSplitJSON__{pcode}.json")
                                  .read_bytes(), url=url, media_type="application/json", note=note,
                                  extra={"dump": kind, "member": member}))
    return files


def write(folder: Path | None = None) -> Path:
    """Write (and pin) the bundled version into ``folder`` (default: the sources folder); returns its path.
    Raises SnapshotError when the folder already has a version of that day (a version is never rewritten)."""
    meta = {**SOURCE.meta(), "origin": ORIGIN, "published_on": PUBLISHED}
    return write_first_version(SOURCE.source_id, bundled_files(), meta, accessed=ACCESSED, folder=folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=None, help="sources folder (default: ATLAS_SOURCES_DIR)")
    print(write(parser.parse_args().sources))


if __name__ == "__main__":
    main()
