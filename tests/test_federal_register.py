"""The Federal Register live source (extractors/federal_register): search paging, the zero-match and bad-cursor
answers, document re-fetch with conditional requests, an unchanged upstream writing nothing, schema drift
leaving the sources untouched, and the extraction of the bundled full texts (EO 14148 revokes EO 14110).

Every request goes to a loopback stand-in (tests/live_server.py) serving the real recorded bodies in
tests/fixtures/live/federal_register/ (see PROVENANCE.md there). Where a test needs a body the API did not
give, it derives it from a recorded one here and says so.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from live_server import Reply, StandIn

from extractors.core import snapshots
from extractors.core.fetch import FetchError, Fetcher, SchemaDrift
from extractors.core.live import refresh
from extractors.core.snapshot_writer import RecordedFile, read_status, write_version
from extractors.federal_register import SOURCE, bundle, extract, fetch, notes, search
from extractors.federal_register.config import settings

FIXTURES = Path(__file__).parent / "fixtures" / "live" / "federal_register"
REAL_HOST = b"https://www.federalregister.gov"
DOC_PATH = "/api/v1/documents/2026-19417.json"
DOC_URL = "https://www.federalregister.gov/api/v1/documents/2026-19417.json"
SEARCHES = 10          # 1 term x 2 presidential document types x 5 publication-date windows (settings.yaml)
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


def recorded(name: str) -> bytes:
    return (FIXTURES / f"KalebCooper__swift-federal-register__{name}").read_bytes()


def on_stand_in(name: str, api: StandIn) -> bytes:
    """A recorded search page whose next_page_url is moved from www.federalregister.gov to the stand-in, so that
    following it stays on 127.0.0.1 (only the host changes; path and cursor are as recorded)."""
    return recorded(name).replace(REAL_HOST, api.url.encode())


@pytest.fixture
def api(monkeypatch):
    with StandIn() as stand_in:
        monkeypatch.setenv("ATLAS_FEDERAL_REGISTER_URL", stand_in.url)
        yield stand_in


def fetcher() -> Fetcher:
    return Fetcher(SOURCE.settings(), sleep=lambda _s: None)


def tree(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` but fetch_status.yaml (a failed attempt is recorded there)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "fetch_status.yaml"}


def track_eo_14430(folder: Path, etag: str | None = None) -> str:
    """Pin a version of the sources copy that tracks document 2026-19417 (EO 14430, the one document JSON
    recorded): its real response, as a fetch that recorded it would have kept it. Returns the version."""
    f = RecordedFile(name="documents/2026-19417.json", body=recorded("current-document.json"), url=DOC_URL,
                     status=200, etag=etag, media_type="application/json",
                     retrieved_at="2026-09-24T00:38:46+00:00", note="recorded by KalebCooper/swift-federal-register")
    return write_version("federal_register", [f], SOURCE.meta(), accessed=datetime(2026, 12, 6, tzinfo=timezone.utc),
                         folder=folder).name


# --- the search -------------------------------------------------------------------------------------------


def test_search_follows_next_page_url_across_two_pages(api):
    api.route(search.SEARCH_PATH, body=on_stand_in("presidential-page-one.json", api))
    # page two's next_page_url (page 3) is answered with the recorded zero-match body: the paging ends there
    api.route("/api/v1/documents", [Reply(body=on_stand_in("presidential-page-two.json", api)),
                                    Reply(body=recorded("search-terminal.json"))])
    params = search.search_params('"artificial intelligence"', "executive_order", {"gte": "2025-01-01"},
                                  settings()["search"])
    found = search.search_documents(fetcher(), params, 10000, "test")
    assert [r["document_number"] for r in found] == ["2026-19555", "2026-19554", "2026-19417", "2026-19416"]
    (path1, query1, _), (path2, query2, _), (path3, query3, _) = api.requests
    assert path1 == "/api/v1/documents.json"
    assert parse_qs(query1) == {
        "conditions[type][]": ["PRESDOCU"], "conditions[presidential_document_type][]": ["executive_order"],
        "conditions[term]": ['"artificial intelligence"'], "conditions[publication_date][gte]": ["2025-01-01"],
        "fields[]": ["document_number", "executive_order_number", "publication_date", "title", "type", "subtype",
                     "full_text_xml_url"],
        "per_page": ["1000"], "order": ["oldest"]}
    assert (path2, query2) == ("/api/v1/documents", "conditions%5Btype%5D%5B%5D=PRESDOCU&format=json&order=newest"
                               "&page=2&per_page=2&search_after_cursor=WzE3OTAxMjE2MDAwMDAsIjIwMjYtMTk1NTQiXQ")
    assert parse_qs(query3)["search_after_cursor"] == ["WzE3OTAwMzUyMDAwMDAsIjIwMjYtMTk0MTYiXQ"]


def test_a_zero_match_answer_without_results_is_no_documents(api):
    api.route(search.SEARCH_PATH, body=recorded("search-terminal.json"))
    assert search.search_documents(fetcher(), {}, 10000, "test") == []
    assert len(api.requests) == 1


def test_a_page_with_matches_but_no_results_key_is_schema_drift(api):
    page = json.loads(recorded("presidential-page-one.json"))
    del page["results"]                               # derived here: "count" 8582 but the results key gone
    api.route(search.SEARCH_PATH, body=json.dumps(page).encode())
    with pytest.raises(SchemaDrift) as err:
        search.search_documents(fetcher(), {}, 10000, "test")
    assert str(err.value) == (f"source federal_register: {api.url}{search.SEARCH_PATH}: schema drift: no 'results' "
                              f"key in a search answer with count 8582")


def test_an_invalid_cursor_is_a_clear_fetch_error(api):
    api.route(search.SEARCH_PATH, body=on_stand_in("presidential-page-one.json", api))
    api.route("/api/v1/documents", status=400, body=recorded("invalid-cursor.json"))
    with pytest.raises(FetchError) as err:
        search.search_documents(fetcher(), {}, 10000, "test")
    assert str(err.value) == (
        f"source federal_register: {api.url}/api/v1/documents?conditions%5Btype%5D%5B%5D=PRESDOCU&format=json"
        f"&order=newest&page=2&per_page=2&search_after_cursor=WzE3OTAxMjE2MDAwMDAsIjIwMjYtMTk1NTQiXQ: the API "
        f"refused the paging cursor (HTTP 400: {{\"status\":400,\"message\":\"Invalid search_after_cursor "
        f"token\"}}); the search test must start again from its first page")


def test_a_next_page_off_the_api_base_is_refused(api):
    api.route(search.SEARCH_PATH, body=recorded("presidential-page-one.json"))   # next_page_url as recorded
    with pytest.raises(FetchError, match=r"next_page_url https://www\.federalregister\.gov/api/v1/documents\?\S+ "
                                         r"is not on the API base in use \(http://127\.0\.0\.1:\d+\); refused"):
        search.search_documents(fetcher(), {}, 10000, "test")
    assert len(api.requests) == 1


def test_a_search_at_the_api_cap_asks_for_a_narrower_window(api):
    api.route(search.SEARCH_PATH, body=on_stand_in("presidential-page-one.json", api))   # "count": 8582
    with pytest.raises(FetchError, match="the search test matches 8582 documents, the API's cap of 8582: results "
                                         "past the cap are silently dropped; split its publication-date window"):
        search.search_documents(fetcher(), {}, 8582, "test")


def test_corrections_without_an_eo_number_are_skipped_and_counted():
    results = json.loads(recorded("executive-order.json"))["results"]
    assert search.executive_orders(results, "u", "federal_register") == ([], 2)
    del results[1]["executive_order_number"]          # derived here: the key missing from a result
    with pytest.raises(SchemaDrift, match=r"results\[1\] \(C1-2013-20465\) has no 'executive_order_number' key"):
        search.executive_orders(results, "u", "federal_register")


# --- fetch and refresh ------------------------------------------------------------------------------------


def test_refresh_refetches_tracked_documents_and_writes_nothing_when_unchanged(api, sources_copy):
    version = track_eo_14430(sources_copy)
    api.route(search.SEARCH_PATH, body=recorded("search-terminal.json"))    # the probe and every search: none
    api.route(DOC_PATH, body=recorded("current-document.json"), etag='"v1"')
    before = tree(sources_copy)
    result = refresh(SOURCE, folder=sources_copy, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.version, result.requests) == (False, version, 1 + SEARCHES + 1)
    assert result.message == (f"federal_register: upstream unchanged (every response is the same as version "
                              f"{version}); no snapshot written (12 requests)")
    assert api.count(DOC_PATH) == 1 and "If-None-Match" not in api.requests[-1][2]
    assert tree(sources_copy) == before


def test_a_304_carries_the_document_over(api, sources_copy):
    version = track_eo_14430(sources_copy, etag='"v1"')
    api.route(search.SEARCH_PATH, body=recorded("search-terminal.json"))
    api.route(DOC_PATH, body=recorded("current-document.json"), etag='"v1"')
    files = fetch.fetch(fetcher(), snapshots.load("federal_register", sources_copy))
    assert api.requests[-1][2]["If-None-Match"] == '"v1"'
    assert [(f.name, f.body == recorded("current-document.json"), f.url, f.etag) for f in files] == [
        ("documents/2026-19417.json", True, DOC_URL, '"v1"')]
    assert refresh(SOURCE, folder=sources_copy, fetcher=fetcher(), now=NOW).version == version


def test_volatile_fields_do_not_make_a_version_but_a_disposition_note_does(api, sources_copy):
    version = track_eo_14430(sources_copy)
    api.route(search.SEARCH_PATH, body=recorded("search-terminal.json"))
    real = recorded("current-document.json")
    # derived here: the same document with more page views and another public-inspection cache-buster
    viewed = real.replace(b'"count":458', b'"count":9001').replace(b".pdf?1790003710", b".pdf?1795000000")
    api.route(DOC_PATH, body=viewed)
    before = tree(sources_copy)
    assert refresh(SOURCE, folder=sources_copy, fetcher=fetcher(), now=NOW).changed is False
    assert tree(sources_copy) == before
    # derived here: the note the Office of the Federal Register adds when an order is revoked (format of
    # rules.yaml note_labels); EO 14999 is no real order
    revoked = viewed.replace(b'"disposition_notes":"See:', b'"disposition_notes":"Revoked by: EO 14999, '
                             b'November 2, 2026\\nSee:')
    api.route(DOC_PATH, body=revoked)
    result = refresh(SOURCE, folder=sources_copy, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.version, result.changed_files) == (True, "2026-12-07",
                                                                      ("documents/2026-19417.json",))
    assert version != result.version
    ex = extract.extract(snapshots.load("federal_register", sources_copy))
    assert [m["status"] for m in ex.rows["policy_mentions"]] == ["revoked"]
    assert ex.rows["policy_relations"] == []
    assert [(f["check_name"], f["detail"], f["source_locator"]) for f in ex.rows["quality_flags"]] == [
        ("untracked_related_documents", "'revokes' stated for 1 document(s) this source does not track, so no "
         "policy_relations rows: EO 14999", "documents/2026-19417.json #/disposition_notes")]


def test_schema_drift_names_the_field_and_leaves_the_sources_untouched(api, sources_copy):
    track_eo_14430(sources_copy)
    api.route(search.SEARCH_PATH, body=recorded("search-terminal.json"))
    data = json.loads(recorded("current-document.json"))
    del data["executive_order_number"]                # derived here: the key renamed away upstream
    api.route(DOC_PATH, body=json.dumps(data).encode())
    before = tree(sources_copy)
    with pytest.raises(SchemaDrift) as err:
        refresh(SOURCE, folder=sources_copy, fetcher=fetcher(), now=NOW)
    message = (f"source federal_register: {api.url}{DOC_PATH}: schema drift: the document JSON has no "
               f"'executive_order_number' key (expected in every document)")
    assert str(err.value) == message
    assert tree(sources_copy) == before
    assert read_status(sources_copy)["federal_register"]["error"] == message


def test_the_change_probe_skips_the_searches_but_rereads_tracked_documents(api, sources_copy):
    version = track_eo_14430(sources_copy, etag='"e1"')
    api.route(search.SEARCH_PATH, body=recorded("presidential-page-two.json"))   # newest listed: 2026-19417
    api.route("/api/v1/documents/2026-19417.json", body=recorded("current-document.json"), etag='"e1"')
    result = refresh(SOURCE, folder=sources_copy, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.version, result.requests) == (False, version, 2)
    assert "upstream unchanged" in result.message
    assert parse_qs(api.requests[0][1])["order"] == ["newest"]
    assert api.requests[1][0] == "/api/v1/documents/2026-19417.json" and api.requests[1][2]["If-None-Match"] == '"e1"'



def test_full_text_is_fetched_from_its_path_and_checked(api):
    path = "/documents/full_text/xml/2025/01/28/2025-01901.xml"
    body = (FIXTURES / "EtonMu__global-ai-data-regulation-map__us-eo-14148-2025-01901.xml").read_bytes()
    api.route(path, body=body, headers={"Content-Type": "text/xml"})
    url = "https://www.federalregister.gov" + path
    f = fetch.fetch_full_text(fetcher(), "2025-01901", url, note="n")
    assert (f.name, f.body, f.url, f.media_type, f.note) == ("full_text/2025-01901.xml", body, api.url + path,
                                                             "text/xml", "n")
    with pytest.raises(FetchError, match="the full text is FR Doc. 2025-01901, not document 2025-02172"):
        fetch.fetch_full_text(fetcher(), "2025-02172", url)
    with pytest.raises(FetchError, match="full_text_xml_url host 'example.org' is not an allowed host"):
        fetch.fetch_full_text(fetcher(), "2025-01901", "https://example.org" + path)


# --- extraction ---------------------------------------------------------------------------------------------


def test_bundled_full_texts_give_three_orders_and_14148_revokes_14110():
    ex = extract.extract(snapshots.load("federal_register"))
    rows = {m["identifier"]: m for m in ex.rows["policy_mentions"]}
    assert {k: (m["title_printed"], m["issued_on"].isoformat(), m["issuer_printed"], m["text"], m["status"],
                m["instrument_type"], m["source_locator"], m["url"]) for k, m in rows.items()} == {
        "EO 14110": ("Safe, Secure, and Trustworthy Development and Use of Artificial Intelligence", "2023-10-30",
                     "The President", "Executive Order 14110 of October 30, 2023 (88 FR 75191)", "adopted",
                     "executive_order", "full_text/2023-24283.xml L8",
                     "https://www.federalregister.gov/documents/full_text/xml/2023/11/01/2023-24283.xml"),
        "EO 14148": ("Initial Rescissions of Harmful Executive Orders and Actions", "2025-01-20", None,
                     "Executive Order 14148 of January 20, 2025 (90 FR 8237)", "adopted", "executive_order",
                     "full_text/2025-01901.xml L4",
                     "https://www.federalregister.gov/documents/full_text/xml/2025/01/28/2025-01901.xml"),
        "EO 14179": ("Removing Barriers to American Leadership in Artificial Intelligence", "2025-01-23",
                     "The President", "Executive Order 14179 of January 23, 2025 (90 FR 8741)", "adopted",
                     "executive_order", "full_text/2025-02172.xml L8",
                     "https://www.federalregister.gov/documents/full_text/xml/2025/01/31/2025-02172.xml")}
    assert {m["context"] for m in rows.values()} == {"record"} and {m["jurisdiction"] for m in rows.values()} == {"US"}
    (rel,) = ex.rows["policy_relations"]
    assert (rel["policy_id"], rel["relation"], rel["related_policy_id"], rel["source_locator"]) == (
        rows["EO 14148"]["policy_id"], "revokes", rows["EO 14110"]["policy_id"], "full_text/2025-01901.xml L87")
    assert rel["evidence"] == ("Sec. 2. Revocation of Orders and Actions. The following executive actions are "
                               "hereby revoked: (ggg) Executive Order 14110 of October 30, 2023 (Safe, Secure, and "
                               "Trustworthy Development and Use of Artificial Intelligence).")
    (flag,) = ex.rows["quality_flags"]
    assert (flag["check_name"], flag["severity"], flag["record_key"], flag["source_locator"]) == (
        "untracked_related_documents", "info", rows["EO 14148"]["mention_id"], "full_text/2025-01901.xml L14")
    assert flag["detail"].startswith("'revokes' stated for 77 document(s) this source does not track, so no "
                                     "policy_relations rows: EO 13985, EO 13986, EO 13987,")
    assert flag["detail"].count("EO 1") == 66 and flag["detail"].count("Presidential Memorandum of") == 11
    assert "EO 14110" not in flag["detail"] and "EO 14007, EO 14008" in flag["detail"]


def test_document_json_gives_the_mention_and_a_see_note_is_no_relation(sources_copy):
    track_eo_14430(sources_copy)
    ex = extract.extract(snapshots.load("federal_register", sources_copy))
    (m,) = ex.rows["policy_mentions"]
    assert (m["identifier"], m["title_printed"], m["issued_printed"], m["issuer_printed"], m["text"], m["url"],
            m["status"], m["source_locator"]) == (
        "EO 14430", "Restoring American Saltwater Angling and Recreation", "2026-09-17",
        "Executive Office of the President", "Saltwater Angling and Recreation, U.S.; Restoration Efforts (EO 14430)",
        "https://www.federalregister.gov/documents/2026/09/22/2026-19417/restoring-american-saltwater-angling-and-"
        "recreation", "adopted", "documents/2026-19417.json")
    assert ex.rows["policy_relations"] == [] and ex.rows["quality_flags"] == []
    assert notes.read_notes("See: EO 14313, July 3, 2025; EO 14276, April 17, 2025", "14430", "x") == ([], [])


def test_fingerprint_ignores_only_the_volatile_fields():
    real = recorded("current-document.json")
    name = "documents/2026-19417.json"
    # derived here: page views, the regulations.gov check time and the cache-buster changed; then the title
    volatile = (real.replace(b'"count":458', b'"count":9001').replace(b"08:13:47Z", b"09:00:00Z")
                .replace(b".pdf?1790003710", b".pdf?1795000000"))
    assert fetch.fingerprint(name, volatile) == fetch.fingerprint(name, real)
    assert fetch.fingerprint(name, real.replace(b"Saltwater Angling", b"Angling")) != fetch.fingerprint(name, real)
    assert fetch.fingerprint("full_text/2025-01901.xml", b"<x/>") == b"<x/>"


def test_the_bundled_version_is_rebuilt_byte_for_byte(tmp_path):
    built = bundle.bundle(folder=tmp_path)
    committed = snapshots.sources_dir() / "federal_register" / "2026-12-05"
    assert built.name == "2026-12-05"
    assert tree(built) == tree(committed)
    assert sorted(tree(built)) == ["SHA256SUMS", "full_text/2023-24283.xml", "full_text/2025-01901.xml",
                                   "full_text/2025-02172.xml", "origin.yaml"]
