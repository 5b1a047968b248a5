"""Fetching the kr_law source: the files of one snapshot version.

A version holds:

- ``index/eflaw.xml``: ``GET /DRF/lawSearch.do?OC=..&target=eflaw&type=XML&query=<law name>&display=100``, the
  effective-date index: one ``<law>`` per effective-date version of every law whose name matches (the Act's
  and its Enforcement Decree's); ``index/elaw.xml``: the same search with ``target=elaw`` (English names). Both
  are asked for on every fetch (settings ``searches``). An answer with another resultCode than ``00``, or more
  matches (totalCnt) than rows, stops the fetch; a ``<law>`` without a field the extraction reads is
  SchemaDrift naming it.
- ``text/<법령ID>/<MST>-<시행일자>.xml``: ``GET /DRF/lawService.do?OC=..&target=eflaw&MST=<법령일련번호>&efYd=
  <시행일자>&type=XML``, the text of each effective-date version of a tracked law (settings ``laws``). A
  version's text is fetched once, when the index first lists it, and carried over (bytes and provenance, no
  request) while the index lists it; its 기본정보 must name the law, promulgation number and effective date
  asked for (else FetchError: the API answered another version).

**The user id (OC).** Every request needs the registered user id of ``ATLAS_KR_LAW_OC`` (settings
``oc_variable``); without it the fetch fails naming the variable, before any request. It never reaches a
snapshot or an error message: the recorded URL and parameters leave it out, the ``OC=<id>`` law.go.kr echoes in
the answers' 법령상세링크 is replaced by ``OC=ATLAS_KR_LAW_OC`` (the one change made to a recorded body, stated in
the file's note), and a FetchError's URL and cause are rewritten the same way.

Nothing changed upstream: the same index answers and texts, so :func:`extractors.core.live.refresh` writes no
version (two requests per fetch then).
"""
from __future__ import annotations

import os
import re
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

from extractors.core.fetch import FetchError, Fetcher, Response, SchemaDrift, TransientFetchError
from extractors.core.snapshot_writer import RecordedFile, carried
from extractors.core.snapshots import Snapshot

from extractors.kr_law import config, lawxml
from extractors.kr_law.config import SOURCE_ID

SEARCH_PATH = "/DRF/lawSearch.do"
SERVICE_PATH = "/DRF/lawService.do"
TEXT_FILE = re.compile(r"^text/(?P<law>\d+)/(?P<mst>\d+)-(?P<efyd>\d{8})\.xml$")


def text_file(row: lawxml.Row) -> str:
    """``text/014820/282791-20260122.xml``: where a version's text is kept."""
    return f"text/{row['법령ID']}/{row['법령일련번호']}-{row['시행일자']}.xml"


def user_id(fetcher: Fetcher, settings: config.Settings) -> str:
    """The OC user id from the environment. Raises FetchError naming the variable when it is not set."""
    oc = os.environ.get(settings.oc_variable, "").strip()
    if not oc:
        raise FetchError(SOURCE_ID, fetcher.url(SEARCH_PATH), f"the law.go.kr Open API needs a registered user id "
                         f"(OC): set the environment variable {settings.oc_variable} (configuration, never "
                         f"committed; register at https://open.law.go.kr)")
    return oc


class Session:
    """Requests with the OC user id added, and everything recorded or raised with it taken out."""

    def __init__(self, fetcher: Fetcher, oc: str, variable: str):
        self.fetcher, self.oc, self.placeholder = fetcher, oc, variable
        self._echo = re.compile(rb"OC=" + re.escape(oc.encode()) + rb"(?=[&\"'<\s]|$)")

    def hide(self, text: str) -> str:
        """``text`` with ``OC=<user id>`` (as sent or URL-encoded) replaced by ``OC=<the variable's name>``."""
        for value in (self.oc, quote_plus(self.oc)):
            text = re.sub("OC=" + re.escape(value) + r"(?=[&\"'<\s]|$)", "OC=" + self.placeholder, text)
        return text

    def get(self, path: str, params: dict) -> Response:
        """GET ``path`` with ``OC`` first, then ``params``. Raises the fetcher's errors with the id hidden."""
        try:
            return self.fetcher.get(path, {"OC": self.oc, **params})
        except TransientFetchError as exc:
            raise TransientFetchError(exc.source_id, self.hide(exc.url), self.hide(exc.cause),
                                      exc.retry_after) from None
        except FetchError as exc:
            raise type(exc)(exc.source_id, self.hide(exc.url), self.hide(exc.cause)) from None

    def record(self, resp: Response, name: str, note: str) -> RecordedFile:
        """``resp`` as a file of the version, without the user id (module docstring)."""
        parts = urlsplit(resp.url)
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "OC"])
        body, echoed = self._echo.subn(b"OC=" + self.placeholder.encode(), resp.body)
        said = f"; law.go.kr echoed the OC user id {echoed} time(s), replaced by {self.placeholder}" if echoed else ""
        file = resp.record(name, note=f"{note}; the OC user id ({self.placeholder}) is left out of the URL{said}")
        return RecordedFile(name=file.name, body=body, url=urlunsplit(parts._replace(query=query)),
                            params={k: v for k, v in (resp.params or {}).items() if k != "OC"}, status=file.status,
                            etag=file.etag, last_modified=file.last_modified, media_type=file.media_type,
                            retrieved_at=file.retrieved_at, note=file.note)



def search(session: Session, s: config.Search, settings: config.Settings) -> tuple[RecordedFile, lawxml.Answer]:
    """One lawSearch.do answer, checked (module docstring). Raises FetchError or SchemaDrift."""
    resp = session.get(SEARCH_PATH, {"target": s.target, "type": "XML", "query": s.query,
                                     "display": str(settings.display)})
    url = session.hide(resp.url)
    required = lawxml.INDEX_FIELDS if s.target == "eflaw" else lawxml.ENGLISH_FIELDS
    try:
        answer = lawxml.read_search(resp.body, required)
    except lawxml.LawXmlError as exc:
        raise (SchemaDrift if exc.field else FetchError)(SOURCE_ID, url, f"{s.file}: {exc}") from exc
    if answer.result not in (None, "00"):
        raise FetchError(SOURCE_ID, url, f"resultCode {answer.result}: {answer.message}")
    if answer.total > len(answer.rows):
        raise FetchError(SOURCE_ID, url, f"the search matched {answer.total} versions and the answer holds "
                         f"{len(answer.rows)} (display={settings.display}); narrow the query in settings.yaml")
    note = f"lawSearch.do target={s.target} query {s.query!r}: {answer.total} matches"
    return session.record(resp, s.file, note), answer


def law_text(session: Session, row: lawxml.Row) -> RecordedFile:
    """The text of the version ``row`` of the eflaw index. Raises FetchError when the answer is not that
    version's text, SchemaDrift when its 기본정보 lacks a field."""
    resp = session.get(SERVICE_PATH, {"target": "eflaw", "MST": row["법령일련번호"], "efYd": row["시행일자"],
                                      "type": "XML"})
    url = session.hide(resp.url)
    try:
        text = lawxml.read_text(resp.body)
    except lawxml.LawXmlError as exc:
        raise (SchemaDrift if exc.field and exc.field != "기본정보" else FetchError)(SOURCE_ID, url, str(exc)) \
            from exc
    asked = (row["법령ID"], row["공포번호"], row["시행일자"])
    got = (text["법령ID"], text["공포번호"], text["시행일자"])
    if asked != got:
        raise FetchError(SOURCE_ID, url, "asked for 법령ID {} 공포번호 {} 시행일자 {}; the answer is 법령ID {} "
                         "공포번호 {} 시행일자 {}".format(*asked, *got))
    note = (f"text of {row['법령명한글']} ({row['법령구분명']} 제{row['공포번호']}호, {row['제개정구분명']}), "
            f"effective {row['시행일자']}")
    return session.record(resp, text_file(row), note)


def fetch(fetcher: Fetcher, previous: Snapshot | None) -> list[RecordedFile]:
    """The complete file set of a new version (module docstring). Raises FetchError (no OC, an error answer,
    a tracked law missing from the index, a text of another version) and SchemaDrift (a field missing)."""
    settings = config.load()
    session = Session(fetcher, user_id(fetcher, settings), settings.oc_variable)
    files, rows = [], {}
    for s in settings.searches:
        file, answer = search(session, s, settings)
        files.append(file)
        if s.target == "eflaw":
            rows.update({text_file(r): r for r in answer.rows if r["법령ID"] in settings.laws})
    found = {r["법령ID"] for r in rows.values()}
    missing = [law for law in settings.laws if law not in found]
    if missing:
        raise FetchError(SOURCE_ID, fetcher.url(SEARCH_PATH), f"tracked law(s) {', '.join(missing)} are not in "
                         f"the eflaw search answers; check the queries in settings.yaml")
    for name in sorted(rows):
        held = previous is not None and previous.file_entry(name) is not None
        files.append(carried(previous, name) if held else law_text(session, rows[name]))
    return files
