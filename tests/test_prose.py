"""Policy mentions read from the running text, headings and slides of the real documents (extractors/report_text/prose).

Every test runs the real reading on the verified snapshots; nothing is mocked. Expected values were read by hand
from the snapshot text; the line numbers (1-based, ``snapshot.lines[n - 1]``) are cited next to them.
"""
from __future__ import annotations

import re

import pytest

from extractors.report_text import extract
from extractors.core import records
from extractors.report_text import prose
from extractors import resolve
from extractors.core import snapshots
SOURCES = {
    "000": "tier-2025-genai-global-economy",
    "001": "aigc-us-gb-kr-tw-2024",
    "002": "nstc-2024-ai-industry-law-report",
    "003": "moda-2025-ai-industry-programme",
    "004": "ipas-2025-genai-study-guide",
}
LOCATOR_RE = re.compile(r"^L(\d+)-(\d+)$")


@pytest.fixture(scope="module")
def prose_rows():
    """Per document: the rows prose.extract_mentions appends (mentions, relations, flags), read once."""
    out = {}
    for short, sid in SOURCES.items():
        ex = records.Extraction(source_id=sid)
        prose.extract_mentions(ex, snapshots.load(sid).lines, extract.load_prose_spec(sid))
        out[short] = ex
    return out


def _mentions(prose_rows, short: str, title: str) -> list[dict]:
    key = resolve.title_key(title)
    return [m for m in prose_rows[short].rows["policy_mentions"] if resolve.title_key(m["title"]) == key]


def _at(rows: list[dict], line: int) -> dict:
    hits = [m for m in rows if (r := LOCATOR_RE.match(m["source_locator"]))
            and int(r.group(1)) <= line <= int(r.group(2))]
    assert hits, f"no mention spanning line {line}: {[m['source_locator'] for m in rows]}"
    return hits[0]


# (document, title as printed without marks, jurisdiction, issued as printed, a line of the naming, context)
SAMPLE = [
    # 000 L675: 2023 年 10 月 30 日拜登對外發布第 14110 號《關於安全、可靠和值得信賴的人工智慧開發和使用的行政命令》
    ("000", "關於安全、可靠和值得信賴的人工智慧開發和使用的行政命令", "US", "2023 年 10 月 30 日", 675, "prose"),
    # 000 L673: heading ``#### 2. 關於安全、可靠和值得信賴的人工智慧開發和使用的行政命令``
    ("000", "關於安全、可靠和值得信賴的人工智慧開發和使用的行政命令", "US", None, 673, "heading"),
    # 000 L735: NSF於 2024年1月24日開始推動「國家 AI 研究資源試點計畫」
    ("000", "國家 AI 研究資源試點計畫", "US", "2024年1月24日", 735, "prose"),
    # 000 L1117: 2023 年 7 月 13 日,由國家網路資訊辦公室(以下簡稱網信辦)領頭,共 7 部門聯合發布《生成式...暫行辦法》
    ("000", "生成式人工智慧服務管理暫行辦法", "CN", "2023 年 7 月 13 日", 1117, "prose"),
    # 000 L1245: 韓國科技部在 2023 年 5 月公布「第 3 次國家高效能運算育成計畫 (2023~2027)」
    ("000", "第 3 次國家高效能運算育成計畫 (2023~2027)", "KR", "2023 年 5 月", 1245, "prose"),
    # 000 L1082: 「統合創新戰略2024」於2024年6月4日發布 (the date prints after the title)
    ("000", "統合創新戰略2024", "JP", "2024年6月4日", 1082, "prose"),
    # 000 L2416: 2024年7月,國科會預告《人工智慧基本法》草案
    ("000", "人工智慧基本法", "TW", "2024年7月", 2416, "prose"),
    # 000 L2178: 通用資料保護規則(General Data Protection Regulation, GDPR)和歐盟 AI 法案(EU AI Act)
    ("000", "通用資料保護規則", "EU", None, 2178, "prose"),
    # 000 L2422: 數位發展部正積極研擬人工智慧風險分級框 架 (a line-wrap space inside the instrument word)
    ("000", "人工智慧風險分級框 架", "TW", None, 2422, "prose"),
    # 001 L166-168: 英國政府於2021年發布《國家人工智慧戰略》(National AI Strategy)
    ("001", "國家人工智慧戰略", "GB", "2021年", 166, "prose"),
    # 001 L219-221: 「韓國\n人工智慧躍進」計劃在2024年投入 (a title wrapped over two lines, 計劃 after the mark)
    ("001", "「韓國人工智慧躍進」計劃", "KR", "2024年", 221, "prose"),
    # 001 L327: 英國的線上安全法(Online Safety Bill)
    ("001", "線上安全法", "GB", None, 327, "prose"),
    # 002 L190: - ▶ 行政院及所屬機關(構)使用生成式AI參考指引(112.10)  (ROC year.month on a slide)
    ("002", "行政院及所屬機關(構)使用生成式AI參考指引", "TW", "112.10", 190, "slide"),
    # 002 L391: OECD：人工智慧原則
    ("002", "人工智慧原則", "INT", None, 391, "slide"),
    # 002 L348 under the label 英國 (L347): 人工智慧國家戰略
    ("002", "人工智慧國家戰略", "GB", None, 348, "slide"),
    # 003 L66-68: 行政院在 2017 年 7 月也提出《臺灣 AI 行動計畫(2018-2021)》
    ("003", "臺灣 AI 行動計畫(2018-2021)", "TW", "2017 年 7 月", 68, "prose"),
    # 003 L693-695: 觀測日本經濟產業省於 2022 年即推動「中小企業導入 AI 指引」 (a foreign instrument in a TW plan)
    ("003", "中小企業導入 AI 指引", "JP", "2022 年", 693, "prose"),
    # 004 L1119: 《加州消費者隱私法案》(California Consumer Privacy Act, CCPA)
    ("004", "加州消費者隱私法案", "US", None, 1119, "prose"),
    # 004 L1119: 《一般資料保護規則》(General Data Protection Regulation, GDPR): no country printed (rules/prose.yaml
    # acronym_jurisdictions)
    ("004", "一般資料保護規則", "EU", None, 1119, "prose"),
]


@pytest.mark.parametrize("doc,title,juris,issued,line,context", SAMPLE)
def test_hand_checked_mentions(prose_rows, doc, title, juris, issued, line, context):
    rows = [m for m in _mentions(prose_rows, doc, title) if m["context"] == context]
    m = _at(rows, line)
    assert m["jurisdiction"] == juris
    assert m["issued_printed"] == issued
    assert m["policy_id"] == records.policy_id(juris, m["title"])


def test_issuer_is_the_subject(prose_rows):
    # 000 L1339: 韓國個資保護委員會(Personal Information Protection Commission, PIPC)於 2023 年 8 月發布《AI 時代...》
    m = _at(_mentions(prose_rows, "000", "AI 時代個資安全使用方針"), 1339)
    assert m["issuer_printed"] == "PIPC"
    # 002 L195: 核備證券期貨業公會修訂「新興科技資通安全自律規範」(111.9), listed under 金管會 as in force
    m = _at(_mentions(prose_rows, "002", "新興科技資通安全自律規範"), 195)
    assert (m["issuer_printed"], m["status"], m["issued_printed"]) == ("證券期貨業公會", "adopted", "111.9")


def test_planned_instrument_is_proposed(prose_rows):
    # 002 L203-205: 預計113年初公告或發布 / - ▶ 金融業運用AI指引
    m = _at(_mentions(prose_rows, "002", "金融業運用AI指引"), 205)
    assert m["status"] == "proposed"


def test_reference_list_gives_no_mentions(prose_rows):
    # 000 L2870 onwards is the reference list (参考文獻); e.g. L2986 cites the White House EO page.
    ref_start = next(i for i, line in enumerate(snapshots.load(SOURCES["000"]).lines, 1)
                     if re.match(r"^#+\s*[参參]考文獻", line))
    assert ref_start == 2870
    late = [m for m in prose_rows["000"].rows["policy_mentions"]
            if int(LOCATOR_RE.match(m["source_locator"]).group(1)) >= ref_start]
    assert late == []
    # 001 L341: [1]國家科學及技術委員會,「人工智慧(AI)推動現況與未來方向」 (the reference list) - nothing from L341 on
    assert all(int(LOCATOR_RE.match(m["source_locator"]).group(2)) < 341
               for m in prose_rows["001"].rows["policy_mentions"])


def test_footnote_citation_gives_no_mention(prose_rows):
    # 000 L695 (footnote 49, its number lost) cites the White House fact sheet on EO 14179
    lines = snapshots.load(SOURCES["000"]).lines
    assert lines[694].startswith("White House. 2025.")
    # the sentence around it (L689-697) runs across the page's footnotes, which are left out of its text
    around = _at(_mentions(prose_rows, "000", "國家 AI 研究資源試點計畫"), 695)
    assert around["source_locator"] == "L689-697"
    assert "Fact Sheet" not in around["text"] and "White House" not in around["text"]
    assert not any("Fact Sheet" in m["title"] for m in prose_rows["000"].rows["policy_mentions"])


def test_recommendation_is_not_a_mention(prose_rows):
    # 000 L2776: 此外,政府可設立 AI 專業培訓計畫 ... (the authors' recommendation, 第五章第二節)
    assert not _mentions(prose_rows, "000", "AI 專業培訓計畫")
    # 001 L325: 政府應盡速擬定全國通用的AI使用基本法 - but the same sentence's 歐盟 AI法案 is a real act
    assert not [m for m in prose_rows["001"].rows["policy_mentions"] if "基本法" in m["title"]]
    assert _at(_mentions(prose_rows, "001", "AI法案"), 325)["jurisdiction"] == "EU"


def test_reports_and_company_programmes_are_not_mentions(prose_rows):
    titles = {m["title"] for rows in prose_rows.values() for m in rows.rows["policy_mentions"]}
    # 000 L78: 「2024 年十大新興技術」 (a WEF report); 000 L1716: Japan Software Approach's 人型機器人開發計畫
    # (a company's plan); 003 L77: 《生成式 AI 的經濟潛力》研究報告 (McKinsey)
    for title in ("2024 年十大新興技術", "生成式 AI 的經濟潛力", "2024 年十大戰略技術趨勢"):
        assert not any(title in t for t in titles), title
    assert not any("人型機器人開發計畫" in t for t in titles)


def test_glued_footnote_number_stripped(prose_rows):
    # 000 L2316: 發布「金 融業網絡分離改善路線圖 1258,計畫... : the closing mark was lost and footnote 258 is glued
    m = _at(_mentions(prose_rows, "000", "金融業網絡分離改善路線圖"), 2316)
    assert m["title"] == "金 融業網絡分離改善路線圖"
    assert m["jurisdiction"] == "KR"
    assert prose._strip_glued_note("AI 法案12") == "AI 法案"
    assert prose._strip_glued_note("AI 法案³") == "AI 法案"
    assert prose._strip_glued_note("統合創新戰略 2024") == "統合創新戰略 2024"   # a year is part of a title


def test_revokes_relation(prose_rows):
    # 000 L685: 1月23日川普簽署第14179號行政命令「...」,撤銷拜登的14110號行政命令
    rels = [r for r in prose_rows["000"].rows["policy_relations"] if r["relation"] == "revokes"]
    assert len(rels) == 1
    rel = rels[0]
    assert rel["source_locator"] == "L685-685"
    assert rel["policy_id"] == records.policy_id("US", "第14179號行政命令")
    assert rel["related_policy_id"] == records.policy_id("US", "14110號行政命令")
    ids = {m["policy_id"] for m in prose_rows["000"].rows["policy_mentions"]}
    assert {rel["policy_id"], rel["related_policy_id"]} <= ids       # both sides are mentions


def test_resolved_revoked_and_merged(prose_rows):
    """Across documents, the reviewed aliases join the order's variant titles and the relation revokes it."""
    full = [extract.extract_source(snapshots.load(sid)) for sid in SOURCES.values()]   # tables and prose
    mentions = [m for ex in full for m in ex.rows["policy_mentions"]]
    relations = [r for ex in full for r in ex.rows["policy_relations"]]
    out = resolve.resolve(mentions, relations)
    eo = [p for p in out["policies"] if p["jurisdiction"] == "US" and "14110" in p["title"]]
    assert len(eo) == 1
    assert eo[0]["status"] == "revoked"
    assert eo[0]["source_count"] == 2                  # 000 and the 002 slide (L395)
    assert any(r["relation"] == "revokes" for r in out["policy_relations"])


def test_programme_names_itself(prose_rows):
    # 003 L1-5: 晶片驅動臺灣產業創新 / -AI產業應用與普及發展計畫 / (核定本) / 數位發展部 / 114年03月
    m = _mentions(prose_rows, "003", "晶片驅動臺灣產業創新-AI產業應用與普及發展計畫")
    assert len(m) == 1
    assert (m[0]["issuer_printed"], m[0]["issued_printed"], m[0]["context"]) == ("數位發展部", "114年03月", "heading")


def test_english_title_printed_next_to_the_chinese_one(prose_rows):
    # 001 L323: 歐盟訂定AI法案(Artificial Intelligence Act);
    #           《AIGC版權披露法案》(Generative AI Copyright Disclosure Act)
    assert _at(_mentions(prose_rows, "001", "AI法案"), 323)["title_en"] == "Artificial Intelligence Act"
    assert _at(_mentions(prose_rows, "001", "AIGC版權披露法案"), 323)["title_en"] == \
        "Generative AI Copyright Disclosure Act"
    # an acronym alone is not an English title: 000 L2478 「可信任生成式 AI 對話引擎(TAIDE)」計畫
    assert all(m["title_en"] is None for m in prose_rows["000"].rows["policy_mentions"] if "TAIDE" in m["title"])


def test_reference_list_mentions_are_labelled(prose_rows):
    # 004's 參考書目 (L1269-1283) lists the guidelines it is based on: named there, not discussed
    listed = [m for m in prose_rows["004"].rows["policy_mentions"] if m["context"] == "reference_list"]
    assert listed and all(1269 <= int(LOCATOR_RE.match(m["source_locator"]).group(1)) <= 1283 for m in listed)


def test_the_sentence_tells_bill_or_law(prose_rows):
    # 004 L1119: 符合現行的資料隱私保護規範，如…《加州消費者隱私法案》: listed among the rules in force, an act
    line = snapshots.load(SOURCES["004"]).lines[1119 - 1]
    assert "現行" in line.split("《加州消費者隱私法案》")[0]
    m = _at(_mentions(prose_rows, "004", "加州消費者隱私法案"), 1119)
    assert (m["instrument_type"], m["status"]) == ("law", "adopted")
    # 000 L2416: 國科會預告《人工智慧基本法》草案: the draft of a law is a bill
    assert "《人工智慧基本法》草案" in snapshots.load(SOURCES["000"]).lines[2416 - 1]
    m = _at(_mentions(prose_rows, "000", "人工智慧基本法"), 2416)
    assert (m["instrument_type"], m["status"]) == ("bill", "proposed")


def test_the_sentence_tells_funding(prose_rows):
    # extractors/core/rules/instrument_types.yaml ``context``: a programme money flows out of is funding
    # 000 L839: 19 億歐元來自數位歐洲計畫 (Digital European Programme)
    assert "19 億歐元來自數位歐洲計畫" in snapshots.load(SOURCES["000"]).lines[839 - 1]
    assert _at(_mentions(prose_rows, "000", "數位歐洲計畫"), 839)["instrument_type"] == "funding"
    # 001 L269: 數發部發起的AI領航推動計畫，透過補助及輔導機制
    line = snapshots.load(SOURCES["001"]).lines[269 - 1]
    assert "AI領航推動計畫，透過補助" in line
    assert _at(_mentions(prose_rows, "001", "AI領航推動計畫"), 269)["instrument_type"] == "funding"
    # the same line: 《晶片驅動臺灣產業創新方案》 … 規劃未來十年挹注3,000億元經費: a programme with a budget of its
    # own stays a programme
    assert "挹注3,000億元經費" in line
    assert _at(_mentions(prose_rows, "001", "晶片驅動臺灣產業創新方案"), 269)["instrument_type"] == "programme"


def test_eu_regulation_is_a_law_and_a_law_to_be_enacted_a_bill(prose_rows):
    # schemas/vocabularies/instrument_types.yaml: a regulation of the EU Parliament and Council is a law
    # 004 L1119 《一般資料保護規則》(General Data Protection Regulation, GDPR)
    assert _at(_mentions(prose_rows, "004", "一般資料保護規則"), 1119)["instrument_type"] == "law"
    # 000 L2646 韓國金融委員會將制定《數位金融安全法》: proposed, so the resolved policy is a bill
    assert "將制定《數位金融安全法》" in snapshots.load(SOURCES["000"]).lines[2646 - 1]
    m = _at(_mentions(prose_rows, "000", "數位金融安全法"), 2646)
    assert (m["instrument_type"], m["status"]) == ("law", "proposed")
    full = [extract.extract_source(snapshots.load(sid)) for sid in SOURCES.values()]   # tables and prose
    out = resolve.resolve([m for ex in full for m in ex.rows["policy_mentions"]],
                          [r for ex in full for r in ex.rows["policy_relations"]])
    policy = next(p for p in out["policies"] if p["title"] == "數位金融安全法")
    assert (policy["instrument_type"], policy["status"]) == ("bill", "proposed")


def test_context_rule_needs_a_pattern(tmp_path, monkeypatch):
    from extractors.core import normalise as nz
    from extractors.core.normalise import RulesError
    from extractors.report_text.prose import types

    text = (nz.RULES_DIR / "instrument_types.yaml").read_text(encoding="utf-8")
    broken = text.replace("- {type: funding, of: [programme, other], before: '來自\\s*$'}",
                          "- {type: funding, of: [programme, other]}")
    assert broken != text
    (tmp_path / "instrument_types.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.setattr(types, "rules_doc", lambda name: nz.rules_doc(name, tmp_path))
    types.context_rules.cache_clear()
    try:
        with pytest.raises(RulesError, match="context rule 1.*needs one of before, after, clause"):
            types.context_rules()
    finally:
        types.context_rules.cache_clear()


def test_a_name_after_its_kind_takes_the_kind(prose_rows):
    # instrument_types.yaml ``context``: 000 L989 培育計畫「マナビDX Quest」 names a programme
    assert "計畫「マナビDX Quest」" in snapshots.load(SOURCES["000"]).lines[989 - 1]
    assert _at(_mentions(prose_rows, "000", "マナビDX Quest"), 989)["instrument_type"] == "programme"
