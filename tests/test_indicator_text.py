"""Figures in running text that are not market or forecast figures -> indicators (issue 15, item 1), read by
extractors/report_text/mappers/indicator_text.py from the ``indicator_text`` sections of the five documents' specs.

The real extraction runs on the verified snapshots; expected values were read by hand from the snapshot text
(line numbers 1-based, cited next to them).
"""
from __future__ import annotations

import pytest

from extractors.core import snapshots
from extractors.core.records import SpecError
from extractors.report_text import extract
from tests.helpers import AIGC, IPAS, MODA, NSTC, TIER, broken_spec

COLS = ("source_locator", "other_locators", "indicator", "scope", "period_start", "period_end", "value", "unit",
        "value_printed", "publisher")


@pytest.fixture(scope="module")
def extracted() -> dict:
    return {sid: extract.extract_source(snapshots.load(sid)) for sid in (TIER, AIGC, NSTC, MODA, IPAS)}


def _text_rows(ex) -> list[tuple]:
    return [tuple(r[c] for c in COLS) for r in ex.rows["indicators"] if ":text-" in r["record_id"]]


def test_003_background(extracted):
    # 壹 計畫緣起 (L54-146); the rest of the plan: tests/test_figures_001_003.py
    assert [r for r in _text_rows(extracted[MODA]) if int(r[0][1:].split("-")[0]) < 148] == [
        # L68 經四年推動後，已累積培育超過 3 萬名 AI 應用人才，且約 48.7% 企業已部署 AI...; the sentence names 臺灣
        # (將臺灣打造成…); its years are a title's (《臺灣 AI 行動計畫(2018-2021)》) and a date (2017 年 7 月): none
        ("L68-68", None, "ai_talent_trained", "TW", None, None, 3.0, "萬名", "3 萬名", None),
        ("L68-68", None, "ai_adoption_share", "TW", None, None, 48.7, "%", "48.7%", None),
        # L100 (一) 依 LinkedIn《2024 年人才與職場學習報告》指出，…高達 80%的員工也希望透過學習 AI 技能…
        # (no place printed: the section 二、未來環境預測 says WLD)
        ("L100-100", None, "skills_interest_share", "WLD", None, None, 80.0, "%", "80%", "LinkedIn"),
        # L120 根據 2023 年 9 月 Bloomberg 報導，臺灣在全球 AI 經濟發展受益國家僅排行第 14 名
        ("L120-120", None, "rank", "TW", None, None, 14.0, "rank", "第 14 名", "Bloomberg"),
        # L135 2023 年臺灣製造業導入 AI 應用普及率僅 12.3%
        ("L135-135", None, "ai_adoption_share", "TW", 2023, 2023, 12.3, "%", "12.3%", None),
    ]


def test_003_market_figures_and_a_study_coverage_are_not_indicators(extracted):
    # L75 (= L103) Statista's 1,359 / 8,268 億美元 and 29% CAGR, L79 (= L104) McKinsey's 2.6 兆至 4.4 兆美元 GDP and
    # 75% share of value, L104 13 兆美元 / 1.2%: market_figures; L77 針對全球 47 個國家及地區與 850 種職業: coverage
    lines = {r["source_locator"] for r in extracted[MODA].rows["indicators"] if ":text-" in r["record_id"]}
    assert not lines & {"L75-75", "L77-77", "L79-79", "L103-103", "L104-104"}


def test_001_surveys_and_reported_gains(extracted):
    assert _text_rows(extracted[AIGC]) == [
        # L38 根據Gartner的調查結果顯示，企業導入AIGC最擔心的風險，以資料隱私占42%為最多，其次分別為幻覺14%、
        # 資安13%、濫用12%及公平性問題10%等 (42%: a share 占 of the risks named in the clause before)
        ("L38-38", None, "risk_concern_share", "WLD", None, None, 42.0, "%", "42%", "Gartner"),
        ("L38-38", None, "risk_concern_share", "WLD", None, None, 14.0, "%", "14%", "Gartner"),
        ("L38-38", None, "risk_concern_share", "WLD", None, None, 13.0, "%", "13%", "Gartner"),
        ("L38-38", None, "risk_concern_share", "WLD", None, None, 12.0, "%", "12%", "Gartner"),
        ("L38-38", None, "risk_concern_share", "WLD", None, None, 10.0, "%", "10%", "Gartner"),
        # L66-68 根據Gartner調查，採用AIGC的企業在12-18 / 個月內，可以節省 15.7% 的成本，並提高 24.69% 的生產力
        ("L68-68", None, "cost_saving", "WLD", None, None, 15.7, "%", "15.7%", "Gartner"),
        ("L68-68", None, "productivity_gain", "WLD", None, None, 24.69, "%", "24.69%", "Gartner"),
        # L70 而知名軟體服務平台指出，AIGC工具可以幫助程式設計師提高88%的工作效率
        ("L70-70", None, "productivity_gain", "WLD", None, None, 88.0, "%", "88%", "知名軟體服務平台"),
        # L72 瑞典金融科技公司Klarna也表示，使用AIGC已省下1,000萬美元的行銷成本
        ("L72-72", None, "cost_saving", "SE", None, None, 1000.0, "萬美元", "1,000萬美元", "Klarna"),
        # L143-147 如圖3調查結果顯示，在2023 / 年歐洲與以色列地區的221家AIGC新創公司中，有67 / 家來自英國 (the 221 are
        # the whole counted; 圖3's 資料來源 L162-164 …GenAI Edition By / Accel)
        ("L145-147", None, "count", "GB", 2023, 2023, 67.0, "家", "67家", "Accel"),
        # L179-181 讓商業銀行向各領域AIGC產業投資超過3.72 / (page break) 億英鎊 (英國 section; the sentence's 未來十年
        # says what the 2021 strategy is for: rules/indicator_text.yaml forecast_aside)
        ("L179-181", None, "industry_investment", "GB", None, None, 3.72, "億英鎊", "3.72億英鎊", None),
        # L229 根據財團法人人工智慧科技基金會（AIF）發布的「2023 臺灣產業 AI 化大調查」…有54.2%的企業開始使用
        # AIGC 工具，並且還有20.2%的企業正在進行規劃
        ("L229-229", None, "ai_adoption_share", "TW", None, None, 54.2, "%", "54.2%", "財團法人人工智慧科技基金會"),
        ("L229-229", None, "share", "TW", None, None, 20.2, "%", "20.2%", "財團法人人工智慧科技基金會"),
    ]


def test_002_slides_one_row_per_figure_printed_twice(extracted):
    rows = _text_rows(extracted[NSTC])
    # L86 and L763 print the same two results (可自動分析交通違規行為，成功率達91.2%，…大幅降低74%總查驗時間)
    assert rows[1:3] == [
        ("L86-86", "L763-763", "accuracy_rate", "TW", None, None, 91.2, "%", "91.2%", None),
        ("L86-86", "L763-763", "time_saving", "TW", None, None, 74.0, "%", "74%", None)]
    # L1064 人事智慧客服系統法規作業查詢之使用人次2023年累計約達13,000人次
    assert ("L1064-1064", None, "count", "TW", 2023, 2023, 13000.0, "人次", "13,000人次", None) in rows
    # the AI領航 slide (L820-841, spec table s-pilot) and the result slides read by kpi_text (1. 執行成果 L635-640,
    # 2. AI 產業推動執行成果 L887-920: L638 關鍵專利82件, L897 15家) are the kpis': none of their lines here
    assert not [r for r in rows if 820 <= int(r[0][1:].split("-")[0]) <= 841
                or 635 <= int(r[0][1:].split("-")[0]) <= 640 or 887 <= int(r[0][1:].split("-")[0]) <= 920]
    # multiples (unit NULL): L514 AI運算力升10倍, L521 提高 5倍以上, L990 相較去年AI DAY成長超過3倍
    assert [r for r in rows if r[7] is None] == [
        ("L514-514", None, "multiple", "TW", None, None, 10.0, None, "10倍", None),
        ("L521-521", None, "multiple", "TW", None, None, 5.0, None, "5倍", None),
        ("L990-990", None, "multiple", "TW", None, None, 3.0, None, "3倍", None)]
    assert len(rows) == 17     # 12, the bullets L532, L595 (tests/test_figures_001_003.py) and 3 multiples


def test_000_countries_named_in_the_clause_and_the_section_default(extracted):
    rows = _text_rows(extracted[TIER])
    # L368 結果發現,83%中國決策者表示已開始使用 GenAI 技術,而美國只有 65%: the country of each clause
    assert rows[:2] == [("L368-368", None, "ai_adoption_share", "CN", None, None, 83.0, "%", "83%", None),
                        ("L368-368", None, "share", "US", None, None, 65.0, "%", "65%", None)]
    # L1788 (三、日本 section, no place in the sentence) 目前全體用戶數接近4萬人
    assert ("L1788-1788", None, "users", "JP", None, None, 4.0, "萬人", "4萬人", None) in rows
    # L1593 發祥於瑞士蘇黎世理工學院的新創公司 mimic,創立於2024年。mimic …在種子輪募得了230萬歐元
    assert ("L1593-1593", None, "amount", "CH", None, None, 230.0, "萬歐元", "230萬歐元", None) in rows
    # L602 麥肯錫 2023 年發布的「…」報告 … 自動化程度分別提高了 34%、34.5%和 21%
    assert [r[6] for r in rows if r[0] == "L602-602" and r[9] == "麥肯錫"] == [34.0, 34.5, 21.0, 17.5, 11.0, 0.5]
    # L1995 根據中國工信部賽迪研究院的數據顯示,2023 年中國 GenAI 的企業採用率已達 15%,…並預測 2035 年…: the
    # forecast comes after the figure's clause
    assert ("L1995-1995", None, "ai_adoption_share", "CN", 2023, 2023, 15.0, "%", "15%", "中國工信部賽迪研究院") in rows
    # L493-497 波士頓顧問集團 (Boston Consulting Group, BCG)於 2024 年 9 月 5 日發布 … 差異值高達 49%
    assert ("L497-497", None, "share", "WLD", None, None, 49.0, "%", "49%", "Boston Consulting Group") in rows
    # forecasts and scenarios are not indicators: L443 (據估計 … 將介於 0.5% 至 3.4%), L451 (情境 … 100%),
    # L370 (若僅 11%的員工被 GenAI 取代); job forecasts are (test_000_job_forecasts_are_indicators)
    assert not [r for r in rows if r[0] in ("L443-443", "L451-451", "L370-370")]
    assert len(rows) == 51


def test_004_prints_no_indicator_figure(extracted):
    # L468 市場規模預計將在 2030 年達到數百億美元: a forecast without a numeral; the guide prints no other figure
    assert _text_rows(extracted[IPAS]) == []


def test_every_indicator_value_is_on_its_line(extracted):
    checked = 0
    for sid, ex in extracted.items():
        lines = snapshots.load(sid).lines
        for row in ex.rows["indicators"]:
            if ":text-" not in row["record_id"]:
                continue
            locators = [row["source_locator"], *filter(None, (row["other_locators"] or "").split("; "))]
            for loc in locators:      # a figure cut by a page break (001 L179-181): on its lines joined
                first, last = map(int, loc[1:].split("-"))
                if first == last:
                    assert row["value_printed"] in lines[first - 1].replace("**", ""), (sid, loc, row)
                else:           # cut by a line break: the figure's head on the first line, the rest on the last
                    head = next(k for k in range(len(row["value_printed"]), 0, -1)
                                if row["value_printed"][:k] in lines[first - 1])
                    assert row["value_printed"][head:].strip() in lines[last - 1], (sid, loc, row)
            checked += 1
    # 003: 5 in 壹 and 14 in the rest of the plan (L1277 Gartner's forecast share among them); 001: 11 and two cut
    # by a page break (L145-147, L179-181); 002: 12, 2 bullets and 3 multiples; 000: 51
    assert checked == 5 + 14 + 11 + 2 + 12 + 2 + 3 + 51


def test_indicator_text_section_without_end_names_its_entry(tmp_path, monkeypatch):
    """A fault derived from the real spec of 003: its indicator_text entry 2 loses ``end``."""
    old = "    end: '^三、問題評析$'\n    scope: WLD\n"
    path, text = broken_spec(tmp_path, monkeypatch, MODA, old, "    scope: WLD\n")
    assert text.count(old) == 1
    with pytest.raises(SpecError) as err:
        extract.load_spec(MODA)
    assert f"{path} line " in str(err.value) and "(indicator_text entry 2)" in str(err.value)


def _rows_at(ex, *locators) -> list[tuple]:
    return [r for r in _text_rows(ex) if r[0] in locators]


def test_000_job_forecasts_are_indicators(extracted):
    """Job forecasts count jobs, not money (rules/indicator_text.yaml ``jobs``; tests/reference/README.md)."""
    rows = _rows_at(extracted[TIER], "L576-576", "L594-594", "L594-598")
    assert rows == [
        # L576 高盛經濟學家指出,…。這一趨勢預計將使美國和歐洲多達 3 億個全職工作崗位面臨自動化風險: a forecast naming
        # jobs; 美國和歐洲 together -> WLD; 這一趨勢 points back to the sentence before (高盛經濟學家指出)
        ("L576-576", None, "jobs_exposed_to_automation", "WLD", None, None, 3.0, "億個", "3 億個", "高盛"),
        # L594 Forrester 的前瞻性研究提供一個量化的視角。該研究預測,到 2030 年,美國因 GenAI 直接導致的工作流失比例僅為
        # 1.5% (約 240 萬個職位),遠低於受 GenAI 影響的工作比例 6.9% (約 1,108 萬 / (footnote L596) / L598 個職位)
        ("L594-594", None, "jobs_lost_share", "US", 2030, 2030, 1.5, "%", "1.5%", "Forrester"),
        ("L594-594", None, "jobs_lost", "US", 2030, 2030, 240.0, "萬個", "240 萬個", "Forrester"),
        ("L594-594", None, "jobs_affected_share", "US", 2030, 2030, 6.9, "%", "6.9%", "Forrester"),
        ("L594-598", None, "jobs_affected", "US", 2030, 2030, 1108.0, "萬個", "1,108 萬個", "Forrester"),
    ]
    # the measure of 6.9% runs past the thousands separator of 1,108 (not a clause end)
    measure = next(r["measure"] for r in extracted[TIER].rows["indicators"] if r["value_printed"] == "6.9%")
    assert measure == "遠低於受 GenAI 影響的工作比例 6.9% (約 1,108 萬個職位)"
    # L370 若僅 11%的員工被 GenAI 取代 (a scenario) and 研究這些任務所對應的 1,000 個工作崗位 (a study's coverage)
    assert not _rows_at(extracted[TIER], "L370-370")


def test_000_pledges_multiples_and_counts_cut_by_a_line_break(extracted):
    ex = extracted[TIER]
    assert _rows_at(ex, "L1399-1413", "L1523-1523", "L1547-1547", "L1848-1848", "L1888-1888", "L1931-1931") == [
        # L1399 VISA 建議銀行…目前亦已部署 500 多 / (footnotes L1401-1411) / L1413 個 GenAI 用於金融詐欺等領域
        ("L1399-1413", None, "count", "US", None, None, 500.0, "個", "500 多個", None),
        # L1523 2023 年 AWS 對外宣布成立 GenAI 創新中心,預計將投資 1 億美元: a pledge, not a forecast; AWS announces it
        ("L1523-1523", None, "investment", "US", 2023, 2023, 1.0, "億美元", "1 億美元", "AWS"),
        # L1547 Claude 有助於縮短 20 倍的欺詐審核時間: a multiple, unit NULL
        ("L1547-1547", None, "time_saving", "US", None, None, 20.0, None, "20 倍", None),
        # L1848 NAVER 使用了比GPT-4 多 6,500 倍的韓國數據訓練其模型
        ("L1848-1848", None, "multiple", "KR", None, None, 6500.0, None, "6,500 倍", None),
        # L1888 韓國最大科技公司 Naver …承諾…,並計劃在六年內透過影響委員會和基金投資1兆韓元 (六年內 is no year)
        ("L1888-1888", None, "investment", "KR", None, None, 1.0, "兆韓元", "1兆韓元", None),
        # L1931 LGCNS於2023年與20多家企業客戶達成GenAI概念驗證
        ("L1931-1931", None, "count", "KR", 2023, 2023, 20.0, "家", "20多家", None),
    ]
    # L1609 2030 年將增長 17 倍: a market's growth multiple (market_figures), not an indicator; multiples are numbered
    # apart in record_id, so L1611's 10% (same paragraph, after L1609's 17 倍) kept its id
    assert not _rows_at(ex, "L1609-1609")
    ids = {r["record_id"].rsplit(":", 2)[-2] + ":" + r["record_id"].rsplit(":", 1)[-1]
           for r in ex.rows["indicators"] if ":text-" in r["record_id"]}
    assert {"L1611:0", "L1547:m0", "L1848:m0"} <= ids


def test_000_company_figures_take_the_subject_company_country(extracted):
    """rules/indicator_text.yaml ``company_intro`` / ``subject_opening``; mappers/indicator_scope.py."""
    ex = extracted[TIER]
    assert [(r[0], r[3], r[8], r[9]) for r in _rows_at(
        ex, "L1579-1579", "L1589-1589", "L1593-1593", "L1611-1611", "L1629-1629", "L1689-1689", "L1929-1929")] == [
        # 2016年創立於立陶宛的軟體新創公司 GiniMachine …; 客戶運用 GiniMachine 的解決方案,…貸款核准率提高 30%,且違約率
        # 降低了 25%。此平台…為金融機構創造高達 10 億美元的貸款機會 (no company named: the paragraph's subject, LT)
        ("L1579-1579", "LT", "30%", None), ("L1579-1579", "LT", "25%", None), ("L1579-1579", "LT", "10 億美元", None),
        # 2011 年成立於葡萄牙的 Feedzai…。在應用實例中,Feedzai 的解決方案每年可處理全球客戶委託的案件 590 億件 (PT, not
        # the 全球 of the clause; 每年…處理 is a volume handled)
        ("L1589-1589", "PT", "590 億件", None),
        # 163發祥於瑞士蘇黎世理工學院的新創公司 mimic …在種子輪募得了230萬歐元
        ("L1593-1593", "CH", "230萬歐元", None),
        # 藥物的研發…而研發的成果僅有 10%能進入市場 (before Owkin's introduction: no company; 歐盟 section: WLD)
        ("L1611-1611", "WLD", "10%", None),
        # 依據「家庭醫學年鑑」(Annals of Family Medicine) 2017 年的統計,醫生每日花費約3小時…需花費6小時以上
        ("L1629-1629", "WLD", "3小時", "家庭醫學年鑑"), ("L1629-1629", "WLD", "6小時", "家庭醫學年鑑"),
        # #### 3. PolyAI / PolyAI 是 2017 年於英國倫敦創立的新創公司…PolyAI 強調其產品能協助企業處理 50%以
        ("L1689-1689", "GB", "50%", None),
        # L1902 …並與瑞士機器人新創公司 Swiss-Mile 合作 (a partner mid-sentence, not a subject): LG CNS's 30% stays KR
        ("L1929-1929", "KR", "30%", None),
    ]
    assert [r[2] for r in _rows_at(ex, "L1629-1629")] == ["time_spent", "time_spent"]
    # L1669 可處理 12.8 萬個 token 大小的文本: a capacity without a period (a product specification), not read
    assert not _rows_at(ex, "L1669-1669")


def test_000_money_spent_and_counts_completed(extracted):
    """``achieved_more`` (耗費, 完成) and ``indicators_first`` (cost_incurred) on 000's 中國 section."""
    assert _rows_at(extracted[TIER], "L2001-2001", "L2045-2045") == [
        # L2001 再加上先前提及中國已有 188 個 GenAI 模型完成備案、26 個 GenAI 模型完成登記 (先前提及: no publisher)
        ("L2001-2001", None, "count", "CN", None, None, 188.0, "個", "188 個", None),
        ("L2001-2001", None, "count", "CN", None, None, 26.0, "個", "26 個", None),
        # L2045 2025年1月DeepSeek企業推出DeepSeek R1,…在建模過程只需耗費 600萬美元 (a year with its month dates the
        # launch, not the figure)
        ("L2045-2045", None, "cost_incurred", "CN", None, None, 600.0, "萬美元", "600萬美元", None),
    ]
