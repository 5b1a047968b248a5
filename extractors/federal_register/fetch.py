"""Fetching the Federal Register source: the files of one snapshot version.

A version holds, per tracked presidential document (``<n>`` is its document number, e.g. ``2023-24283``):

- ``documents/<n>.json``: ``GET /api/v1/documents/<n>.json`` (default fields), re-fetched on every fetch,
  because a revocation appears later in the *revoked* order's ``disposition_notes``. The request is
  conditional (the previous version's ETag / Last-Modified); a 304 carries the previous bytes over with
  their provenance. A document JSON without one of ``settings.yaml`` ``document_keys`` is schema drift.
- ``full_text/<n>.xml``: the full text (``full_text_xml_url``, ``/documents/full_text/xml/YYYY/MM/DD/<n>.xml``),
  fetched once, when a search first finds the document: a published text does not change (a correction is a
  document of its own). A full text already in the previous version is carried over without a request.

Tracked documents: those the previous version has (either file) plus those the searches find now
(:mod:`extractors.federal_register.search`); a document is never dropped. Before the searches, a cheap change
probe (``change_probe``) asks for the newest matching document: when the previous version already tracks it,
nothing new was published and the date-sliced searches are skipped. Every tracked document is re-read either
way (conditionally: a 304 costs no body), since a revocation shows up in the revoked order's notes; when no
file's fingerprint changed, refresh writes no snapshot.

:func:`fingerprint` leaves out of a document JSON what changes without the document changing (page-view
counts, the public-inspection PDF's cache-buster, the regulations.gov check time: ``settings.yaml``
``volatile``), so an upstream that changed only those writes no new version.
"""
from __future__ import annotations

import json
import logging
import re
from urllib.parse import urlsplit

from extractors.core.fetch import FetchError, Fetcher, Response, SchemaDrift
from extractors.core.snapshot_writer import RecordedFile, carried
from extractors.core.snapshots import Snapshot
from extractors.federal_register import fulltext, search
from extractors.federal_register.config import rules, settings

log = logging.getLogger(__name__)

DOCUMENT_PATH = "/api/v1/documents/{n}.json"
DOCUMENT_FILE = re.compile(r"^documents/(?P<n>[0-9A-Za-z-]+)\.json$")
FULL_TEXT_FILE = re.compile(r"^full_text/(?P<n>[0-9A-Za-z-]+)\.xml$")


def tracked(previous: Snapshot | None) -> dict[str, dict[str, str]]:
    """{document number: {"document": file name, "full_text": file name}} of the files the previous version
    holds (either may be absent); {} without a previous version."""
    out: dict[str, dict[str, str]] = {}
    for entry in previous.files if previous else ():
        for kind, pattern in (("document", DOCUMENT_FILE), ("full_text", FULL_TEXT_FILE)):
            m = pattern.match(entry["name"])
            if m:
                out.setdefault(m.group("n"), {})[kind] = entry["name"]
    return out



def check_document(resp: Response, number: str, keys: list[str]) -> dict:
    """The document JSON of ``number``. Raises FetchError (not JSON, another document) and SchemaDrift (not an
    object, a key of ``keys`` missing: names the field)."""
    data = resp.json()
    if not isinstance(data, dict):
        raise SchemaDrift(resp.source_id, resp.url, "schema drift: the document answer is not a JSON object")
    missing = [k for k in keys if k not in data]
    if missing:
        raise SchemaDrift(resp.source_id, resp.url, f"schema drift: the document JSON has no "
                          f"{', '.join(repr(k) for k in missing)} key (expected in every document)")
    if str(data["document_number"]) != number:
        raise FetchError(resp.source_id, resp.url, f"asked for document {number}, the answer is document "
                         f"{data['document_number']}")
    return data


def fetch_document(fetcher: Fetcher, number: str, previous: Snapshot | None, name: str | None,
                   note: str | None) -> tuple[RecordedFile, dict]:
    """(file, parsed JSON) of ``documents/<number>.json``: conditional on the previous file ``name`` when there
    is one; a 304 carries it over. Raises as :func:`check_document` and the fetcher."""
    entry = (previous.file_entry(name) if previous and name else None) or {}
    resp = fetcher.get(DOCUMENT_PATH.format(n=number), etag=entry.get("etag"),
                       last_modified=entry.get("last_modified"))
    keys = list(settings()["document_keys"])
    if resp.not_modified:
        file = carried(previous, name, etag=resp.etag)
        return file, json.loads(file.body.decode("utf-8-sig"))
    data = check_document(resp, number, keys)
    return resp.record(f"documents/{number}.json", note=note or entry.get("note")), data


def fetch_full_text(fetcher: Fetcher, number: str, url: str, note: str | None = None) -> RecordedFile:
    """``full_text/<number>.xml`` from the document's ``full_text_xml_url`` (its path, on the API base in use;
    the URL's host must be an allowed host). Raises FetchError for another host, XML that cannot be read, or a
    full text of another document (its ``FR Doc.`` line)."""
    sid = fetcher.settings.source_id
    parts = urlsplit(url)
    if parts.hostname not in fetcher.settings.allowed_hosts:
        raise FetchError(sid, url, f"full_text_xml_url host {parts.hostname!r} is not an allowed host; refused")
    resp = fetcher.get(parts.path + (f"?{parts.query}" if parts.query else ""))
    name = f"full_text/{number}.xml"
    r = rules()
    try:
        text = fulltext.read(resp.body, name, r["subtypes_by_element"], r["text_cues"])
    except fulltext.FullTextError as exc:
        raise FetchError(sid, resp.url, f"the full text cannot be read: {exc}") from exc
    if text.frdoc != number:
        raise FetchError(sid, resp.url, f"the full text is FR Doc. {text.frdoc}, not document {number}")
    return resp.record(name, note=note)


def probe_unchanged(fetcher: Fetcher, known: dict) -> bool:
    """True when, for every search term, the newest matching document is one the previous version tracks
    (``known``); False when one is new or the answer lists none."""
    for term in settings()["search"]["terms"]:
        newest = search.newest_match(fetcher, term, settings()["search"])
        if newest is None or str(newest["document_number"]) not in known:
            return False
        log.info("federal_register: newest match for %s is %s (%s), already tracked", term,
                 newest["document_number"], newest.get("publication_date"))
    return True


def fetch(fetcher: Fetcher, previous: Snapshot | None) -> list[RecordedFile] | None:
    """The complete file set of a new version (module docstring). Raises FetchError / SchemaDrift (naming
    source, URL and field); nothing is written by this function."""
    known = tracked(previous)
    if known and settings()["change_probe"] and probe_unchanged(fetcher, known):
        found = {}          # nothing new published: skip the searches, still re-read every tracked document
    else:
        found = search.search_all(fetcher, settings()["search"])
    files: list[RecordedFile] = []
    for number in sorted(set(known) | set(found)):
        have = known.get(number, {})
        note = f"found by the search {found[number]['found_by']}" if number in found else None
        doc_file, doc = fetch_document(fetcher, number, previous, have.get("document"), note)
        files.append(doc_file)
        if have.get("full_text"):
            files.append(carried(previous, have["full_text"]))
        elif number in found and doc.get("full_text_xml_url"):
            files.append(fetch_full_text(fetcher, number, doc["full_text_xml_url"], note))
    log.info("federal_register: %d documents tracked (%d found by the searches)", len(set(known) | set(found)),
             len(found))
    return files


def _drop(data: dict, dotted: str) -> None:
    *path, last = dotted.split(".")
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    if isinstance(data, dict):
        data.pop(last, None)


def fingerprint(name: str, body: bytes) -> bytes:
    """What decides whether ``name`` changed: for a document JSON, the JSON without the ``volatile`` parts
    (``settings.yaml``), keys sorted; other files (and a JSON that does not parse) as they are."""
    if not DOCUMENT_FILE.match(name):
        return body
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return body
    if not isinstance(data, dict):
        return body
    volatile = settings()["volatile"]
    for dotted in volatile["drop"]:
        _drop(data, dotted)
    for key in volatile["strip_query"]:
        if isinstance(data.get(key), str):
            data[key] = data[key].split("?", 1)[0]
    return json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
