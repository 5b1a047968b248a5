"""The shared fetch layer and refresh (extractors/core/fetch.py, live.py, snapshot_writer.py), against a real HTTP
server on 127.0.0.1 (tests/live_server.py).

Every fault ends in a retry or a clear error naming source, URL and cause, and leaves the sources folder (every
version, the pins) byte-identical. The bodies are real: the Federal Register's answer for EO 14430
(tests/fixtures/live/fetch_layer/, see PROVENANCE.md there); a broken body is derived from it here.
"""
from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from extractors.core import snapshot_writer, snapshots
from extractors.core.fetch import USER_AGENT, Fetcher, FetchError, QuotaExceeded, SourceSettings, \
    TransientFetchError
from extractors.core.live import LiveSource, refresh
from extractors.core.records import Extraction
from live_server import Reply, StandIn

FIXTURES = Path(__file__).parent / "fixtures" / "live" / "fetch_layer"
DOC = "/api/v1/documents/2026-19417.json"
WHEN = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)


def _body() -> bytes:
    return (FIXTURES / "current-document.json").read_bytes()


def _settings(url: str, **kw) -> SourceSettings:
    defaults = dict(min_interval=0.0, backoff=0.01, max_backoff=0.05, read_timeout=1.0, connect_timeout=1.0,
                    attempts=3, max_retry_after=5.0)
    return SourceSettings("demo_api", url, ("127.0.0.1",), **{**defaults, **kw})


def _fetch_document(fetcher: Fetcher, previous) -> list:
    """A one-file live source: the EO document JSON, conditional on the previous version's ETag."""
    entry = previous.file_entry("document.json") if previous else None
    resp = fetcher.get(DOC, etag=(entry or {}).get("etag"))
    if resp.not_modified:
        return None
    resp.json()                       # a body that is not JSON fails here, before anything is written
    return [resp.record("document.json")]


def _source(tmp_path: Path) -> LiveSource:
    settings = tmp_path / "settings.yaml"
    settings.write_text("fetch: {base_url: 'http://127.0.0.1:9', allowed_hosts: [127.0.0.1]}\n"
                        "source: {title: Demo, publisher: Demo, language: en, licence: public domain, "
                        "role: legal_record, origin: test}\n", encoding="utf-8")
    return LiveSource("demo_api", settings, _fetch_document, lambda snap: Extraction(snap.source_id))


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != snapshot_writer.STATUS_FILE}


@pytest.fixture
def sources(tmp_path, monkeypatch) -> Path:
    """A sources folder holding one good version of demo_api (written by a first refresh)."""
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "pins.yaml").write_text("# pins\n", encoding="utf-8")
    monkeypatch.setenv("ATLAS_SOURCES_DIR", str(folder))
    with StandIn() as api:
        api.route(DOC, body=_body(), etag='"v1"')
        result = refresh(_source(tmp_path), folder=folder, fetcher=Fetcher(_settings(api.url)), now=WHEN)
    assert result.changed and result.version == "2026-12-05"
    return folder


def test_first_fetch_writes_a_pinned_version_with_provenance(sources):
    snap = snapshots.load("demo_api", sources)
    entry = snap.file_entry("document.json")
    assert entry["status"] == 200 and entry["etag"] == '"v1"' and entry["size_bytes"] == len(_body())
    assert entry["sha256"] == hashlib.sha256(_body()).hexdigest()
    assert entry["url"].endswith(DOC) and entry["url"].startswith("http://127.0.0.1:")
    assert snap.meta["licence"] == "public domain" and snap.meta["extractor"] == "demo_api"
    assert (snap.folder / "SHA256SUMS").read_text() == f"{entry['sha256']}  document.json\n"
    assert snapshots.pins(sources)["demo_api"] == "2026-12-05"


def _refresh(tmp_path, sources, replies, **settings):
    with StandIn() as api:
        api.route(DOC, replies)
        fetcher = Fetcher(_settings(api.url, **settings))
        try:
            return refresh(_source(tmp_path), folder=sources, fetcher=fetcher, now=WHEN), api
        except FetchError as exc:
            return exc, api


def test_500_then_success_is_retried(tmp_path, sources):
    changed = json.loads(_body())
    changed["disposition_notes"] = "Revoked by: EO 14999"          # derived here: upstream changed a note
    result, api = _refresh(tmp_path, sources, [Reply(status=500), Reply(body=json.dumps(changed).encode())])
    assert api.count(DOC) == 2
    assert result.changed and result.version == "2026-12-05.2" and result.changed_files == ("document.json",)
    assert snapshots.pins(sources)["demo_api"] == "2026-12-05.2"
    assert (sources / "demo_api" / "2026-12-05" / "document.json").read_bytes() == _body()   # never rewritten


def test_429_waits_as_long_as_retry_after_says(tmp_path, sources):
    before = _tree(sources)
    start = time.monotonic()
    result, api = _refresh(tmp_path, sources, [Reply(status=429, headers={"Retry-After": "1"}),
                                               Reply(body=_body(), etag='"v1"')])
    assert time.monotonic() - start >= 1.0 and api.count(DOC) == 2
    assert not result.changed and "upstream unchanged" in result.message
    assert _tree(sources) == before


@pytest.mark.parametrize("reply, settings, error, cause", [
    (Reply(status=429, headers={"Retry-After": "3600"}), {}, QuotaExceeded,
     "HTTP 429; Retry-After 3600 s is over the 5 s this source allows: not retried"),
    (Reply(body=_body(), delay=1.5), {"read_timeout": 0.5, "attempts": 2}, TransientFetchError, "ReadTimeout"),
    (Reply(body=_body(), truncate_to=100), {}, TransientFetchError, "body cut short"),
    (Reply(body=_body()), {"max_bytes": 1000}, FetchError, f"response of {len(_body())} bytes is over the "
                                                           f"1000-byte cap"),
    (Reply(body=_body()[:-40]), {}, FetchError, "response is not valid JSON"),
    (Reply(status=302, headers={"Location": "http://example.org/api/v1/documents/2026-19417.json"}), {},
     FetchError, "redirected to http://example.org/api/v1/documents/2026-19417.json: host 'example.org' is not in "
                 "the source's allow-list (127.0.0.1); refused"),
    (Reply(status=400, body=(FIXTURES / "invalid-cursor.json").read_bytes()), {}, FetchError,
     'HTTP 400: {"status":400,"message":"Invalid search_after_cursor token"}'),
], ids=["quota", "read timeout", "truncated", "oversized", "invalid json", "redirect off the allow-list",
        "bad request"])
def test_a_fault_is_a_clear_error_and_changes_nothing(tmp_path, sources, reply, settings, error, cause):
    before = _tree(sources)
    exc, api = _refresh(tmp_path, sources, [reply], **settings)
    assert type(exc) is error
    assert str(exc).startswith("source demo_api: http://127.0.0.1:") and cause in str(exc)
    assert api.count(DOC) == (settings.get("attempts", 3) if error is TransientFetchError else 1)
    assert _tree(sources) == before
    status = snapshot_writer.read_status(sources)["demo_api"]
    assert status["stale_since"] == "2026-12-05T09:00:00+00:00" and cause in status["error"]


def test_304_not_modified_writes_nothing(tmp_path, sources):
    before = _tree(sources)
    result, api = _refresh(tmp_path, sources, [Reply(body=_body(), etag='"v1"')])
    assert api.requests[-1][2]["If-None-Match"] == '"v1"'
    assert api.requests[-1][2]["User-Agent"] == USER_AGENT
    assert not result.changed and result.version == "2026-12-05"
    assert _tree(sources) == before
    assert "stale_since" not in snapshot_writer.read_status(sources)["demo_api"]


def test_a_success_after_a_failure_clears_the_stale_mark(tmp_path, sources):
    _refresh(tmp_path, sources, [Reply(status=503)], attempts=1)
    assert snapshot_writer.read_status(sources)["demo_api"]["stale_since"] == "2026-12-05T09:00:00+00:00"
    _refresh(tmp_path, sources, [Reply(body=_body(), etag='"v1"')])
    assert "stale_since" not in snapshot_writer.read_status(sources)["demo_api"]


def test_a_changed_version_is_refused_by_the_build(sources):
    (sources / "demo_api" / "2026-12-05" / "document.json").write_bytes(b"{}")
    with pytest.raises(snapshots.SnapshotError, match="recorded file demo_api/2026-12-05/document.json changed"):
        snapshots.load("demo_api", sources)


def test_the_base_url_comes_from_the_environment(monkeypatch):
    settings = SourceSettings("federal_register", "https://www.federalregister.gov", ("www.federalregister.gov",))
    assert settings.base() == "https://www.federalregister.gov"
    monkeypatch.setenv("ATLAS_FEDERAL_REGISTER_URL", "http://127.0.0.1:8123/")
    assert Fetcher(settings).url("/api/v1/documents.json") == "http://127.0.0.1:8123/api/v1/documents.json"
    assert settings.hosts() == {"www.federalregister.gov", "127.0.0.1"}


def test_tests_cannot_reach_beyond_loopback():
    """The session's guard (tests/conftest.py): a fetch aimed at the real API fails before any packet leaves."""
    settings = SourceSettings("federal_register", "https://www.federalregister.gov", ("www.federalregister.gov",),
                              attempts=1)
    with pytest.raises(TransientFetchError, match="tests may only contact loopback"):
        Fetcher(settings).get("/api/v1/documents.json")
