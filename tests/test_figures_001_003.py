"""Figures in the whole running text of documents 001-004 (issue 15, item 1): the market forecasts and surveys that
document 003 cites outside 壹 計畫緣起, document 001's figure cut by a page break, and none from the plan's own
targets. Read by extractors/report_text/mappers/market_clauses.py and indicator_text.py from the spec sections
that cover the rest of each document (``計畫內容`` in 003, ``國外發展現況`` in 001, the whole of 002 and 004).

The real extraction runs on the verified snapshots; expected values were read by hand from the snapshot text
(line numbers 1-based, cited next to them).
"""
from __future__ import annotations

import pytest

from extractors.core import snapshots
from extractors.report_text import extract
from tests.helpers import AIGC, IPAS, MODA, NSTC, broken_spec

MARKET = ("source_locator", "other_locators", "metric", "scope", "period_start", "period_end", "period_basis",
          "value_low", "value_high", "unit", "currency", "value_printed", "qualifier", "publisher", "publisher_printed")
INDICATOR = ("source_locator", "indicator", "scope", "period_start", "period_end", "value", "unit", "value_printed",
             "publisher", "measure")


@pytest.fixture(scope="module")
def extracted() -> dict:
    return {sid: extract.extract_source(snapshots.load(sid)) for sid in (AIGC, NSTC, MODA, IPAS)}


def _rows(ex, table: str, cols: tuple, section: str) -> list[tuple]:
    return [tuple(r[c] for c in cols) for r in ex.rows[table] if f":text-{section}:" in r["record_id"]]


def test_003_market_forecasts_outside_the_background(extracted):
    assert _rows(extracted[MODA], "market_figures", MARKET, "計畫內容") == [
        # L535 國際研究機構 Global Market Insights 預測指出，2022~2032 年生成式 AI 市場之複合年均成長率約 29%；
        # MarketsandMarkets 亦預估 2023~2030 年生成式 AI 市場之複合年均成長率約 31.5%
        ("L535-535", None, "cagr", "WLD", 2022, 2032, "period", 29.0, 29.0, "%", None, "29%", "約",
         "Global Market Insights", "Global Market Insights"),
        ("L535-535", None, "cagr", "WLD", 2023, 2030, "period", 31.5, 31.5, "%", None, "31.5%", "約",
         "MarketsandMarkets", "MarketsandMarkets"),
    ]


def test_003_restated_mckinsey_figure_joins_its_first_printing(extracted):
    # L535 …國際研究機構 MicKinsey 於 2023 年發布之《生成式 AI 的經濟潛力》顯示，生成式 AI 預計可為全球經濟每年帶來
    # 2.6 兆至 4.4 兆美元 GDP 的成長: the figure of L79 (壹, mappers/market_text.py), one row
    rows = [r for r in extracted[MODA].rows["market_figures"] if r["value_printed"] == "2.6 兆至 4.4 兆美元"]
    assert [(r["source_locator"], r["other_locators"], r["publisher"]) for r in rows] == [
        ("L79-79", "L104-104; L535-535", "McKinsey & Company")]


def test_003_surveys_outside_the_background(extracted):
    assert _rows(extracted[MODA], "indicators", INDICATOR, "計畫內容") == [
        # L606 依據 2024 年 Deloitte 產業調查報告書指出，關於生成式 AI 在各行各業的期待效益，主要是在製造產業，即
        # 提升效率和生產力(56%)和降低成本(35%)，而在其他產業的創新(29%)和發想(19%)等效益期待較少 (benefits firms
        # expect: rules/indicator_text.yaml sentence_indicators)
        ("L606-606", "expected_benefit_share", "WLD", 2024, 2024, 56.0, "%", "56%", "Deloitte",
         "即提升效率和生產力(56%)和降低成本(35%)"),
        ("L606-606", "expected_benefit_share", "WLD", 2024, 2024, 35.0, "%", "35%", "Deloitte", "和降低成本(35%)"),
        ("L606-606", "expected_benefit_share", "WLD", 2024, 2024, 29.0, "%", "29%", "Deloitte",
         "而在其他產業的創新(29%)和發想(19%)等效益期待較少"),
        ("L606-606", "expected_benefit_share", "WLD", 2024, 2024, 19.0, "%", "19%", "Deloitte",
         "和發想(19%)等效益期待較少"),
        # L606-608 而 2023 年 / Gartner 調查報告發現，…但仍有 78% 的企業表示…效益將高過風險；報告中亦指出已有 45% 的
        # 企業…，主要投注於軟體開發(21%)、行銷(19%)與顧客服務(16%): 報告中 is Gartner's report (refers)
        ("L608-608", "benefit_over_risk_share", "WLD", 2023, 2023, 78.0, "%", "78%", "Gartner",
         "但仍有 78% 的企業表示他們願意相信生成式 AI 能帶來的效益將高過風險"),
        ("L608-608", "share", "WLD", 2023, 2023, 45.0, "%", "45%", "Gartner",
         "報告中亦指出已有 45% 的企業開始投入大量資源於各個部門採用生成式 AI"),
        ("L608-608", "share", "WLD", 2023, 2023, 21.0, "%", "21%", "Gartner", "主要投注於軟體開發(21%)"),
        ("L608-608", "share", "WLD", 2023, 2023, 19.0, "%", "19%", "Gartner", "行銷(19%)與顧客服務(16%)等業務功能"),
        ("L608-608", "share", "WLD", 2023, 2023, 16.0, "%", "16%", "Gartner", "與顧客服務(16%)等業務功能"),
        # L631 根據 PwC 《2023 消費者行為趨勢調查》指出，…除日本以外，多數國家皆有超過 60% 的消費者…，且高達 82% 的
        # 消費者願意分享某些個人數據 (not Japan's figure: excepted; the year is the title's)
        ("L631-631", "share", "WLD", None, None, 60.0, "%", "60%", "PwC",
         "多數國家皆有超過 60% 的消費者表示體驗會影響購買決策"),
        ("L631-631", "share", "WLD", None, None, 82.0, "%", "82%", "PwC",
         "且高達 82% 的消費者願意分享某些個人數據以換取更好的客戶體驗"),
        # L1105 根據《The New Yorker》報導，ChatGPT 每天要回應的提問高達約 2 億個 (56 萬度電 has no counter the rules
        # read; 17,000 倍 is a comparison)
        ("L1105-1105", "count", "WLD", None, None, 2.0, "億個", "2 億個", "The New Yorker",
         "ChatGPT 每天要回應的提問高達約 2 億個"),
        # L1277 Gartner 也指出，2025 年大型組織 30% 的對外行銷訊息將透過 AI 合成生成 (a forecast share, not a market's:
        # an indicator; the sentence's 9 成 is printed in tenths, which the indicator rules do not read)
        ("L1277-1277", "share", "WLD", 2025, 2025, 30.0, "%", "30%", "Gartner",
         "2025 年大型組織 30% 的對外行銷訊息將透過 AI 合成生成"),
        # L1282 台灣數位媒體應用暨行銷協會(DMA)於 2024 年台灣數位行銷趨勢報告中指出，38.5% 的會員偏好以影音廣告方式行銷
        ("L1282-1282", "share", "TW", 2024, 2024, 38.5, "%", "38.5%", "台灣數位媒體應用暨行銷協會",
         "38.5% 的會員偏好以影音廣告方式行銷"),
    ]


def test_003_the_plans_own_figures_are_neither(extracted):
    # L602 本計畫推動…由 32.5%(2023 年)提升至 50%(2028 年), L1155 本分項…也將涵蓋 50%, L1529 預估協助企業降低 50%…,
    # L1532 70%以上 / 20%至 30% / 15%以上, L786 可節省 70% (a worked example), L1428 處理 80%: kpis or no row
    lines = {602, 786, 1155, 1428, 1529, 1532}
    ex = extracted[MODA]
    for table in ("market_figures", "indicators"):
        assert not [r for r in ex.rows[table] if ":text-" in r["record_id"]
                    and int(r["source_locator"][1:].split("-")[0]) in lines], table


def test_001_figures_cut_by_a_page_break(extracted):
    # L143-147 如圖3調查結果顯示，在2023 / 年歐洲與以色列地區的221家AIGC新創公司中，有67 / 家來自英國 (a count that
    # exists: rules/indicator_text.yaml counted; publisher from 圖3's 資料來源 L162-164 …GenAI Edition By / Accel);
    # L179-181 讓商業銀行向各領域AIGC產業投資超過3.72 / (page break) 億英鎊; L221-223 計劃在2024年投入超過9,090 /
    # 2兆韓元的基金 is a plan (forecast: 計劃在) whose figure is garbled by the break: no row
    rows = _rows(extracted[AIGC], "indicators", INDICATOR, "英國") + _rows(extracted[AIGC], "indicators",
                                                                          INDICATOR, "南韓")
    assert rows == [("L145-147", "count", "GB", 2023, 2023, 67.0, "家", "67家", "Accel", "有67家來自英國"),
                    ("L179-181", "industry_investment", "GB", None, None, 3.72, "億英鎊", "3.72億英鎊", None,
                     "讓商業銀行向各領域AIGC產業投資超過3.72億英鎊")]


def test_002_slide_bullets_without_punctuation(extracted):
    # L532 - 運用異質整合封裝技術將該加速卡之面積縮減80% and L595 - 效能**領先三星**類似技術達40% are bullets (no
    # punctuation, two digits: not chart text); L546 AI運算加速卡面積縮減80% is the label of a photo, not read
    rows = [r for r in _rows(extracted[NSTC], "indicators", INDICATOR, "簡報") if r[0] in
            ("L532-532", "L546-546", "L595-595")]
    assert rows == [
        ("L532-532", "share", "TW", None, None, 80.0, "%", "80%", None, "運用異質整合封裝技術將該加速卡之面積縮減80%"),
        ("L595-595", "share", "TW", None, None, 40.0, "%", "40%", None, "效能領先三星類似技術達40%")]


def test_001_002_004_print_no_other_market_figure(extracted):
    # 001 beyond 前言, 002's deck (L639 廠商預估 … 近五成: no publisher), 004 (L468 數百億美元: no numeral)
    for sid, section in ((AIGC, "國外發展現況"), (NSTC, "簡報"), (IPAS, "全文")):
        assert _rows(extracted[sid], "market_figures", MARKET, section) == [], sid


def test_needs_publisher_keeps_the_plans_figures_out(tmp_path, monkeypatch):
    """A spec derived from the real one without ``needs_publisher``: the plan's targets and worked examples of 肆
    (L494 推動培育人才目標達 50%以上, L786 可節省 70%, L1428 處理 80%) would become indicators."""
    broken_spec(tmp_path, monkeypatch, MODA, "    needs_publisher: true\n", "")
    ex = extract.extract_source(snapshots.load(MODA))
    unnamed = {r["source_locator"] for r in ex.rows["indicators"]
               if ":text-計畫內容:" in r["record_id"] and r["publisher"] is None}
    assert {"L494-494", "L786-786", "L1428-1428"} <= unnamed
