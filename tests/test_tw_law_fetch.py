"""Fetching tw_law from a stand-in MOJ on 127.0.0.1 (tests/live_server.py) serving dumps built from the real law
records (how, and what is derived: tests/test_tw_law.py's module docstring): both dumps kept byte for byte, the
change probes, a newer record, retries, a redirect, schema drift, a missing tracked law, the size cap, a law wanted
by name.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import shutil
import zipfile

import pytest

from extractors.core import snapshots
from extractors.core.fetch import Fetcher, FetchError, SchemaDrift
from extractors.core.live import refresh
from extractors.tw_law import SOURCE, config
from tests.live_server import Reply, StandIn
from test_tw_law import (IN_LAW_DUMP, IN_ORDER_DUMP, NOW, ROOT, UPDATE, dump_zip, events, law_zip, member,
                         order_zip, real, tree)

LAW_PATH, ORDER_PATH = "/api/Ch/Law/JSON", "/api/Ch/Order/JSON"


@pytest.fixture
def sources(tmp_path, monkeypatch):
    """A copy of the project's sources folder (with the bundled tw_law version) that the test may change."""
    folder = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", folder)
    monkeypatch.setenv("ATLAS_SOURCES_DIR", str(folder))
    return folder


@pytest.fixture
def api(monkeypatch):
    with StandIn() as server:
        monkeypatch.setenv("ATLAS_TW_LAW_URL", server.url)
        yield server


def serve(api: StandIn, law: bytes | None = None, order: bytes | None = None, *, etags: bool = False) -> None:
    api.route(LAW_PATH, body=law or law_zip(), etag='"law-1"' if etags else None)
    api.route(ORDER_PATH, body=order or order_zip(), etag='"order-1"' if etags else None)


def fetcher() -> Fetcher:
    return Fetcher(SOURCE.settings(), sleep=lambda seconds: None)


def settings_without_wanted_names() -> config.Settings:
    """The settings with only the laws tracked by pcode (the AI Basic Act, wanted by name, left out)."""
    s = config.load()
    return dataclasses.replace(s, laws=tuple(t for t in s.laws if t.pcode))





def test_refresh_keeps_each_tracked_law_of_both_dumps(sources, api):
    serve(api)
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    # the bundled laws have the same content: only the three laws the bundle lacks are new
    assert (result.changed, result.version, result.changed_files, result.requests) == (
        True, "2026-12-07", ("laws/D0080221.json", "laws/H0170143.json", "laws/L0020197.json"), 2)
    snap = snapshots.load("tw_law", sources)
    assert snapshots.pins(sources)["tw_law"] == "2026-12-07"
    assert sorted(e["name"] for e in snap.files) == sorted(f"laws/{p}.json" for p in IN_LAW_DUMP + IN_ORDER_DUMP)
    for p in IN_LAW_DUMP + IN_ORDER_DUMP:
        assert snap.file(f"laws/{p}.json").read_bytes() == real(p)
    entry = snap.file_entry("laws/H0170143.json")
    sha = entry["member_sha256"]
    assert {k: entry[k] for k in ("url", "status", "dump", "member", "update_date", "laws_index", "media_type")} == {
        "url": api.url + LAW_PATH, "status": 200, "dump": "law", "member": "ChLaw.json", "update_date": UPDATE,
        "laws_index": 2, "media_type": "application/json"}
    assert entry["note"] == (f"law H0170143 (國家語言發展法): the object Laws[2] of member ChLaw.json (sha256 {sha}, "
                             f"UpdateDate {UPDATE}) of the law dump, byte for byte")
    assert snap.file_entry("laws/A0030322.json")["url"] == api.url + ORDER_PATH
    ex = SOURCE.extract(snap)
    assert sorted(m["identifier"] for m in ex.rows["policy_mentions"]) == sorted(
        f"TW-LAW:{p}" for p in IN_LAW_DUMP + IN_ORDER_DUMP)


def test_an_unchanged_upstream_writes_no_version(sources, api):
    serve(api, etags=True)
    refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    before = tree(sources)
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    # the order dump answers 304; the law dump is read again (the AI Basic Act, wanted by name, is not in it)
    assert (result.changed, result.version, result.requests) == (False, "2026-12-07", 2)
    assert "every response is the same as version 2026-12-07" in result.message
    assert tree(sources) == before
    assert api.requests[-1][2].get("If-None-Match") == '"order-1"'
    assert api.requests[-2][2].get("If-None-Match") is None


def test_the_change_probe_stops_the_fetch_when_every_dump_is_unchanged(sources, api, monkeypatch):
    """With every tracked law known by pcode (the name-wanted AI Basic Act left out of the settings)."""
    patched = settings_without_wanted_names()
    monkeypatch.setattr(config, "load", lambda: patched)
    serve(api, etags=True)
    refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    before = tree(sources)
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.requests) == (False, 2)
    assert "the change probe says" in result.message and tree(sources) == before
    # without ETags, the same UpdateDate says it: the members are not walked, nothing is written
    serve(api, etags=False)
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert (result.changed, "the change probe says" in result.message) == (False, True)
    assert tree(sources) == before


def test_a_newer_version_of_a_tracked_law_writes_a_version_with_its_new_event(sources, api):
    """The newer 個人資料保護法 is derived from the real record: LawModifiedDate moved and a fifth history entry
    that copies entry 4's wording with another date and order number (not a real amendment). The order dump
    answers 304: its laws are carried over."""
    serve(api, etags=True)
    refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    law = json.loads(real("I0050021"))
    law["LawModifiedDate"] = "20251111"
    law["LawHistories"] += ("\r\n5.中華民國一百十四年十一月十一日總統華總一經字第 11400000000  號\r\n"
                            "  令修正公布第 48 條條文；並自公布日施行")
    newer = json.dumps(law, ensure_ascii=False, indent=2).encode()
    api.route(LAW_PATH, body=law_zip(update="2025/11/14 上午 12:00:00", I0050021=newer), etag='"law-2"')
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.version, result.changed_files) == (True, "2026-12-07.2", ("laws/I0050021.json",))
    snap = snapshots.load("tw_law", sources)
    assert snap.file("laws/I0050021.json").read_bytes() == newer
    assert snap.file_entry("laws/I0050021.json")["update_date"] == "2025/11/14 上午 12:00:00"
    kept = snap.file_entry("laws/A0030322.json")
    assert (kept["status"], kept["etag"], kept["update_date"], kept["dump"]) == (304, '"order-1"', UPDATE, "order")
    assert ("byte for byte; carried over from version 2026-12-07: the order dump was not modified (HTTP 304, "
            in kept["note"])
    assert snap.file("laws/A0030322.json").read_bytes() == real("A0030322")
    new = [e for e in events(SOURCE.extract(snap)) if "#/LawHistories/5/" in e[0]]
    assert new == [
        ("laws/I0050021.json #/LawHistories/5/1", "promulgated", dt.date(2025, 11, 11),
         "中華民國一百十四年十一月十一日", "第 48 條條文", None),
        ("laws/I0050021.json #/LawHistories/5/1", "amended", dt.date(2025, 11, 11), "中華民國一百十四年十一月十一日",
         "第 48 條條文", "總統華總一經字第 11400000000  號令"),
        ("laws/I0050021.json #/LawHistories/5/1", "entered_into_force", dt.date(2025, 11, 11),
         "中華民國一百十四年十一月十一日", "第 48 條條文", None)]


def test_a_5xx_and_a_cut_body_are_retried(sources, api):
    archive = law_zip()
    api.route(LAW_PATH, [Reply(status=503), Reply(body=archive, truncate_to=1000), Reply(body=archive)])
    api.route(ORDER_PATH, body=order_zip())
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.requests, api.count(LAW_PATH)) == (True, 4, 3)


def test_the_dump_path_may_redirect_to_the_file_on_the_same_host(sources, api):
    """kong0107/mojLawSplit downloads /api/data/chlaw.json.zip; a redirect there is followed."""
    api.route(LAW_PATH, status=302, headers={"Location": api.url + "/api/data/chlaw.json.zip"})
    api.route("/api/data/chlaw.json.zip", body=law_zip())
    api.route(ORDER_PATH, body=order_zip())
    refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    entry = snapshots.load("tw_law", sources).file_entry("laws/I0050021.json")
    assert entry["url"] == api.url + "/api/data/chlaw.json.zip"


def test_a_renamed_key_is_schema_drift_naming_it_and_nothing_is_written(sources, api):
    renamed = real("D0080226").replace(b'"LawHistories":', b'"LawHistory":', 1)       # derived from the real record
    assert renamed != real("D0080226")
    serve(api, law=law_zip(D0080226=renamed))
    before = tree(sources)
    with pytest.raises(SchemaDrift) as err:
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert str(err.value) == f"source tw_law: {api.url}{LAW_PATH}: Laws[1] (D0080226) has no 'LawHistories' key"
    assert tree(sources) == before


def test_a_member_without_update_date_or_the_member_itself_is_schema_drift(sources, api):
    no_date = member([real(p) for p in IN_LAW_DUMP]).replace(b'"UpdateDate"', b'"Updated"', 1)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("ChLaw.json", no_date)
    serve(api, law=buf.getvalue())
    with pytest.raises(SchemaDrift, match=r"member ChLaw\.json has no 'UpdateDate' key \(it has: Updated, Laws\)"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    serve(api, law=dump_zip("ChLaw.xml", [real("I0050021")]))
    with pytest.raises(SchemaDrift, match=r"the law dump has no member 'ChLaw\.json' \(it has: ChLaw\.xml\)"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)


def test_a_tracked_law_missing_from_the_dump_is_an_error(sources, api):
    serve(api, order=dump_zip("ChOrder.json", [real("A0030322"), real("L0020197")]))     # D0080221 left out
    with pytest.raises(FetchError, match=r"tracked law D0080221 \(擬參選人.*\) is not in the dump of UpdateDate "
                                         r"2024/10/11 上午 12:00:00"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)


def test_a_dump_over_its_cap_is_refused(sources, api, monkeypatch):
    s = config.load()
    small = dataclasses.replace(s, dumps={**s.dumps, "law": dataclasses.replace(s.dumps["law"], max_bytes=1000)})
    monkeypatch.setattr(config, "load", lambda: small)
    serve(api)
    with pytest.raises(FetchError, match=r"over the 1000-byte cap"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)


def test_a_law_wanted_by_name_is_found_by_its_law_name(sources, api, monkeypatch):
    """The settings with 國家語言發展法 wanted by name instead of by pcode (as the AI Basic Act is)."""
    s = config.load()
    by_name = tuple(config.Tracked(None, t.name, t.dump) if t.pcode == "H0170143" else t for t in s.laws)
    monkeypatch.setattr(config, "load", lambda: dataclasses.replace(s, laws=by_name))
    serve(api)
    refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    entry = snapshots.load("tw_law", sources).file_entry("laws/H0170143.json")
    assert entry["note"].startswith("law H0170143 (國家語言發展法), found by its LawName 國家語言發展法 (settings.yaml "
                                    "gives no pcode): the object Laws[2]")
