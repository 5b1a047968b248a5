"""Every target of every KPI passage (issue 15, item 2, second part): document 003's targets printed again in
表 1's [註 1] (L277-306), 四、社會參與 (L148-177), 肆 一、主要工作項目 (L344-365), 表 3 全程計畫各年度重點規劃
(L371-390), 肆 三 (二) 各分項執行方法說明 (L441-1533) and 柒 財務計畫's table (L1671-1688); document 002's result
slides 1. 執行成果 (L635-640) and 2. AI 產業推動執行成果 (L887-920). Rules: extractors/report_text/mappers/kpi_text.py
and kpi_targets.py.

The real extraction runs on the verified snapshots; every expected value was read by hand from the snapshot
text (line numbers 1-based, cited next to them).
"""
from __future__ import annotations


import pytest

from extractors.core import snapshots
from extractors.core.records import SpecError
from extractors.report_text import extract
from extractors.report_text.mappers.kpi_targets import read_targets
from tests.helpers import broken_spec

MODA = "moda-2025-ai-industry-programme"
NSTC = "nstc-2024-ai-industry-law-report"


@pytest.fixture(scope="module")
def moda():
    return extract.extract_source(snapshots.load(MODA)).rows["kpis"]


@pytest.fixture(scope="module")
def nstc():
    return extract.extract_source(snapshots.load(NSTC)).rows["kpis"]


def _section(rows, name: str) -> list[tuple]:
    """(line, value, unit, comparator, period_basis, value_printed) of a kpi_text section's own rows."""
    out = []
    for r in rows:
        if f":text-{name}:" in r["record_id"]:
            line = int(r["source_locator"].split("-")[0][1:])
            out.append((line, r["target_value"], r["target_unit"], r["comparator"], r["period_basis"],
                        r["value_printed"]))
    return out


def _others(rows, line: int) -> list[str]:
    """value_printed of the rows that name ``L<line>`` among their other_locators (a repeat joined them)."""
    return [r["value_printed"] for r in rows if f"L{line}-{line}" in (r["other_locators"] or "").split("; ")]


def test_yearly_targets_of_note_1_in_roc_years(moda):
    # L283 "全程將產出 10 個模型，114 年產出 3 個，…。115-116 年規劃產出 6 個模型並強化在地合規性，…。117 年
    # 除持續優化…，亦將新增 1 個行業別模型"; L289 "全程發展 10 個應用驗證"; ROC 114 = 2025, 116 = 2027
    assert [(r["target_value"], r["period_basis"], r["target_year"], r["qualifier"], r["value_printed"])
            for r in moda if ":text-表 1 註 1:" in r["record_id"]] == [
        (10.0, "period_total", 2028, None, "全程將產出 10 個模型"),
        (3.0, "by_end", 2025, None, "114 年產出 3 個"),
        (6.0, "period_total", 2027, "115-116 年", "115-116 年規劃產出 6 個模型並強化在地合規性"),
        (1.0, "by_end", 2028, None, "亦將新增 1 個行業別模型"),
        (10.0, "period_total", 2028, None, "全程發展 10 個應用驗證")]
    # a year inside 「」 (a programme's name) or a parenthesis sets nothing (derived from L262 and L193)
    assert read_targets("依「113 年推動各產業導入生成式 AI 先期計畫」調研，累積 3 件", "roc")[0]["target_year"] is None
    assert read_targets("計畫(執行至 114 年 8 月)培育 500 位", "roc")[0]["target_year"] is None


def test_social_participation(moda):
    # L154 "…包含透過每年培育 500 位跨域整合人才及 10-15 位種子教師" (the range 10-15 位 is not read);
    # L162 "每年吸引 10 萬人次參與"
    assert _section(moda, "社會參與") == [
        (154, 500.0, "位", "exact", "per_year", "包含透過每年培育 500 位跨域整合人才及 10-15 位種子教師"),
        (162, 10.0, "萬人次", "exact", "per_year", "每年吸引 10 萬人次參與")]
    assert not [r for r in moda if r["target_value"] == 15.0 and r["target_unit"] == "位"]


def test_main_work_items(moda):
    rows = _section(moda, "主要工作項目")
    assert len(rows) == 18
    # L348 "…完成 3 件 AI 轉型應用示範案例…每年培育至少種子教師 10 位、至少 500 位…，導入至少 10 家…完成 4 場…"
    assert [r[1:5] for r in rows if r[0] == 348] == [
        (3.0, "件", "exact", "by_end"), (10.0, "位", "at_least", "per_year"), (500.0, "位", "at_least", "per_year"),
        (10.0, "家", "at_least", "per_year"), (4.0, "場", "exact", "by_end")]
    # L356 "促成產業投資 AI 達 25 億" (億 without 元, as printed); L358 "全程吸引 40 萬人次參與活動"
    assert (356, 25.0, "億", "exact", "per_year", "促成產業投資 AI 達 25 億") in rows
    assert (358, 40.0, "萬人次", "exact", "period_total", "全程吸引 40 萬人次參與活動") in rows
    # L348's 50%輔導對象 is 目標 1's (L198); L353 "每年整合至少 15 項…並達 80%成功商轉" is 量化效益 L1644's
    assert _others(moda, 348) == ["預計以 50% 輔導對象為中小企業從業人員為目標"]
    assert _others(moda, 353) == ["每年整合至少 15 項創新服務解方", "並達 80%成功商轉"]
    assert {r["indicator"] for r in moda if ":text-主要工作項目:L364:" in r["record_id"]} == \
        {"分項三：開發 AI 技術及驗證"}


def test_yearly_plan_table_3(moda):
    rows = _section(moda, "各年度重點規劃")
    assert len(rows) == 21
    # L384 (執行策略 cell): three platform prototypes (1 式 each) and what each holds and reaches
    assert [(r[1], r[2]) for r in rows if r[0] == 384] == [
        (1.0, "式"), (4.0, "項"), (3.0, "項"), (1.0, "項"), (10.0, "家次"), (4.0, "個"), (1.0, "式"), (2.0, "項"),
        (5.0, "家次"), (1.0, "家"), (1.0, "式"), (2.0, "項"), (3.0, "家次")]
    # L378 "…全程促成 PoC 階段應用程度平均超過 50%"
    assert (378, 50.0, "%", "at_least", "period_total", "全程促成 PoC 階段應用程度平均超過 50%") in rows
    # the indicator is the row's 工作項目 cell as printed (L390)
    r = [r for r in moda if r["record_id"].endswith(":text-各年度重點規劃:L390:2")][0]
    assert (r["indicator"], r["target_value"], r["target_unit"]) == ("企業帶題參訓 培養製造產業 AI 艦隊", 20.0, "隊")
    # L374 "每年培育 500 位跨領域整合型人才，導入 10 家企業、培訓就業率 50% 以上" repeats 表 1 L262's targets
    assert _others(moda, 374) == ["每年培育 500 位跨領域整合型人才(培育女性人才不少於三分之一)", "培訓就業率 50%以上"]
    # the header (L373, L381, L387) and the V marks of the ROC year columns print no target
    assert not [r for r in rows if r[0] in (373, 381, 387)]


def test_work_item_prose_reads_only_planned_sentences(moda):
    rows = _section(moda, "執行方法")
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (467, 1.0, "場"), (494, 50.0, "%"), (602, 50.0, "%"), (684, 8.0, "億元"), (916, 1400.0, "家"),
        (916, 100.0, "家"), (961, 3.0, "個"), (1143, 40.0, "家"), (1143, 1400.0, "家"), (1155, 50.0, "%"),
        # L1330 預估推廣管道接觸到 20 萬家的中小企業 (萬家 a measure word); L1470 本年度…將開發 2 個應用案例
        # 公版 (本年度 plans); L1532 the results the plan expects (預期/預計 lift the effect-estimate veto), with
        # the premise 高達 70%以上 of the same sentence
        (1330, 20.0, "萬家"), (1470, 2.0, "個"), (1532, 70.0, "%"), (1532, 20.0, "%"), (1532, 15.0, "%"),
        (1532, 30.0, "%")]
    lines = {r[0] for r in rows} | {int(loc.split("-")[0][1:]) for r in moda
                                    for loc in (r["other_locators"] or "").split("; ") if loc}
    # market forecasts (L535 Global Market Insights, MarketsandMarkets), surveys (L608 Gartner, L615-625 表,
    # L631 PwC, L1277 Gartner, L1282 DMA), a worked example (L786) and a figure no plan word promises (L943) are
    # not targets
    assert not lines & {535, 608, 615, 625, 631, 786, 943, 1277, 1282}
    # L602 "由 32.5%(2023 年)提升至 50%(2028 年)" is 表 1 L264's target; L1529's 50% and 50% are 表 1 L269's
    assert _others(moda, 602) == ["數位經濟產業之 AI 應用普及率由 32.5%(2023 年)提升至 50%"]
    assert _others(moda, 1529) == ["協助企業降低 50%內容製作時間", "提升 50%經營效率"]
    # L500, L511 and L522 print L494's target again
    r = [r for r in moda if r["record_id"].endswith(":text-執行方法:L494:0")][0]
    assert (r["other_locators"], r["comparator"], r["qualifier"]) == \
        ("L500-500; L511-511; L522-522", "at_least", "達 以上")


def test_budget_and_finance_table_items(moda):
    # 表 4's 工作項目說明 cells and 柒's 項目說明 cells, cut at their <p>/<ul> tags and ● bullets, print 表 3's
    # targets again (other_locators); their own rows are what differs from 表 3 (L1559 400 家次, 表 3 has
    # none and 量化效益 L1645 says 600 家次) or is worded apart (柒 L1685 "1 項臺灣文", cut by a page break)
    assert [(r[0], r[1], r[2], r[5]) for r in _section(moda, "分年經費規劃")] == [
        (1559, 400.0, "家次", "累計參與企業達 400 家次"),
        (1566, 8.0, "個", "全程發展行業別應用於 8 個臺灣特色產業"),
        (1566, 1400.0, "家", "全程推動 1,400 家廠商使用本計畫 AI 應用服務"),
        (1567, 5.0, "家次", "推動 5 家次企業應用數位信任驗證工具")]
    assert [(r[0], r[1], r[2], r[5]) for r in _section(moda, "財務計畫")] == [
        (1685, 1.0, "式", "AI 服務應用類型 1 式"), (1685, 1.0, "項", "1 項臺灣文"),
        (1688, 1.0, "式", "服務場域視覺理解整合載具部署類型 1 式"), (1688, 1.0, "式", "數位信任 AI 類型 1 式")]
    assert _others(moda, 1684) == ["以三大類應用驗證於 40 家企業(8 個產業)", "全程發展行業別應用於 8 個臺灣特色產業",
                                   "全程推動 1,400 家廠商使用本計畫 AI 應用服務"]
    # the indicator is the cell's work item (表 4 <p>…</p>)
    r = [r for r in moda if r["record_id"].endswith(":text-分年經費規劃:L1559:1")][0]
    assert r["indicator"] == "偕同法人與公協會能量引導各行各業跨界合作"
    assert not [r for r in moda if "<" in r["value_printed"] or "●" in r["value_printed"]]
    # the amounts of 表 4's year columns (0.720 …) and 柒's 成本 cells (114 年 0.720) are budgets, not targets
    assert not [r for r in moda if r["target_value"] in (0.72, 0.8, 2.4)]


def test_qualitative_benefits(moda):
    # L1621 "…每年吸引 10 萬人次參與競賽、大型活動與推廣；…。20 件 AI 應用代表將經選" / L1623 "拔與深度輔導，…
    # 且至少 80% 的成功率…": 10 萬人次 is L162's target again
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in _section(moda, "質化效益")] == [
        (1621, 20.0, "件", "exact", "20 件 AI 應用代表將經選"),
        (1623, 80.0, "%", "at_least", "且至少 80% 的成功率不僅提升團隊競爭力")]
    assert _others(moda, 1621) == ["每年吸引 10 萬人次參與"]


def test_a_restated_level_is_not_a_target(moda):
    # L198 "預計以 50% 輔導對象為中小企業從業人員為目標。目標設定在至少達成 50%，…故預定輔導學員至少 50%
    # 就業率": 目標設定在至少達成 50% restates the 就業率 target (tests/reference/kpis.yaml, 003-goals)
    assert [(r["value_printed"], r["comparator"], r["period_basis"]) for r in moda
            if r["source_locator"] == "L198-198"] == [
        ("預計以 50% 輔導對象為中小企業從業人員為目標", "exact", "by_end"),
        ("故預定輔導學員至少 50% 就業率", "at_least", "by_end")]
    # without the subjectful twin the bare level stays a target (derived from L198's sentence)
    assert [t["value_printed"] for t in read_targets("目標設定在至少達成 50%")] == ["目標設定在至少達成 50%"]


def test_result_slides_of_002(nstc):
    text = [r for r in nstc if ":text-" in r["record_id"]]
    assert {r["value_kind"] for r in text} == {"achieved"} and {r["period_basis"] for r in text} == {None}
    # L638 "本計畫累積產出**關鍵專利82件**，**補助或技轉廠商共67家**，**累計促投超過200億元**、**衍生產值超過350億元**"
    assert [(r["target_value"], r["target_unit"], r["comparator"]) for r in text
            if r["source_locator"] == "L638-638"] == [
        (82.0, "件", "exact"), (67.0, "家", "exact"), (200.0, "億元", "at_least"), (350.0, "億元", "at_least")]
    assert {r["programme"] for r in text if r["source_locator"] == "L638-638"} == {"AI on Chip計畫"}
    # L640 "AITA聯盟會員倍數成長，從108年成立時為56家，迄今157家": 157 with baseline 56 in ROC 108 = 2019
    r = [r for r in text if r["source_locator"] == "L640-640"][0]
    assert (r["target_value"], r["baseline_value"], r["baseline_year"], r["value_printed"]) == \
        (157.0, 56.0, 2019, "從108年成立時為56家，迄今157家")
    # L639's shipments (50萬顆) and share (近五成) are firms' forecasts without a measure word: not read
    assert not [r for r in text if r["source_locator"] == "L639-639"]
    # L897-920: 14 figures; L919 "**超過9千人次**", L920 "**超過4.2萬人次**觀展"; L919's 2日, L920's 3天 are durations
    slide = [r for r in text if ":text-AI 產業推動執行成果:" in r["record_id"]]
    assert len(slide) == 14
    assert [(r["target_value"], r["target_unit"], r["qualifier"]) for r in slide
            if r["source_locator"] in ("L919-919", "L920-920")] == [
        (9.0, "千人次", "超過"), (160.0, "個", None), (200.0, "位", "超過"), (4.2, "萬人次", "超過")]
    assert {r["indicator"] for r in slide if r["source_locator"] == "L918-918"} == {"展會論壇活動"}


def test_three_digit_year_needs_the_roc_calendar():
    from extractors.core.normalise import NormaliseError
    # derived from 002 L640: a three-digit founding year is read only as an ROC year
    with pytest.raises(NormaliseError):
        read_targets("從108年成立時為56家，迄今157家")
    assert read_targets("從108年成立時為56家，迄今157家", "roc")[0]["baseline_year"] == 2019


@pytest.mark.parametrize("old, new, cause", [
    ("    cell: 2\n", "    cell: '2'\n", "cell must be a column number, got '2'"),
    ("    sentences: planned\n", "    sentences: all\n", "sentences must be 'planned', got 'all'"),
])
def test_kpi_text_section_keys_are_checked(tmp_path, monkeypatch, old, new, cause):
    """Faults derived from the real spec: 表 3's section gets a quoted cell, 社會參與's an unknown sentences."""
    broken_spec(tmp_path, monkeypatch, MODA, old, new)
    with pytest.raises(SpecError) as err:
        extract.load_spec(MODA)
    assert str(err.value).endswith(cause) and "(kpi_text entry " in str(err.value)
