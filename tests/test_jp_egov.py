"""The jp_egov live source (extractors/jp_egov): the bundled first version extracted to exact values, and fetches
from a loopback stand-in of the e-Gov law API v2 (tests/live_server.py) serving the real recorded answers in
tests/fixtures/live/jp_egov/ (see PROVENANCE.md there). A test that needs another body (a newer revision, a
renamed key, a repeal) derives it from a real answer and says so.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from live_server import Reply, StandIn

import schemas
from extractors.core import snapshots
from extractors.core.fetch import FetchError, Fetcher, SchemaDrift
from extractors.core.live import refresh
from extractors.core.snapshot_writer import RecordedFile, write_version
from extractors.jp_egov import SOURCE, bundle
from extractors.jp_egov.fetch import LAW_PATH, REVISIONS_PATH

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "live" / "jp_egov"
PREFIX = "EtonMu__global-ai-data-regulation-map__jp-ai-promotion-act-"
REVISIONS = (FIXTURES / f"{PREFIX}507AC0000000053-revisions-2026-07-20.json").read_bytes()
LAW = (FIXTURES / f"{PREFIX}507AC0000000053-current-2026-07-20.xml").read_bytes()
ENGLISH = (FIXTURES / f"{PREFIX}government-en-reference.xml").read_bytes()
LAW_ID = "507AC0000000053"
TITLE = "人工知能関連技術の研究開発及び活用の推進に関する法律"
TRANSLATION_PATH = "/en/laws/download/5066/06/r07Aa000530105en18.0.xml"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def sources(tmp_path, monkeypatch):
    folder = tmp_path / "sources"
    shutil.copytree(ROOT / "sources" / "jp_egov" / "2026-12-05", folder / "jp_egov" / "2026-12-05")
    (folder / "pins.yaml").write_text('jp_egov: "2026-12-05"\n', encoding="utf-8")
    monkeypatch.setenv("ATLAS_SOURCES_DIR", str(folder))
    return folder


@pytest.fixture
def api(monkeypatch):
    with StandIn() as stand_in:
        monkeypatch.setenv("ATLAS_JP_EGOV_URL", stand_in.url)
        stand_in.route(REVISIONS_PATH.format(law_id=LAW_ID), body=REVISIONS)
        stand_in.route(LAW_PATH.format(law_id=LAW_ID), body=LAW)
        stand_in.route(TRANSLATION_PATH, body=ENGLISH)
        yield stand_in


def fetcher() -> Fetcher:
    return Fetcher(SOURCE.settings(), sleep=lambda _s: None)


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "fetch_status.yaml"}


def bundled():
    return SOURCE.extract(snapshots.load("jp_egov", ROOT / "sources"))


def newer_revisions() -> bytes:
    """Derived from the real revisions JSON: a third revision in front, an amendment of the Act (law
    508AC0000000010, 令和八年法律第十号, promulgated 2026-05-20, in force from 2026-10-01), now CurrentEnforced."""
    data = json.loads(REVISIONS)
    new = dict(data["revisions"][0], law_revision_id=f"{LAW_ID}_20261001_508AC0000000010",
               amendment_promulgate_date="2026-05-20", amendment_enforcement_date="2026-10-01",
               amendment_law_id="508AC0000000010", amendment_law_num="令和八年法律第十号",
               amendment_law_title=f"{TITLE}の一部を改正する法律", mission="Partial")
    data["revisions"][0]["current_revision_status"] = "PreviousEnforced"
    data["revisions"].insert(0, new)
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


# --- the bundled first version -----------------------------------------------------------------------------


def test_bundled_mention_exact_values():
    (m,) = bundled().rows["policy_mentions"]
    assert {k: m[k] for k in ("source_locator", "context", "jurisdiction", "title_printed", "title_en", "identifier",
                              "issued_printed", "issued_on", "instrument_type", "status", "url", "text")} == {
        "source_locator": "revisions/507AC0000000053.json #/law_info", "context": "record", "jurisdiction": "JP",
        "title_printed": TITLE,
        "title_en": "Act on Promotion of Research and Development, and Utilization of Artificial Intelligence-related "
                    "Technology",
        "identifier": "JP-LAW:507AC0000000053", "issued_printed": "2025-06-04", "issued_on": date(2025, 6, 4),
        "instrument_type": "law", "status": "adopted", "url": "https://laws.e-gov.go.jp/law/507AC0000000053",
        "text": "law_num: 令和七年法律第五十三号; abbrev: ＡＩ法; category: 産業通則"}


def test_bundled_events_exact_values():
    ex = bundled()
    rows = [(e["event"], e["event_on"], e["event_printed"], e["scope"], e["text"], e["source_locator"])
            for e in ex.rows["policy_events"]]
    json_file = "revisions/507AC0000000053.json"
    assert rows == [
        ("promulgated", date(2025, 6, 4), "2025-06-04", None, "令和七年法律第五十三号",
         f"{json_file} #/law_info/promulgation_date"),
        ("entered_into_force", date(2025, 6, 4), "2025-06-04", None, "この法律は、公布の日から施行する。",
         f"{json_file} #/revisions/1/amendment_enforcement_date"),
        ("applies_from", date(2025, 9, 1), "2025-09-01", "第三章及び第四章並びに附則第三条及び第四条",
         "ただし、第三章及び第四章並びに附則第三条及び第四条の規定は、公布の日から起算して三月を超えない範囲内において"
         "政令で定める日から施行する。", f"{json_file} #/revisions/0/amendment_enforcement_date"),
    ]
    assert {e["policy_id"] for e in ex.rows["policy_events"]} == {ex.rows["policy_mentions"][0]["policy_id"]}
    assert ex.rows["quality_flags"] == [] and ex.rows["policy_relations"] == []


def test_bundled_rows_fit_the_contract_and_pass_expectations():
    import pandas as pd

    from expectations import suites
    from warehouse import sources, staging

    ex = sources.extract(snapshots.load("jp_egov", ROOT / "sources"))
    frames = {}
    for name in ("policy_mentions", "policy_events"):
        staging.to_arrow(name, ex.rows[name])
        frames[name] = pd.DataFrame(ex.rows[name], columns=schemas.table(name).column_names)
    report = suites.validate_frames(frames)
    for name in frames:
        assert [e for e in report["tables"][name]["expectations"] if not e["success"]] == [], name
    src = ex.rows["sources"][0]
    assert (src["role"], src["publisher"], src["language"], src["non_commercial"], src["file_count"]) == (
        "legal_record", "Digital Agency, Japan (e-Gov)", "ja", False, 3)
    assert "(Copyright Act of Japan, Article 13(i))" in src["licence"] and "Public Data License" in src["licence"]
    note = snapshots.load("jp_egov", ROOT / "sources").file_entry("translation/507AC0000000053.en.xml")["note"]
    assert note.startswith("the Japanese Law Translation Database System (Ministry of Justice), not an e-Gov answer")


def test_the_bundle_script_rebuilds_the_version_byte_for_byte(tmp_path):
    path = bundle.bundle(folder=tmp_path)
    assert path.name == "2026-12-05" and tree(path) == tree(ROOT / "sources" / "jp_egov" / "2026-12-05")


def test_a_repeal_status_gives_a_repealed_event_and_a_revoked_mention(tmp_path):
    # derived from the real revisions JSON: the current revision records a repeal on 2030-04-01
    data = json.loads(REVISIONS)
    data["revisions"][0].update(repeal_status="Repeal", repeal_date="2030-04-01")
    files = [RecordedFile(name="revisions/507AC0000000053.json", body=json.dumps(data, ensure_ascii=False).encode(),
                          url="derived in tests/test_jp_egov.py")]
    write_version("jp_egov", files, SOURCE.meta(), accessed=NOW, folder=tmp_path)
    ex = SOURCE.extract(snapshots.load("jp_egov", tmp_path))
    assert ex.rows["policy_mentions"][0]["status"] == "revoked"
    (end,) = [e for e in ex.rows["policy_events"] if e["event"] == "repealed"]
    assert (end["event_on"], end["text"], end["source_locator"]) == (
        date(2030, 4, 1), "repeal_status Repeal", "revisions/507AC0000000053.json #/revisions/0/repeal_date")
    assert ex.rows["policy_mentions"][0]["title_en"] is None          # no English reference in this version


# --- fetching ----------------------------------------------------------------------------------------------


def test_a_first_fetch_records_the_three_files(tmp_path, api, monkeypatch):
    monkeypatch.setenv("ATLAS_SOURCES_DIR", str(tmp_path))
    result = refresh(SOURCE, folder=tmp_path, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.version, result.requests) == (True, "2026-12-07", 3)
    assert [(p, q) for p, q, _ in api.requests] == [
        (REVISIONS_PATH.format(law_id=LAW_ID), ""), (LAW_PATH.format(law_id=LAW_ID), "asof=2025-09-01"),
        (TRANSLATION_PATH, "")]
    snap = snapshots.load("jp_egov", tmp_path)
    assert [snap.file(n).read_bytes() for n in ("revisions/507AC0000000053.json", "law/507AC0000000053.xml",
                                                "translation/507AC0000000053.en.xml")] == [REVISIONS, LAW, ENGLISH]
    assert snap.file_entry("law/507AC0000000053.xml")["note"] == (
        f"{TITLE} (令和七年法律第五十三号) as of revision 507AC0000000053_20250901_000000000000000")
    assert snap.file_entry("translation/507AC0000000053.en.xml")["url"] == api.url + TRANSLATION_PATH
    assert SOURCE.extract(snap).rows["policy_events"] == bundled().rows["policy_events"]


def test_an_unchanged_upstream_writes_no_version(sources, api):
    before = tree(sources)
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.version, result.requests) == (False, "2026-12-05", 1)
    assert "the change probe says" in result.message and tree(sources) == before


def test_a_5xx_then_success_is_retried(sources, api):
    api.route(REVISIONS_PATH.format(law_id=LAW_ID), [Reply(status=502), Reply(body=newer_revisions())])
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert result.changed and result.requests == 3 and api.count(REVISIONS_PATH.format(law_id=LAW_ID)) == 2


def test_a_renamed_key_is_schema_drift_naming_it(sources, api):
    renamed = REVISIONS.replace(b'"repeal_status"', b'"repealStatus"')      # derived: one key renamed
    assert renamed != REVISIONS
    api.route(REVISIONS_PATH.format(law_id=LAW_ID), body=renamed)
    before = tree(sources)
    with pytest.raises(SchemaDrift, match=r"revisions/507AC0000000053\.json: revisions\[0\] has no 'repeal_status' "
                                          r"key"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert tree(sources) == before


def test_the_xml_of_another_law_is_refused(sources, api):
    api.route(REVISIONS_PATH.format(law_id=LAW_ID), body=newer_revisions())
    api.route(LAW_PATH.format(law_id=LAW_ID), body=ENGLISH)     # a real XML whose LawNum is not the Act's
    with pytest.raises(FetchError, match=r"asked for 507AC0000000053 \(令和七年法律第五十三号\); "
                                         r"the XML is Act No\. 53 of June 4, 2025"):
        refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)


def test_a_newer_revision_makes_a_version_with_its_amended_event(sources, api):
    api.route(REVISIONS_PATH.format(law_id=LAW_ID), body=newer_revisions())
    result = refresh(SOURCE, folder=sources, fetcher=fetcher(), now=NOW)
    assert (result.changed, result.version, result.changed_files, result.requests) == (
        True, "2026-12-07", ("revisions/507AC0000000053.json",), 2)     # the XML served is the same; no translation
    assert api.requests[1][1] == "asof=2026-10-01"
    ex = SOURCE.extract(snapshots.load("jp_egov", sources))
    (amended,) = [e for e in ex.rows["policy_events"] if e["event"] == "amended"]
    assert (amended["event_on"], amended["related_identifier"], amended["source_locator"], amended["text"]) == (
        date(2026, 5, 20), "令和八年法律第十号",
        "revisions/507AC0000000053.json #/revisions/0/amendment_promulgate_date",
        f"{TITLE}の一部を改正する法律 (令和八年法律第十号), enforced from 2026-10-01")
    assert ex.rows["policy_mentions"][0]["source_locator"] == "revisions/507AC0000000053.json #/law_info"
    assert [e["event"] for e in ex.rows["policy_events"]] == ["promulgated", "entered_into_force", "applies_from",
                                                              "amended"]
