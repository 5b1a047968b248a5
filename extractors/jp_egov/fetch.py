"""Fetching the jp_egov source: the files of one snapshot version.

Per tracked law (settings ``laws``; ``<id>`` its e-Gov law id, e.g. ``507AC0000000053``) a version holds:

- ``revisions/<id>.json``: ``GET /api/2/law_revisions/<id>``, asked for on every fetch. It is the change probe:
  when every tracked law's answer is byte for byte the previous version's, and that version holds the other
  files, nothing else is asked for and no version is written (one request per law). A missing key is
  SchemaDrift naming it (:func:`egov.read_revisions`).
- ``law/<id>.xml``: ``GET /api/2/law_file/xml/<id>?asof=<date>``, the law as in force on the enforcement date
  of its ``CurrentEnforced`` revision (a date that moves only with a new revision, so the request is the same
  until the law changes). Asked for when the revisions changed; its ``<LawNum>`` must be the revisions'
  ``law_num`` (else FetchError: another law).
- ``translation/<id>.en.xml``: the law's English reference XML from the Japanese Law Translation Database
  System (Ministry of Justice; settings ``translation``), **not an e-Gov answer**: its note says so. Asked for
  once, when the previous version lacks it; its Era/Year/Num must be the law's. With ``ATLAS_JP_EGOV_URL`` set
  (a stand-in), its path is asked for on that base instead, so a test never leaves 127.0.0.1.
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit

from extractors.core.fetch import FetchError, Fetcher, Response, SchemaDrift
from extractors.core.snapshot_writer import RecordedFile, carried
from extractors.core.snapshots import Snapshot

from extractors.jp_egov import config, egov
from extractors.jp_egov.config import SOURCE_ID

REVISIONS_PATH = "/api/2/law_revisions/{law_id}"
LAW_PATH = "/api/2/law_file/xml/{law_id}"
TRANSLATION_NOTE = ("the Japanese Law Translation Database System (Ministry of Justice), not an e-Gov answer: an "
                    "English reference translation without legal effect, Public Data License (Version 1.0)")


def _checked(resp: Response, read, what: str):
    try:
        return read(resp.body)
    except egov.EgovError as exc:
        raise (SchemaDrift if exc.field else FetchError)(SOURCE_ID, resp.url, f"{what}: {exc}") from exc



def law_xml(fetcher: Fetcher, law: config.Law, data: dict) -> RecordedFile:
    """``law/<id>.xml`` as of the current revision's enforcement date. Raises FetchError / SchemaDrift."""
    rev = data["revisions"][egov.current(data)]
    params = {"asof": rev["amendment_enforcement_date"]} if rev["amendment_enforcement_date"] else None
    resp = fetcher.get(LAW_PATH.format(law_id=law.law_id), params)
    read = _checked(resp, egov.read_law, law.law_file)
    if read.law_num != data["law_info"]["law_num"]:
        raise FetchError(SOURCE_ID, resp.url, f"asked for {law.law_id} ({data['law_info']['law_num']}); the XML "
                         f"is {read.law_num}")
    return resp.record(law.law_file, note=f"{read.title} ({read.law_num}) as of revision {rev['law_revision_id']}")


def translation(fetcher: Fetcher, law: config.Law, number: tuple[str, str, str]) -> RecordedFile:
    """``translation/<id>.en.xml`` (module docstring). Raises FetchError (another law) / SchemaDrift."""
    url = law.translation
    if os.environ.get(fetcher.settings.url_variable):
        url = fetcher.url(urlsplit(url).path)
    resp = fetcher.get(url)
    title, theirs = _checked(resp, egov.read_translation, law.translation_file)
    if theirs != number:
        raise FetchError(SOURCE_ID, resp.url, f"the English reference is of law {'/'.join(theirs)}, not "
                         f"{'/'.join(number)} ({law.law_id})")
    return resp.record(law.translation_file, note=f"{title}: {TRANSLATION_NOTE}")


def _same(previous: Snapshot | None, name: str, body: bytes) -> bool:
    return previous is not None and previous.file_entry(name) is not None and previous.file(name).read_bytes() == body


def fetch(fetcher: Fetcher, previous: Snapshot | None) -> list[RecordedFile] | None:
    """The complete file set of a new version, or None when the revisions of every tracked law are unchanged
    (module docstring). Raises FetchError and SchemaDrift naming source, URL and field."""
    files: list[RecordedFile] = []
    changed = False
    for law in config.load().laws:
        resp = fetcher.get(REVISIONS_PATH.format(law_id=law.law_id))
        data = _checked(resp, egov.read_revisions, law.revisions_file)
        if data["law_info"]["law_id"] != law.law_id:
            raise FetchError(SOURCE_ID, resp.url, f"asked for {law.law_id}; the answer is {data['law_info']['law_id']}")
        files.append(resp.record(law.revisions_file, note=f"revisions of {law.law_id} ({data['law_info']['law_num']})"))
        held = _same(previous, law.revisions_file, resp.body) and previous.file_entry(law.law_file) is not None
        changed |= not held
        files.append(carried(previous, law.law_file) if held else law_xml(fetcher, law, data))
        if law.translation and previous is not None and previous.file_entry(law.translation_file) is not None:
            files.append(carried(previous, law.translation_file))
        elif law.translation:
            changed = True
            files.append(translation(fetcher, law, egov.read_law(files[-1].body).number))
    return files if changed else None
