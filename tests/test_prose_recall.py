"""Policy recall in running text (issue 15 item 3): the kinds of naming ``rules/prose.yaml`` reads beyond a title
ending with an instrument word, each checked on the real snapshot text of document 000 (tier-2025-genai-global-
economy) with the line it is printed on. Every assertion is on the real extraction; no text is invented."""
from __future__ import annotations

import re

import pytest

from extractors import resolve
from extractors.core import records, snapshots
from extractors.report_text import extract, prose
from extractors.report_text.prose.candidates import _english_head
from extractors.report_text.prose.rules import rules

S000 = "tier-2025-genai-global-economy"


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return snapshots.load(S000).lines


@pytest.fixture(scope="module")
def mentions(lines) -> list[dict]:
    """The prose mentions of document 000 (prose.extract_mentions alone: no tables)."""
    ex = records.Extraction(source_id=S000)
    prose.extract_mentions(ex, lines, extract.load_prose_spec(S000))
    return ex.rows["policy_mentions"]


@pytest.fixture(scope="module")
def full() -> records.Extraction:
    """Document 000 as the pipeline reads it: tables and prose."""
    return extract.extract_source(snapshots.load(S000))


def _row(mentions: list[dict], locator: str, title: str) -> tuple:
    hits = [m for m in mentions if m["source_locator"] == locator and m["title"] == title]
    assert len(hits) == 1, [(m["source_locator"], m["title"]) for m in mentions if m["title"] == title]
    m = hits[0]
    return m["jurisdiction"], m["title_printed"], m["title_en"], m["issuer_printed"]


def test_funds_and_consortia_named_with_their_english_name(lines, mentions):
    # L839: 19 億歐元來自數位歐洲計畫 (Digital European Programme);900 萬歐元來自展望歐洲 (Horizon Europe);200 萬
    #       來自第二期連結歐洲設施基金 (Connecting Europe Facility-2)   (sentence L833-839)
    assert "900 萬歐元來自展望歐洲 (Horizon Europe)" in lines[839 - 1]
    # a funding source: no instrument word in either name, the amount it gives says what it is (funding_source)
    assert _row(mentions, "L833-839", "展望歐洲") == ("EU", "展望歐洲", "Horizon Europe", None)
    # Facility with its phase number (english_heads, the trailing -2 set aside)
    assert _row(mentions, "L833-839", "第二期連結歐洲設施基金") == (
        "EU", "第二期連結歐洲設施基金", "Connecting Europe Facility-2", None)
    # L893: 歐盟將加速部署歐洲共同資料空間(Common European Data Spaces): the verbs before the name are cut
    assert "加速部署歐洲共同資料空間(Common European Data Spaces)" in lines[893 - 1]
    assert _row(mentions, "L893-893", "歐洲共同資料空間") == (
        "EU", "歐洲共同資料空間", "Common European Data Spaces", None)
    # L910-916: …二個數位基礎設施聯盟 (European Digital Infrastructure Consortium, EDIC)分別為語言技術聯盟 (Alliance
    #           for Language Technologies, ALT-EDIC)和都市宇宙聯盟(CitiVERSE EDIC): EDICs are public consortia
    assert "都市宇宙聯盟(CitiVERSE EDIC)" in lines[916 - 1]
    assert _row(mentions, "L910-916", "語言技術聯盟") == ("EU", "語言技術聯盟", None, None)
    assert _row(mentions, "L910-916", "都市宇宙聯盟") == ("EU", "都市宇宙聯盟", "CitiVERSE EDIC", None)
    # the kind (二個數位基礎設施聯盟) is a quantity, not a name
    assert not [m for m in mentions if "數位基礎設施聯盟" in m["title"]]


def test_english_heads_and_consortia():
    assert [_english_head(e) for e in ("Connecting Europe Facility-2", "Common European Data Spaces",
                                       "Alliance for Language Technologies, ALT-EDIC", "CitiVERSE EDIC",
                                       "Horizon Europe", "Information-technology Promotion Agency, IPA")] == \
        [True, True, True, True, False, False]
    assert rules().funding_source.search("元,其中大部分為歐盟的長期預算,19 億歐元來自")
    assert not rules().funding_source.search("透過")


def test_a_japanese_original_name_tells_the_kind(lines, mentions):
    # L957: …應用在後 5G 情報通信系統基礎建設強化研究開發事業(ポスト 5G 情報通信システム基盤強化研究開発事業)
    assert "研究開發事業(ポスト 5G 情報通信システム基盤強化研究開発事業)" in lines[957 - 1]
    jur, printed, _, _ = _row(mentions, "L957-957", "後 5G 情報通信系統基礎建設強化研究開發事業")
    assert (jur, printed) == ("JP", "後 5G 情報通信系統基礎建設強化研究開發事業")
    # L1082: 統合創新戰略(統合イノベーション戦略)是…: the rendering already ends with 戰略 (the yearly series, its
    # edition is 「統合創新戰略2024」 on the same line): not read again from the bracket
    assert "統合創新戰略(統合イノベーション戦略)" in lines[1082 - 1]
    assert [m["title"] for m in mentions if m["source_locator"] == "L1082-1082"] == ["統合創新戰略2024"]


def test_names_given_in_marks_by_the_words_around_them(lines, mentions):
    # L989: 在經濟產業省提供的數位推動人才培育計畫「マナビDX Quest」中: a programme named after its kind
    assert "人才培育計畫「マナビDX Quest」" in lines[989 - 1]
    assert _row(mentions, "L989-989", "マナビDX Quest") == ("JP", "「マナビDX Quest」", None, "經濟產業省")
    # L985: 在經濟產業省及獨立行政法人資訊處理推進機構(…, IPA)運營的「マナビ DX」平台上: a platform a ministry runs
    assert "IPA)運營的「マナビ DX」平台" in lines[985 - 1]
    assert _row(mentions, "L985-985", "マナビ DX") == ("JP", "「マナビ DX」", None, "經濟產業省")
    # company platforms stay out: 騰訊廣告…推出 AI 廣告創意平台「妙思互動」, 百度…AI 藝術創作平台「文心一格」
    assert not [m for m in mentions if m["title"] in ("妙思互動", "文心一格", "騰訊元器")]
    # L1096: …和文化審議會著作權分科會制度小委員會的「AI 與著作權相關觀點」: a view with its issuing body
    assert "小委員會的「AI 與著作權相關觀點」" in lines[1096 - 1]
    assert _row(mentions, "L1096-1096", "AI 與著作權相關觀點") == (
        "JP", "「AI 與著作權相關觀點」", None, "文化審議會著作權分科會制度小委員會")
    # L1149: 加速實施「東數西算」工程 (工程 after the marks belongs to the name; 內蒙古 earlier is China, not MN)
    assert "「東數西算」工程" in lines[1149 - 1] and "內蒙古" in lines[1149 - 1]
    assert _row(mentions, "L1149-1149", "「東數西算」工程") == ("CN", "「東數西算」工程", None, None)


def test_a_g7_process_is_international_wherever_japan_presents_it(lines, mentions):
    # L1024: 在 2023 年廣島 G7 峰會中,各國領袖同意成立一個稱為「廣島 AI 進程」(Hiroshima AI process)的政府間論壇
    # (一個稱為「…」 names it: not an indefinite naming); 進程 is an instrument word inside marks
    assert "一個稱為「廣島 AI 進程」(Hiroshima AI process)" in lines[1024 - 1]
    assert _row(mentions, "L1024-1024", "廣島 AI 進程") == ("INT", "「廣島 AI 進程」", "Hiroshima AI process", "G7")
    # L2768: 我國可以借鏡日本提出「廣島 AI 進程」…: Japan presents it, the document gave it its convener before
    assert "日本提出「廣島 AI 進程」" in lines[2768 - 1]
    assert _row(mentions, "L2768-2768", "廣島 AI 進程")[0] == "INT"
    assert {m["jurisdiction"] for m in mentions if m["title"] == "廣島 AI 進程"} == {"INT"}
    # L1024: …11 項基於廣島進程國際先進 AI 系統組織指南討論中: a name after 基於, followed by 討論
    assert _row(mentions, "L1024-1024", "廣島進程國際先進 AI 系統組織指南")[:2] == (
        "JP", "廣島進程國際先進 AI 系統組織指南")


def test_a_meeting_s_papers_are_not_an_instrument(lines, full):
    # 表 3-7 L1209-1210: 中共中央政治局會議 | 2023 年 4月28日 | 會議文件: a meeting, flagged and not a row
    assert lines[1210 - 1].split("\t")[3] == "會議文件"
    assert not [m for m in full.rows["policy_mentions"] if m["source_locator"].startswith("表 3-7 L1209")]
    assert not [e for e in full.rows["policy_events"] if e["source_locator"].startswith("表 3-7 L1209")]
    flag = [f for f in full.rows["quality_flags"] if f["check_name"] == "not_instrument"
            and f["source_locator"] == "表 3-7 L1209-1210"]
    assert len(flag) == 1 and "會議文件" in flag[0]["detail"]
    assert rules().meeting_records.search("會議文件") and not rules().meeting_records.search("會議文件及其決議")


def test_a_one_letter_part_of_an_acronym_names_the_same_standard(full):
    # L979 「數位技能標準 (DSS)」的修正 and L981 「數位轉型素養標準 (DSS-L)」 (DSS-L: the literacy part of DSS)
    out = resolve.resolve(full.rows["policy_mentions"], full.rows["policy_relations"], overrides=[])
    dss = [p for p in out["policies"] if re.search(r"\(DSS(?:-L)?\)", p["title"])]
    assert [(p["jurisdiction"], p["title"]) for p in dss] == [("JP", "數位技能標準 (DSS)")]
    titles = {m["title"] for m in out["policy_mentions"] if m["policy_id"] == dss[0]["policy_id"]}
    # and L965/L969's 數位技能標準, printed before L979 gives the name (prose/mentions.py _named_later)
    assert titles == {"數位技能標準 (DSS)", "數位轉型素養標準 (DSS-L)", "數位技能標準"}


def test_a_quoted_name_and_a_document_about_it_are_one_instrument(lines, full):
    # L995 heading: …次世代算力「富岳 NEXT」計畫;
    # 表 3-4 L1014: 文部科學省 | 2024 年 8 月 | 關於次世代運算基盤「富岳 NEXT」的 推進
    assert lines[995 - 1].endswith("「富岳 NEXT」計畫") and "「富岳 NEXT」的 推進" in lines[1014 - 1]
    out = resolve.resolve(full.rows["policy_mentions"], full.rows["policy_relations"], overrides=[])
    fugaku = [p for p in out["policies"] if "富岳 NEXT" in p["title"]]
    assert [p["title"] for p in fugaku] == ["關於次世代運算基盤「富岳 NEXT」的推進"]     # the table row's title leads
    titles = {m["title"] for m in out["policy_mentions"] if m["policy_id"] == fugaku[0]["policy_id"]}
    # rule 1g: the successor of 富岳 the prose names (L997 「富岳」後繼機型, L1003 printed again) is 富岳 NEXT
    assert titles == {"「富岳 NEXT」計畫", "關於次世代運算基盤「富岳 NEXT」的推進", "「富岳」後繼機型", "富岳後繼機型",
                      "「富岳」之後續機型"}     # L2802 (the recommendations)
    # a plan that quotes a period label is a plan of its own: 《「十四五」數位經濟發展規劃》 (L1137) joins nothing
    plan = [p for p in out["policies"] if "十四五" in p["title"]]
    assert [p["title"] for p in plan] == ["「十四五」數位經濟發展規劃"]
