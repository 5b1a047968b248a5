"""Market figures printed in document 000's running text (issue 15, item 1): 第二章 outside 表 2-1..2-6 and
第三章 第二節, read clause by clause by extractors/report_text/mappers/market_clauses.py.

The real extraction runs on the verified snapshot; every expected row was read by hand from the snapshot text
(line numbers 1-based, the words that decide quoted next to them). Fault tests derive their input from the real
document in the test itself.
"""
from __future__ import annotations

import pytest

from extractors.core import snapshots
from extractors.core.records import Extraction
from extractors.report_text import extract
from extractors.report_text.mappers import market_clauses

SOURCE_000 = "tier-2025-genai-global-economy"
COLS = ("source_locator", "other_locators", "metric", "segment", "scope", "period_start", "period_end", "period_basis",
        "value_low", "value_high", "unit", "currency", "value_printed", "publisher_printed", "published_printed")


@pytest.fixture(scope="module")
def extraction():
    return extract.extract_source(snapshots.load(SOURCE_000))


@pytest.fixture(scope="module")
def lines():
    snap = snapshots.load(SOURCE_000)
    return snap.path.read_text(encoding="utf-8").split("\n")


def _text_rows(ex) -> list[tuple]:
    return [tuple(r[c] for c in COLS) for r in ex.rows["market_figures"] if ":text-" in r["record_id"]]


def test_chapter_2_figures(extraction):
    rows = [r for r in _text_rows(extraction) if int(r[0][1:].split("-")[0]) < 649]
    assert rows == [
        # L282 高盛(Goldman Sachs)於 2023 年 3 月 26 日發布;
        # L284 高盛預測未來 10 年内 GenAI 將推動全球 7% (約7 兆美元)的 / L288 國內生產毛額(…GDP)成長;
        # L574 (根據高盛研究…該研究預測) 未來十年推動全球GDP 成長 7%(約7兆美元)
        ("L284-284", "L574-574", "gdp_growth_contribution", None, "WLD", None, None, "period", 7.0, 7.0, "%", None,
         "7%", "高盛", "2023 年 3 月 26 日"),
        ("L284-284", "L574-574", "gdp_impact", None, "WLD", None, None, "period", 7.0, 7.0, "兆美元", "USD", "7 兆美元",
         "高盛", "2023 年 3 月 26 日"),
        # L288 …成長,其中 GenAI 能在 6,850 億美元市場規模的軟體領域上創造出總額為 1,500 億美元的潛在市場金額
        # (no period in their clause: 未來 10 年 dates the 7% of the clause before)
        ("L288-288", None, "market_size", "軟體", "WLD", None, None, "point", 6850.0, 6850.0, "億美元", "USD",
         "6,850 億美元", "高盛", "2023 年 3 月 26 日"),
        ("L288-288", None, "potential_market", "軟體", "WLD", None, None, "point", 1500.0, 1500.0, "億美元", "USD",
         "1,500 億美元", "高盛", "2023 年 3 月 26 日"),
        # L292 麥肯錫報告… 預估每年能夠帶來 2.6 至 4.4 兆美元經濟效益價值; … 每年帶來 6.1 至 7.9 兆美元的經濟效益
        # (L290 麥肯錫 (McKinsey)於 2023 年 7 月 14 日所發布, the paragraph before)
        ("L292-292", None, "gdp_impact", None, "WLD", None, None, "per_year", 2.6, 4.4, "兆美元", "USD",
         "2.6 至 4.4 兆美元",
         "麥肯錫", "2023 年 7 月 14 日"),
        # L292 …,將能提高整體 AI 領域 15%至 40%的經濟價值 (the 每年 of the clause before is not this share's)
        ("L292-292", None, "ai_value_uplift", None, "WLD", None, None, "point", 15.0, 40.0, "%", None, "15%至 40%",
         "麥肯錫", "2023 年 7 月 14 日"),
        ("L292-292", None, "gdp_impact", None, "WLD", None, None, "per_year", 6.1, 7.9, "兆美元", "USD",
         "6.1 至 7.9 兆美元",
         "麥肯錫", "2023 年 7 月 14 日"),
        ("L292-292", None, "ai_value_uplift", None, "WLD", None, None, "point", 35.0, 70.0, "%", None, "35%至 70%",
         "麥肯錫", "2023 年 7 月 14 日"),
        # L294 國際智庫摩根大通 (J.P.Morgan) 研究部亦於 2024 年 2 月預 測, GenAI 將能提升全球約 10%GDP,
        # 帶來 7 至 10 兆美元市場價值
        ("L294-294", None, "gdp_growth_contribution", None, "WLD", None, None, "point", 10.0, 10.0, "%", None, "10%",
         "摩根大通", "2024 年 2 月"),
        # L294 …其中對於半導體市場而言,將能夠在 2024 年增加 16%營收
        ("L294-294", None, "revenue_growth", "半導體", "WLD", 2024, 2024, "point", 16.0, 16.0, "%", None, "16%",
         "摩根大通", "2024 年 2 月"),
        # L302 全球GenAI市場將從 2024 年的 209 億美元成長至 2030 年的 1,367 億美元,複合年均成長率(…CAGR)高達36.7%
        ("L302-302", None, "market_size", None, "WLD", 2024, 2024, "point", 209.0, 209.0, "億美元", "USD", "209 億美元",
         "MarketsandMarkets", "2024 年 4 月"),
        ("L302-302", None, "market_size", None, "WLD", 2030, 2030, "point", 1367.0, 1367.0, "億美元", "USD",
         "1,367 億美元",
         "MarketsandMarkets", "2024 年 4 月"),
        ("L302-302", None, "cagr", None, "WLD", 2024, 2030, "period", 36.7, 36.7, "%", None, "36.7%",
         "MarketsandMarkets",
         "2024 年 4 月"),
        # L308 根據預測 (BI's, L306), 2023 年、2027 年及 2032 年總體市場營收額分別高達 44,080 億美元、59,370 億美元及
        # 99,640 億美元, 2023 年至 2027 年 / L316 CAGR 高達 8%, 而 2027 年至 2032 年 CAGR 則高達 11%
        ("L308-308", None, "market_size", None, "WLD", 2023, 2023, "point", 44080.0, 44080.0, "億美元", "USD",
         "44,080 億美元", "彭博資訊", "2024 年 3 月 28 日"),
        ("L308-308", None, "market_size", None, "WLD", 2027, 2027, "point", 59370.0, 59370.0, "億美元", "USD",
         "59,370 億美元", "彭博資訊", "2024 年 3 月 28 日"),
        ("L308-308", None, "market_size", None, "WLD", 2032, 2032, "point", 99640.0, 99640.0, "億美元", "USD",
         "99,640 億美元", "彭博資訊", "2024 年 3 月 28 日"),
        ("L316-316", None, "cagr", None, "WLD", 2023, 2027, "period", 8.0, 8.0, "%", None, "8%", "彭博資訊",
         "2024 年 3 月 28 日"),
        ("L316-316", None, "cagr", None, "WLD", 2027, 2032, "period", 11.0, 11.0, "%", None, "11%", "彭博資訊",
         "2024 年 3 月 28 日"),
        # L316 其中 2023 年至 2027 年以軟體市場成長幅度最高, CAGR 達 12%; 而 2027 年至 2032 年則以硬體及軟體成長幅度
        # 最高, CAGR 高達 13%
        ("L316-316", None, "cagr", "軟體", "WLD", 2023, 2027, "period", 12.0, 12.0, "%", None, "12%", "彭博資訊",
         "2024 年 3 月 28 日"),
        ("L316-316", None, "cagr", "硬體及軟體", "WLD", 2027, 2032, "period", 13.0, 13.0, "%", None, "13%", "彭博資訊",
         "2024 年 3 月 28 日"),
        # L316 其他領域 在 2023 年至 2032 年的 CAGR 皆超過 5% (a lower bound: qualifier 皆超過, bound lower)
        ("L316-316", None, "cagr", "其他領域", "WLD", 2023, 2032, "period", 5.0, 5.0, "%", None, "5%", "彭博資訊",
         "2024 年 3 月 28 日"),
        # L324 基於總體市場營收結果,BI預測…2023年終硬體領域的GenAI應用滲透率最高,介於0.3%至6.0%之間;2027年同樣以硬體
        # 領域GenAI滲透率最高,介於2.0%至10.5%之間;而2032年則以軟體及數位廣告領域最高,介於3.8%至12.0%之間
        ("L324-324", None, "genai_penetration_rate", "軟體及數位廣告", "WLD", 2032, 2032, "point", 3.8, 12.0, "%", None,
         "3.8%至12.0%", "BI", None),
        # L338 BI 預測 2023 年、2027 年及 2032 年 GenAI 在各領域能夠創造之營收額分別高達 635 億美元、4,568 億 / L340
        # 美元及 13,610 億美元,總體市場 2023 年至 2032 年 CAGR 高達 41% (4,568 億美元 is cut by the line break)
        # L340 其中每年營收額以硬體領域市場最高,而 CAGR 成長幅度最高之領 域為資通訊服務領域,…CAGR 高達 99% (a CAGR
        # is yearly: 每年 does not make it per_year)
        # L372 中國方面,麥肯錫大中華區於 2023 年 11 月 27 日發布… GenAI 將能 / L378 為中國市場創造2兆美元價值
        ("L378-378", None, "gdp_impact", None, "CN", None, None, "point", 2.0, 2.0, "兆美元", "USD", "2兆美元",
         "麥肯錫大中華區", "2023 年 11 月 27 日"),
        # L384 Deloitte 根據…進行預測,全球受到欺詐損失的金額將從 2023 年的 123 億美元增加至 2027 年的 400 億美元,
        # CAGR 高達 32%
        ("L384-384", None, "fraud_loss", None, "WLD", 2023, 2023, "point", 123.0, 123.0, "億美元", "USD", "123 億美元",
         "Deloitte", "2024 年 5 月 29 日"),
        ("L384-384", None, "fraud_loss", None, "WLD", 2027, 2027, "point", 400.0, 400.0, "億美元", "USD", "400 億美元",
         "Deloitte", "2024 年 5 月 29 日"),
        ("L384-384", None, "cagr", None, "WLD", 2023, 2027, "period", 32.0, 32.0, "%", None, "32%", "Deloitte",
         "2024 年 5 月 29 日"),
        # L443 麥肯錫預測,…2023 年至 2040 年生產力的 CAGR 將介於 0.5% 至 3.4%之間,其中 0.1%至 0.6%由 GenAI 貢獻
        # L451 高盛報告預測中,其以美國為例,…估算以未來 10 年為基準,…每年提高整體勞動生產力 1.5 個百分點
        ("L451-451", None, "productivity_growth_contribution", None, "US", None, None, "per_year", 1.5, 1.5,
         "個百分點", None,
         "1.5 個百分點", "高盛", None),
        # L461 高盛預估全球未來 10 年内採用 GenAI 每年將能提高 1.4 個百分點勞動生產力,其中臺灣勞動生產 / L465 力同樣能夠
        # 每年約提高 1.4 個百分點勞動生產力
        ("L461-461", None, "productivity_growth_contribution", None, "WLD", None, None, "per_year", 1.4, 1.4,
         "個百分點", None, "1.4 個百分點", "高盛", None),
        ("L465-465", None, "productivity_growth_contribution", None, "TW", None, None, "per_year", 1.4, 1.4,
         "個百分點", None, "1.4 個百分點", "高盛", None),
        # 三、GenAI 對產業生產力影響 (spec publisher 麥肯錫: L510 麥肯錫 2023 年所發布之…報告…在零售和消費用品業、
        # 銀行業、醫藥業等產業皆有…研析): L518 零售和消費用品業在應用 GenAI 技術後能夠每年提高 1.2 至 2.0%的營業收入,
        # 即增加 4,000 至 6,600 億美元; L532 銀行業…每年能夠提高 2.8%至 4.7%的營業收入,即增加 2,000 至 3,400 億美元;
        # L540 醫藥業利用 GenAI 技術將能每年提高 2.6%至 4.5%的營業收入, / L542 即增加 600 至 1,100 億美元
        ("L518-518", None, "revenue_impact", "零售和消費用品業", "WLD", None, None, "per_year", 4000.0, 6600.0,
         "億美元", "USD", "4,000 至 6,600 億美元", "麥肯錫", None),
        ("L532-532", None, "revenue_impact", "銀行業", "WLD", None, None, "per_year", 2000.0, 3400.0, "億美元", "USD",
         "2,000 至 3,400 億美元", "麥肯錫", None),
        ("L542-542", None, "revenue_impact", "醫藥業", "WLD", None, None, "per_year", 600.0, 1100.0, "億美元", "USD",
         "600 至 1,100 億美元", "麥肯錫", None),
    ]


def test_chapter_3_industry_figures(extraction):
    rows = [r for r in _text_rows(extraction) if int(r[0][1:].split("-")[0]) >= 649]
    assert rows == [
        # L1593 依據高盛預測,2035 年全球人型機器人(humanoid robot)市場將成長至380億美元之規模 (a 2024 report, footnote
        # 163: not dated by L282's 2023 report)
        ("L1593-1593", None, "market_size", None, "WLD", 2035, 2035, "point", 380.0, 380.0, "億美元", "USD",
         "380億美元",
         "高盛", None),
        # L1597 德國 Statista 資料庫分析,2023 年應用 AI 之製藥市場規模約為 / (footnotes) / L1609 15 億美元,預估至
        # 2032 年,將成長至 130 億美元。2021 年醫療保健市場規模突破 110 億美元,2030 年將增長 17 倍,達到 1,880 億美元
        # (德國 is the publisher's origin, no place is printed for the markets: the world, as every market figure
        # of 第三章 第二節 that names no place)
        ("L1609-1609", None, "market_size", None, "WLD", 2023, 2023, "point", 15.0, 15.0, "億美元", "USD", "15 億美元",
         "Statista", None),
        ("L1609-1609", None, "market_size", None, "WLD", 2032, 2032, "point", 130.0, 130.0, "億美元", "USD",
         "130 億美元", "Statista", None),
        ("L1609-1609", None, "market_size", None, "WLD", 2021, 2021, "point", 110.0, 110.0, "億美元", "USD",
         "110 億美元", "Statista", None),
        ("L1609-1609", None, "growth_multiple", None, "WLD", 2021, 2030, "period", 17.0, 17.0, "倍", None, "17 倍",
         "Statista", None),
        ("L1609-1609", None, "market_size", None, "WLD", 2030, 2030, "point", 1880.0, 1880.0, "億美元", "USD",
         "1,880 億美元", "Statista", None),
        # L1812 依韓國信用資訊院報告預估,韓國金融領域的 AI市場規模將以年均 38.2%的速度成長至 2026 年,
        # 帶來 3.2 兆韓元的經濟效益
        ("L1812-1812", None, "cagr", None, "KR", None, 2026, "by_year", 38.2, 38.2, "%", None, "38.2%",
         "韓國信用資訊院",
         None),
        ("L1812-1812", None, "gdp_impact", None, "KR", 2026, 2026, "point", 3.2, 3.2, "兆韓元", "KRW", "3.2 兆韓元",
         "韓國信用資訊院", None),
        # L2017 根據中國賽迪研究院發布的《…》顯示,2023 年中國人型機器人產業…產業規模達到 39.1 億元人民幣,較 2022 年成長
        # 85.7%,…2026 年中國人型機器人產業規模將突破 200 億元人民幣
        ("L2017-2017", None, "market_size", None, "CN", 2023, 2023, "point", 39.1, 39.1, "億元人民幣", "CNY",
         "39.1 億元人民幣", "中國賽迪研究院", None),
        ("L2017-2017", None, "growth_rate", None, "CN", 2023, 2023, "point", 85.7, 85.7, "%", None, "85.7%",
         "中國賽迪研究院",
         None),
        ("L2017-2017", None, "market_size", None, "CN", 2026, 2026, "point", 200.0, 200.0, "億元人民幣", "CNY",
         "200 億元人民幣", "中國賽迪研究院", None),
    ]


def test_figures_restating_a_table(extraction):
    # mappers/restated.py: 12 figures of 第二章's text restate 表 2-1..2-4 (same publisher, value, unit, period):
    # one row each, the table's, with the text line in other_locators
    restated = [(loc, r["source_locator"]) for r in extraction.rows["market_figures"] if r["source_locator"][0] == "表"
                for loc in (r.get("other_locators") or "").split("; ") if loc]
    assert sorted(restated) == sorted([
        ("L324-324", "表 2-1 L327-327"), ("L324-324", "表 2-1 L327-327"), ("L340-340", "表 2-2 L348-348"),
        ("L338-338", "表 2-2 L352-352"), ("L338-340", "表 2-2 L352-352"), ("L340-340", "表 2-2 L352-352"),
        ("L340-340", "表 2-2 L352-352"), ("L294-294", "表 2-3 L415-415"), ("L443-443", "表 2-4 L559-562"),
        ("L518-518", "表 2-4 L559-562"), ("L532-532", "表 2-4 L559-562"), ("L540-540", "表 2-4 L559-562")])


def test_english_names_and_base_values(extraction):
    rows = {(r["source_locator"], r["value_printed"]): r for r in extraction.rows["market_figures"]
            if ":text-" in r["record_id"]}
    assert rows["L308-308", "44,080 億美元"]["publisher"] == "Bloomberg Intelligence"   # L306 彭博資訊(…, BI)
    assert rows["L294-294", "10%"]["publisher"] == "J.P. Morgan"
    assert rows["L308-308", "44,080 億美元"]["value_low_base"] == 44080 * 1e8
    assert rows["L2017-2017", "39.1 億元人民幣"]["value_low_base"] == pytest.approx(39.1e8)
    assert rows["L302-302", "36.7%"]["value_low_base"] is None                    # a percentage has no base value


def test_figures_left_out(extraction):
    located = {(r["source_locator"], r["value_printed"]) for r in extraction.rows["market_figures"]}
    # L340 營收額從 2 億美元成長至 809 億美元 (years not printed with them);
    # L402 其他智庫皆預測…至少 2.6 兆美元 (no publisher printed: a summary);
    # L451 最強的 GenAI 功能下將能提高 2.9 個百分點 (one scenario); L552 綜合來看 (no publisher)
    for loc, printed in [("L340-340", "2 億美元"), ("L402-402", "2.6 兆美元"),
                         ("L402-402", "10.0 兆美元"), ("L451-451", "2.9 個百分點"),
                         ("L552-552", "0.1 至 1.4 個百分點")]:
        assert (loc, printed) not in located


def test_qualifiers_and_bounds(extraction):
    # rules/market.yaml `qualifiers`: the words printed right before (or after) a running-text figure
    got = {(r["source_locator"], r["value_printed"]): (r["qualifier"], r["bound"])
           for r in extraction.rows["market_figures"] if ":text-" in r["record_id"]}
    assert got["L316-316", "5%"] == ("皆超過", "lower")             # 其他領域…CAGR 皆超過 5%
    assert got["L1609-1609", "110 億美元"] == ("突破", "lower")      # 醫療保健市場規模突破 110 億美元
    assert got["L1609-1609", "15 億美元"] == ("約為", None)          # 製藥市場規模約為 / 15 億美元
    assert got["L284-284", "7 兆美元"] == ("約", None)               # 7% (約7 兆美元)
    assert got["L2017-2017", "200 億元人民幣"] == ("突破", "lower")
    assert got["L302-302", "36.7%"] == ("高達", None)
    assert got["L292-292", "15%至 40%"] == (None, None)
    # table cells carry none
    assert {(r["qualifier"], r["bound"]) for r in extraction.rows["market_figures"]
            if r["source_locator"].startswith("表")} == {(None, None)}


def test_a_figure_is_a_market_figure_or_an_indicator(extraction):
    market = {(r["source_locator"], r["value_printed"]) for r in extraction.rows["market_figures"]}
    indicators = {(r["source_locator"], r["value_printed"]) for r in extraction.rows["indicators"]}
    assert not market & indicators
    # L1995 2023 年中國 GenAI 的企業採用率已達 15% stays an indicator
    assert ("L1995-1995", "15%") in indicators


def test_paragraphs_split_at_a_footnoted_sentence_end(lines):
    # L306 ends 進而運算出 GenAI 所影響之市場營收。24 (a footnote number): the next paragraph starts at L308;
    # the heading L304 #### 二、市場類別經濟影響 stands apart
    paras = market_clauses.paragraphs(lines, 303, 320)
    assert [[n for n, _ in p] for p in paras][:2] == [[306], [308, 316]]


def test_a_cue_less_paragraph_takes_no_publisher(lines):
    # the real L308 paragraph without the BI paragraph before it: 根據預測 names no one, so no row
    ex = Extraction(SOURCE_000)
    para = market_clauses.paragraphs(lines, 307, 320)[0]
    assert market_clauses._rows_of_paragraph(ex, para, {"section": "t", "scope": "WLD"}, []) == []
