"""The kr_law live source (extractors/kr_law): the bundled first version extracted to exact values, and fetches
from a loopback stand-in of law.go.kr's Open API (tests/live_server.py) serving the real recorded answers in
tests/fixtures/live/kr_law/ (see PROVENANCE.md there).

Three answers were recorded (the eflaw index: six versions; the elaw index; the text of MST 282791 effective
2026-01-22). Where a fetch asks for another version's text, the stand-in serves :func:`derived_text`: the real
text with only its 기본정보 header fields changed to name that version. Every other changed body (a newer
version, a renamed field, an error code, the server echoing the caller's OC) is derived from a real answer in the
test that uses it, which says so.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from live_server import Reply, StandIn

import schemas
from extractors.core import snapshots
from extractors.core.fetch import FetchError, Fetcher, SchemaDrift
from extractors.core.live import refresh
from extractors.core.snapshot_writer import read_status
from extractors.kr_law import SOURCE, bundle, lawxml
from extractors.kr_law.fetch import SEARCH_PATH, SERVICE_PATH, text_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "live" / "kr_law"
PREFIX = "EtonMu__global-ai-data-regulation-map__kr-ai-014820-"
INDEX = (FIXTURES / f"{PREFIX}effective-date-index-2026-07-20.xml").read_bytes()
ENGLISH = (FIXTURES / f"{PREFIX}english-reference-index-2026-07-20.xml").read_bytes()
TEXT = (FIXTURES / f"{PREFIX}current-effective-2026-07-20.xml").read_bytes()
OC = "atlas-dummy-oc"                      # a dummy user id: tests never reach law.go.kr
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
ACT = "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법"
DECREE = f"{ACT} 시행령"


def derived_text(row: lawxml.Row) -> bytes:
    """The real text of MST 282791 (2026-01-22) with its 기본정보 fields naming the version ``row`` instead."""
    body = TEXT.decode("utf-8")
    for field in ("법령ID", "공포일자", "공포번호", "시행일자", "법령명_한글"):
        key = field.replace("_", "")                        # 법령명_한글 in a text, 법령명한글 in the index
        pattern = re.compile(rf"(<{field}>(?:<!\[CDATA\[)?)[^<\]]*((?:\]\]>)?</{field}>)")
        body = pattern.sub(lambda m, v=row[key]: m.group(1) + v + m.group(2), body, count=1)
    return body.encode("utf-8")


def texts_to_serve(index: bytes, held: set[str]) -> list[Reply]:
    """The lawService.do replies a fetch asks for, in its order (text file names sorted): the real text for
    MST 282791 / 2026-01-22, a :func:`derived_text` for the others; versions already ``held`` are not asked."""
    rows = {text_file(r): r for r in lawxml.read_search(index, lawxml.INDEX_FIELDS).rows}
    return [Reply(body=TEXT if name == "text/014820/282791-20260122.xml" else derived_text(rows[name]))
            for name in sorted(rows) if name not in held]


def serve(api: StandIn, index: bytes = INDEX, held: set[str] | None = None) -> None:
    held = {"text/014820/282791-20260122.xml"} if held is None else held
    api.route(SEARCH_PATH, [Reply(body=index), Reply(body=ENGLISH)])
    api.route(SERVICE_PATH, texts_to_serve(index, held) or [Reply(status=404)])


@pytest.fixture
def sources(tmp_path, monkeypatch):
    folder = tmp_path / "sources"
    shutil.copytree(ROOT / "sources" / "kr_law" / "2026-12-05", folder / "kr_law" / "2026-12-05")
    (folder / "pins.yaml").write_text('kr_law: "2026-12-05"\n', encoding="utf-8")
    monkeypatch.setenv("ATLAS_SOURCES_DIR", str(folder))
    return folder


@pytest.fixture
def api(monkeypatch):
    with StandIn() as stand_in:
        monkeypatch.setenv("ATLAS_KR_LAW_URL", stand_in.url)
        monkeypatch.setenv("ATLAS_KR_LAW_OC", OC)
        yield stand_in


def fetcher(**changes) -> Fetcher:
    return Fetcher(dataclasses.replace(SOURCE.settings(), **changes), sleep=lambda _s: None)


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "fetch_status.yaml"}


def bundled():
    return SOURCE.extract(snapshots.load("kr_law", ROOT / "sources"))


# --- the bundled first version; then fetching ---------------------------------------------------------------
def test_bundled_mentions_and_the_decree_implementing_the_act():
    act, decree = bundled().rows["policy_mentions"]
    pick = ("source_locator", "context", "jurisdiction", "title_printed", "title_en", "identifier", "issued_printed",
            "issued_on", "issued_precision", "instrument_type", "status", "url", "text")
    assert {k: act[k] for k in pick} == {
        "source_locator": "index/eflaw.xml #/LawSearch/law[2]", "context": "record", "jurisdiction": "KR",
        "title_printed": ACT,
        "title_en": "FRAMEWORK ACT ON THE DEVELOPMENT OF ARTIFICIAL INTELLIGENCE AND THE CREATION OF A FOUNDATION "
                    "FOR TRUST",
        "identifier": "KR-LAW:014820", "issued_printed": "20250121", "issued_on": date(2025, 1, 21),
        "issued_precision": "day", "instrument_type": "law", "status": "adopted",
        "url": "https://www.law.go.kr/LSW/lsInfoP.do?lsiSeq=282791&efYd=20260122",
        "text": "법령약칭명: 인공지능기본법; 법령구분명: 법률; 소관부처명: 과학기술정보통신부"}
    assert {k: decree[k] for k in ("source_locator", "title_printed", "title_en", "identifier", "issued_printed",
                                   "instrument_type", "url")} == {
        "source_locator": "index/eflaw.xml #/LawSearch/law[6]", "title_printed": DECREE,
        "title_en": "ENFORCEMENT DECRFEE OF THE FRAMEWORK ACT ON THE DEVELOPMENT OF ARTIFICIAL INTELLIGENCE AND THE "
                    "CREATION OF A FOUNDATION FOR TRUST",      # the recorded typo, kept
        "identifier": "KR-LAW:015032", "issued_printed": "20260121", "instrument_type": "regulation",
        "url": "https://www.law.go.kr/LSW/lsInfoP.do?lsiSeq=282879&efYd=20260122"}
    (rel,) = bundled().rows["policy_relations"]           # the Decree's name: "<the Act's name> 시행령"
    assert (rel["policy_id"], rel["relation"], rel["related_policy_id"], rel["evidence"], rel["source_locator"]) == (
        decree["policy_id"], "implements", act["policy_id"], DECREE, "index/eflaw.xml #/LawSearch/law[6]")


def test_bundled_events_exact_values():
    ex = bundled()
    act, decree = (m["policy_id"] for m in ex.rows["policy_mentions"])
    rows = [(e["policy_id"] == act, e["event"], e["event_on"], e["event_printed"], e["scope"], e["related_identifier"],
             e["source_locator"]) for e in ex.rows["policy_events"]]
    law = "index/eflaw.xml #/LawSearch/law"
    text = "text/014820/282791-20260122.xml"
    later = [(True, "applies_from", date(2026, 7, 21), "20260721", s, None, f"{text} L18") for s in (
        "제3조제5항", "제6조제2항제7호", "제6조제2항제8호", "제17조의2", "제18조", "제22조의3", "제35조제1항 후단")]
    assert rows == [
        (True, "promulgated", date(2025, 1, 21), "20250121", None, None, f"{law}[4]"),
        (True, "entered_into_force", date(2026, 1, 22), "20260122", None, None, f"{law}[4]"),
        (True, "amended", date(2025, 10, 1), "20251001", None, "제21065호", f"{law}[3]"),
        (True, "amended", date(2026, 1, 20), "20260120", None, "제21311호", f"{law}[2]"),
        *later,
        (True, "applies_from", date(2026, 1, 24), "2026.1.24", "제2조제4호라목 중 디지털의료기기에 관한 부분", None,
         f"{text} L175"),
        (True, "applies_from", date(2026, 7, 21), "2026.7.21",
         "제16조제3항부터 제5항까지(제2항제2호의2의 개정규정에 관한 부분에 한정한다)", None, f"{text} L1056"),
        (False, "promulgated", date(2026, 1, 21), "20260121", None, None, f"{law}[6]"),
        (False, "entered_into_force", date(2026, 1, 22), "20260122", None, None, f"{law}[6]"),
        (False, "amended", date(2026, 7, 20), "20260720", None, "제36506호", f"{law}[5]"),
    ]
    texts = [e["text"] for e in ex.rows["policy_events"]]
    assert texts[:5] == [
        "공포일자 20250121, 공포번호 20676, 제개정구분명 제정, 시행일자 20260122",
        "시행일자 20260122 (연혁), 공포번호 20676",
        "공포일자 20251001, 공포번호 21065, 제개정구분명 타법개정, 시행일자 20260122",
        "공포일자 20260120, 공포번호 21311, 제개정구분명 일부개정, 시행일자 20260122, 20260721",
        "20260721:제3조제5항,제6조제2항제7호,제6조제2항제8호,제17조의2,제18조,제22조의3,제35조제1항 후단"]
    assert texts[11] == "[시행일: 2026.1.24] 제2조제4호라목 중 디지털의료기기에 관한 부분"
    assert ex.rows["quality_flags"] == []


def test_bundled_rows_fit_the_contract_and_pass_expectations():
    import pandas as pd

    from expectations import suites
    from warehouse import sources, staging

    ex = sources.extract(snapshots.load("kr_law", ROOT / "sources"))
    frames = {}
    for name in ("policy_mentions", "policy_events", "policy_relations"):
        table = schemas.table(name)
        staging.to_arrow(name, ex.rows[name])
        frames[name] = pd.DataFrame(ex.rows[name], columns=table.column_names)
    report = suites.validate_frames(frames)
    for name in frames:
        assert [e for e in report["tables"][name]["expectations"] if not e["success"]] == [], name
    src = ex.rows["sources"][0]
    assert (src["role"], src["publisher"], src["language"], src["non_commercial"]) == (
        "legal_record", "Ministry of Government Legislation (법제처), Korea", "ko", False)
    assert src["licence"].startswith("Not protected by copyright: Korean statutes") and "Article 7(1)" in src["licence"]


def test_the_bundle_script_rebuilds_the_version_byte_for_byte(tmp_path):
    path = bundle.bundle(folder=tmp_path)
    assert path.name == "2026-12-05" and tree(path) == tree(ROOT / "sources" / "kr_law" / "2026-12-05")


def test_without_the_user_id_the_fetch_fails_naming_the_variable(sources, api, monkeypatch):
    monkeypatch.delenv("ATLAS_KR_LAW_OC")
    before = tree(sources)
    with pytest.raises(FetchError, match=r"set the environment variable ATLAS_KR_LAW_OC"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert api.requests == [] and tree(sources) == before and "KR_LAW_OC" in read_status(sources)["kr_law"]["error"]


def test_refresh_asks_for_the_texts_it_lacks_and_records_no_user_id(sources, api):
    # the index as law.go.kr answers a caller: its 법령상세링크 echo the caller's OC (derived: test -> the dummy)
    echoed = INDEX.replace(b"OC=test&amp;", f"OC={OC}&amp;".encode())
    serve(api, echoed)
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.version, result.requests) == (True, "2026-12-07", 7)
    queries = [parse_qs(q) for p, q, _ in api.requests]
    assert all(q["OC"] == [OC] for q in queries)
    assert [(q["MST"][0], q["efYd"][0]) for q in queries[2:]] == [
        ("268543", "20260122"), ("276241", "20260122"), ("282791", "20260721"), ("282879", "20260122"),
        ("288145", "20260721")]
    snap = snapshots.load("kr_law", sources)
    assert len(snap.files) == 8
    assert all(OC not in p.read_text(encoding="utf-8", errors="replace") for p in sources.rglob("*") if p.is_file())
    entry = snap.file_entry("index/eflaw.xml")
    assert entry["url"].startswith(f"{api.url}/DRF/lawSearch.do?target=eflaw&type=XML&query=")
    assert entry["params"] == {"target": "eflaw", "type": "XML", "query": ACT, "display": "100"}
    assert entry["note"].endswith("the OC user id (ATLAS_KR_LAW_OC) is left out of the URL; law.go.kr echoed the OC "
                                  "user id 6 time(s), replaced by ATLAS_KR_LAW_OC")
    assert snap.file("index/eflaw.xml").read_bytes() == echoed.replace(OC.encode(), b"ATLAS_KR_LAW_OC")
    carried = snap.file_entry("text/014820/282791-20260122.xml")
    assert carried["retrieved_at"] == "2026-07-20" and snap.file("text/014820/282791-20260122.xml").read_bytes() == TEXT


def test_an_unchanged_upstream_writes_no_version(sources, api):
    serve(api)
    refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    before = tree(sources)
    api.route(SEARCH_PATH, [Reply(body=INDEX), Reply(body=ENGLISH)])
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.version, result.requests) == (False, "2026-12-07", 2)
    assert tree(sources) == before


def test_a_5xx_then_success_is_retried(sources, api):
    serve(api)
    api.route(SEARCH_PATH, [Reply(status=503), Reply(body=INDEX), Reply(body=ENGLISH)])
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert result.changed and result.requests == 8 and api.count(SEARCH_PATH) == 3


def test_errors_name_the_variable_never_the_user_id(sources, api):
    api.route(SEARCH_PATH, body=INDEX, delay=0.5)           # a timeout that persists: transient, then given up
    with pytest.raises(FetchError, match=r"ReadTimeout.*gave up after 2 attempts") as timeout:
        refresh(SOURCE, folder=sources, fetcher=fetcher(read_timeout=0.1, attempts=2), now=NOW)
    # a redirect off the allow-list: the fetcher's error names the requested URL, query and all
    api.route(SEARCH_PATH, status=302, headers={"Location": "https://open.law.go.kr/LSO/login.do"})
    with pytest.raises(FetchError) as err:
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert str(err.value).startswith(f"source kr_law: {api.url}/DRF/lawSearch.do?OC=ATLAS_KR_LAW_OC&target=eflaw&") \
        and "redirected to https://open.law.go.kr/LSO/login.do: host 'open.law.go.kr' is not" in str(err.value)
    assert OC not in str(err.value) + str(timeout.value) + read_status(sources)["kr_law"]["error"]
    assert [p.name for p in (sources / "kr_law").iterdir()] == ["2026-12-05"]


def test_a_renamed_field_is_schema_drift_naming_it(sources, api):
    drifted = INDEX.replace("공포번호>".encode(), b"promulgationNo>")    # derived: the real index, 공포번호 renamed
    api.route(SEARCH_PATH, body=drifted)
    before = tree(sources)
    with pytest.raises(SchemaDrift, match=r"index/eflaw\.xml: <law id='1'> has no <공포번호>"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert tree(sources) == before


def test_an_error_code_a_cut_body_a_missing_law_or_another_text_stop_the_fetch(sources, api):
    coded = INDEX.replace(b"<resultCode>00</resultCode><resultMsg>success</resultMsg>",
                          "<resultCode>99</resultCode><resultMsg>실패</resultMsg>".encode())   # derived
    api.route(SEARCH_PATH, body=coded)
    with pytest.raises(FetchError, match=r"resultCode 99: 실패"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    api.route(SEARCH_PATH, body=INDEX[:3000])                    # derived: the real index cut short
    with pytest.raises(FetchError, match=r"not the API's XML .*login page"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    no_decree = re.sub(rb'<law id="[56]">.*?</law>', b"", INDEX, flags=re.S)   # derived: the Decree's rows left out
    no_decree = no_decree.replace(b"<totalCnt>6</totalCnt>", b"<totalCnt>4</totalCnt>")
    api.route(SEARCH_PATH, [Reply(body=no_decree), Reply(body=ENGLISH)])
    with pytest.raises(FetchError, match=r"tracked law\(s\) 015032 are not in the eflaw search answers"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    api.route(SEARCH_PATH, [Reply(body=INDEX), Reply(body=ENGLISH)])
    api.route(SERVICE_PATH, body=TEXT)           # the real text of 282791 / 2026-01-22, asked for as 268543
    with pytest.raises(FetchError, match=r"asked for 법령ID 014820 공포번호 20676 시행일자 20260122; the answer is "
                                         r"법령ID 014820 공포번호 21311 시행일자 20260122"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert [p.name for p in (sources / "kr_law").iterdir()] == ["2026-12-05"]


def test_a_newer_version_of_the_act_makes_a_version_with_its_events(sources, api):
    serve(api)
    refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    # derived from the real index: a seventh row, a later partial amendment of the Act (Act No. 21500 promulgated
    # 2026-12-01, effective 2027-06-01, MST 290001), made from row 1 with those fields changed
    row = re.search(rb'<law id="1">.*?</law>', INDEX, flags=re.S).group(0).decode()
    for old, new in (('id="1"', 'id="7"'), ("282791", "290001"), ("20260120", "20261201"), ("21311", "21500"),
                     ("20260721", "20270601")):
        row = row.replace(old, new)
    newer = INDEX.replace(b"</LawSearch>", row.encode() + b"</LawSearch>").replace(
        b"<totalCnt>6</totalCnt>", b"<totalCnt>7</totalCnt>")
    held = {f["name"] for f in snapshots.load("kr_law", sources).files}
    serve(api, newer, held=held)
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.version, result.changed_files) == (
        True, "2026-12-07.2", ("index/eflaw.xml", "text/014820/290001-20270601.xml"))
    assert api.count(SERVICE_PATH) == 1
    ex = SOURCE.extract(snapshots.load("kr_law", sources))
    (new,) = [e for e in ex.rows["policy_events"] if e["related_identifier"] == "제21500호"]
    assert (new["event"], new["event_on"], new["source_locator"], new["text"]) == (
        "amended", date(2026, 12, 1), "index/eflaw.xml #/LawSearch/law[7]",
        "공포일자 20261201, 공포번호 21500, 제개정구분명 일부개정, 시행일자 20270601")
