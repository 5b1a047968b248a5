"""For the people who use the data (issue 14, part A): what each source covers and as of when, the scope of each
instrument (AI or not, level, subdivision), the links the reports print, all on the real pinned snapshots."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import duckdb
import pytest

from extractors.core import coverage, snapshots
from extractors.report_text.prose import notes
from extractors.resolve import scope
from tests.helpers import build_release, release_env

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TIER, AIGC = "tier-2025-genai-global-economy", "aigc-us-gb-kr-tw-2024"


@pytest.fixture(scope="module")
def resolved(tmp_path_factory) -> dict[str, list[dict]]:
    """The resolved tables of every pinned snapshot (extract, combine, resolve: no validation, no release)."""
    import pyarrow.parquet as pq

    from warehouse import pipeline, storage

    with release_env(tmp_path_factory.mktemp("scope")):
        folders = [pipeline.extract(s, "scope") for s in pipeline.check_snapshots()]
        out = storage.path(pipeline.resolve(pipeline.combine(folders, "scope"), "scope"))    # a file:// URL
        return {n: pq.read_table(out / f"{n}.parquet").to_pylist()
                for n in ("sources", "policies", "policy_mentions", "quality_flags")}


# --- coverage -------------------------------------------------------------------------------------------------

def test_every_source_states_its_kind_coverage_and_as_of(resolved):
    got = {s["source_id"]: (s["role"], *(str(s[k]) for k in ("as_of", "coverage_start", "coverage_end")))
           for s in resolved["sources"]}
    assert got == {
        # documents: the last day of the publication period printed (2025-03 -> 2025-03-31; a year -> 12-31)
        "nstc-2024-ai-industry-law-report": ("report", "2024-01-24", "2021-08-01", "2023-10-01"),
        AIGC: ("report", "2024-12-31", "2020-01-01", "2024-01-01"),
        TIER: ("report", "2025-03-12", "2019-01-01", "2024-09-01"),
        "moda-2025-ai-industry-programme": ("report", "2025-03-31", "2017-07-01", "2025-03-01"),
        "ipas-2025-genai-study-guide": ("report", "2025-12-31", "2019-09-01", "2024-09-01"),
        # live: when the recorded answers were received upstream (retrieved_at), or the dump's release date
        "federal_register": ("legal_record", "2026-07-20", "2023-10-30", "2025-01-31"),
        "eur_lex": ("legal_record", "2026-10-03", "2024-06-13", "2026-08-02"),
        "kr_law": ("legal_record", "2026-07-20", "2025-01-21", "2026-07-20"),
        "jp_egov": ("legal_record", "2026-07-20", "2025-06-04", "2025-09-01"),
        "tw_law": ("legal_record", "2024-10-11", "1995-08-11", "2024-07-31"),
        "agora": ("registry", "2026-12-05", "2021-04-21", "2025-05-09"),
        # statistics: the years of its indicators
        "owid": ("statistics", "2025-05-25", "2013-01-01", "2024-12-31"),
    }
    by_id = {s["source_id"]: s for s in resolved["sources"]}
    assert by_id[AIGC]["coverage"] == (
        "An article on AIGC (GenAI) development in the US, the UK, South Korea and Taiwan: their policies in prose "
        "and market figures (Statista, Gartner ...), read in Chinese. "
        "Jurisdictions in its rows: EU, GB, KR, SE, TW, US, WLD.")   # SE: L72's Klarna saving (indicators)
    assert by_id["kr_law"]["coverage"].endswith("as law.go.kr records them. Jurisdictions in its rows: KR.")
    # the documents' origin names the seed file they came from; no url is invented for them
    assert all(by_id[s]["url"] is None and "seed document" in by_id[s]["origin"]
               and "shared/…" not in by_id[s]["origin"] for s in by_id if by_id[s]["kind"] == "document")


def test_a_stage_scheduled_after_as_of_is_not_coverage():
    """The rule on the Korean record's own dates: a stage after as_of does not extend coverage_end."""
    snap = snapshots.load("kr_law")
    rows = {"policy_events": [{"event_on": dt.date(2026, 1, 22)}, {"event_on": dt.date(2027, 1, 22)}],
            "policy_mentions": [{"issued_on": dt.date(2025, 1, 21)}]}
    as_of = coverage.as_of(snap.meta, snap.files)
    assert as_of == dt.date(2026, 7, 20)     # the files' retrieved_at, before the version's date_accessed
    assert coverage.coverage_dates(snap.meta, rows, as_of) == (dt.date(2025, 1, 21), dt.date(2026, 1, 22))
    assert coverage.coverage_dates({**snap.meta, "coverage_start": "2020-01-01"}, rows, as_of)[0] == \
        dt.date(2020, 1, 1)                  # stated in the metadata: kept


# --- scope ----------------------------------------------------------------------------------------------------

def test_general_laws_named_in_passing_are_not_ai_instruments(resolved):
    by_title = {(p["jurisdiction"], p["title"]): p for p in resolved["policies"]}
    general = [("JP", "刑法"), ("JP", "毒品取締法"), ("JP", "武器等製造法"), ("EU", "基本權利憲章"),
               ("EU", "一般資料保護規則"), ("US", "加州消費者隱私法案"), ("KR", "個人資料保護法"),
               ("TW", "個人資料保護法"), ("TW", "詐欺犯罪危害防制條例")]
    assert [by_title[k]["ai_instrument"] for k in general] == [False] * len(general)
    ai = [("TW", "人工智慧基本法"), ("EU", "AI 法案"), ("CN", "生成式人工智慧服務管理暫行辦法"),
          ("CN", "網路資訊服務深度合成管理規定"), ("CN", "網路資訊服務算法推薦管理規定"),
          ("KR", "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법"),
          ("JP", "人工知能関連技術の研究開発及び活用の推進に関する法律"), ("US", "California SB 53")]
    assert [by_title[k]["ai_instrument"] for k in ai] == [True] * len(ai)
    counts = {v: sum(p["ai_instrument"] is v for p in resolved["policies"]) for v in (True, False)}
    # 110/49 of 159 before issue 15 item 3: +3 AI-named (廣島 AI 進程, its guidelines, AI 與著作權相關觀點), +9 others,
    # -1 會議文件 (marked AI by its summary), -2 joined (DSS-L into DSS; 關於…「富岳 NEXT」的推進 and
    # 「富岳 NEXT」計畫); second round: +2 not AI-named (韓國科技部 2024 年政策實施計畫, 北京機器人產業發展投資基金);
    # third round: +2 not AI-named (臺灣杉, the computer, its AI in the sentence, not the name; 智慧國家推動小組)
    assert counts == {True: 112, False: 60} and len(resolved["policies"]) == 172


def test_city_and_state_instruments_are_subnational_with_their_iso_3166_2_code(resolved):
    sub = sorted((p["subdivision"], p["title"]) for p in resolved["policies"] if p["level"] == "subnational")
    assert sub == [
        ("TW-TPE", "臺北市政府使用人工智慧作業指引"),
        ("US-CA", "California SB 53"),
        ("US-CA", "Generative AI Guidelines"),                  # City of San Jose: its state's code
        ("US-CA", "Safe and Secure Innovation for Frontier Artificial Intelligence Models Act (SB 1047)"),
        ("US-CA", "加州消費者隱私法案"),
        ("US-CO", "An Act concerning consumer protections in interactions with artificial intelligence systems."),
    ]
    levels = {p["jurisdiction"]: p["level"] for p in resolved["policies"] if p["jurisdiction"] in ("INT", "EU")}
    assert levels == {"INT": "international", "EU": "supranational"}
    assert all(p["subdivision"] is None for p in resolved["policies"] if p["level"] != "subnational")


def test_the_ai_terms_rule():
    assert [scope.names_ai(t) for t in ("人工智慧基本法", "ＡＩ法", "生成式AI參考指引", "SAID Act", "刑法",
                                         "Machine Learning Practice", "인공지능기본법")] == \
        [True, True, True, False, False, True, True]


# --- links and names ------------------------------------------------------------------------------------------

def test_policies_take_the_links_the_reports_print_for_them(resolved):
    linked = {p["title"]: (p["url"], p["url_source"]) for p in resolved["policies"] if p["url"]}
    assert len(linked) == 35        # 18 before: live records only; + NDIF printed again (prose/again.py)
    assert linked["國家人工智慧戰略"] == (
        "https://www.gov.uk/government/publications/national-ai-strategy/national-ai-strategy-html-version",
        f"{AIGC} L365")                                      # [9]官方網站 after the clause naming it (L168)
    assert linked["貫徹實施〈國家標準化發展綱要〉行動計畫(2024 —2025年)"] == (
        "https://www.gov.cn/zhengce/zhengceku/202403/content_6942541.htm", f"{TIER} L1141")
    assert linked["高速電腦公私夥伴聯合計畫"] == ("https://eurohpc-ju.europa.eu/index_en", f"{TIER} L862")
    assert linked["第 14110 號行政命令"][1] == "federal_register full_text/2023-24283.xml L8"  # a legal record first
    # 001 L123-131: the marker [5] closes the clause naming SBIR and STTR, not the one naming the act before
    assert "人工智慧倡議法" not in linked and linked["小企業創新研究"][0] == "https://www.sbir.gov/about"
    # 41, then 42 before issue 15 item 3 (+ Horizon Europe, Connecting Europe Facility-2, Common European Data
    # Spaces, CitiVERSE EDIC, Hiroshima AI process)
    assert sum(p["title_en"] is not None for p in resolved["policies"]) == 47


def test_a_url_printed_with_a_space_is_flagged_not_guessed(resolved):
    unclear = sorted({(f["source_locator"], f["detail"].split(":")[0]) for f in resolved["quality_flags"]
                      if f["check_name"] == "url_unclear"})
    # 8 before issue 15 item 3, + L3026 歐洲共同資料空間, + L973 GENIAC (printed again at L959-961)
    assert ("L1123", "生成式人工智慧服務管理暫行辦法") in unclear and len(unclear) == 10
    cac = next(m for m in resolved["policy_mentions"] if m["source_locator"] == "表 3-7 L1184-1186")
    assert cac["url"] is None


def test_printed_urls_lose_only_the_conversions_escapes():
    """Real printed lines of document 000 (L1125, L2430) and 001 (L365)."""
    lines = snapshots.load(TIER).lines
    by_line = {n.line: n for n in notes.notes(lines)}
    assert by_line[1125].printed == "https://www.gov.cn/zhengce/zhengceku/ $^{202308}$ /content\\_6899527.htm"
    # the superscript and the spaces around it are conversion noise, the escaped underscore too
    assert by_line[1125].url == "https://www.gov.cn/zhengce/zhengceku/202308/content_6899527.htm"
    assert by_line[1123].url is None                         # "c 1690898327029107": a lost underscore or a wrap
    assert by_line[2430].url == ("https://www.fsc.gov.tw/ch/home.jsp?id=96&parentpath=0,2&mcustomize=news_view.jsp"
                                 "&dataserno=202406200001&dtable=News")
    aigc = {n.line: n for n in notes.notes(snapshots.load(AIGC).lines)}
    assert aigc[365].url.endswith("national-ai-strategy-html-version") and aigc[365].titles == ()


# --- the release: README query, manifest, data package ----------------------------------------------------------

def _readme_block(marker: str) -> str:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return next(b for b in re.findall(r"```sql\n(.*?)```", text, flags=re.S) if marker in b)


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    with release_env(tmp_path_factory.mktemp("coverage_release")):
        return build_release("coverage")


def test_readme_korea_query_answers_on_the_bundled_release(release):
    con = duckdb.connect(str(release / "atlas.duckdb"), read_only=True)
    rows = con.execute(_readme_block("p.jurisdiction = 'KR'")).fetchall()
    got = [(str(r[0]), r[1], r[2], str(r[3]) if r[3] else None, r[4], r[5], r[7]) for r in rows]
    assert got == KOREA
    coverage_rows = con.execute(_readme_block("FROM sources")).fetchall()
    assert [r[0] for r in coverage_rows][:2] == ["tw_law", "federal_register"]
    assert len(coverage_rows) == 12


def test_manifest_and_data_package_state_the_release_as_of(release):
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == {"latest": "2026-12-05", "reports": "2025-12-31", "live": "2026-12-05"}
    assert manifest["sources"][TIER]["as_of"] == "2025-03-12"
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert "Data as of 2026-12-05 (the last day any source speaks for; the secondary reports" in package["description"]
    tier = next(s for s in package["sources"] if "Source id: tier-2025" in s["description"])
    assert "Kind: report; covers 2019-01-01 to 2024-09-01; as of 2025-03-12." in tier["description"]


# README "Korea's AI laws": (issued_on, type, status and since when on 2026-06-01, level, title, source)
KOREA = [
    ("2024-05-31", "bill", "proposed", "2024-05-31", "national", "促進AI產業和確保可靠性之法案", TIER),
    ("2024-06-17", "bill", "proposed", "2024-06-17", "national", "發展 AI 並確保 AI 可信度之法案", TIER),
    ("2024-06-19", "bill", "proposed", None, "national", "促進 AI 產業和確保可靠性的法案", TIER),
    ("2024-06-19", "bill", "proposed", "2024-06-19", "national", "促進AI產業和確保可靠性的法案", TIER),
    ("2024-06-28", "bill", "proposed", "2024-06-28", "national", "AI 技術架構法案", TIER),
    ("2024-07-04", "bill", "proposed", "2024-07-04", "national", "AI 開發與利用法案", TIER),
    ("2025-01-21", "law", "partly_in_force", "2026-01-22", "national",
     "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법", "kr_law"),
    ("2026-01-21", "regulation", "in_force", "2026-01-22", "national",
     "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법 시행령", "kr_law"),
    ("None", "bill", "proposed", None, "national", "促進 AI 產業和建立可信賴 AI 架構法案", TIER),
]


def test_a_place_with_an_unknown_subdivision_code_is_a_rules_error(tmp_path, monkeypatch):
    from extractors.core import normalise as nz
    from extractors.core.config import read_yaml

    bad = tmp_path / "scope.yaml"
    bad.write_text("ai_terms: {words: [AI], acronyms: [AI]}\nai_registries: []\nplaces:\n  臺北市: TW-XXX\n",
                   encoding="utf-8")
    monkeypatch.setattr(nz, "rules_doc", lambda name: read_yaml(bad, nz.RulesError))
    scope._rules.cache_clear()
    try:
        with pytest.raises(nz.RulesError, match=r"scope\.yaml.*line 4.*'TW-XXX' is not an ISO 3166-2 subdivision"):
            scope.names_ai("AI")
    finally:
        scope._rules.cache_clear()
