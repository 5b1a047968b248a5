"""The tables of document 000 mapped last (表 1-1, 2-4, 2-5, 2-6, 3-2, 3-3, 3-5, 3-8 to 3-12), on the real text.

Every test runs the real extraction on the verified snapshot
(sources/tier-2025-genai-global-economy/2026-11-21/document.txt); nothing is mocked. Expected values were
read by hand from the snapshot; their line numbers (1-based) are cited next to them. ``⟶`` in the comments
stands for a TAB.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

import schemas
from extractors.report_text import tables as rt

SOURCE_ID = "tier-2025-genai-global-economy"
LOCATOR_RE = re.compile(r"^表 (\d+-\d+) L(\d+)-(\d+)$")
NEW_TABLES = ["1-1", "2-4", "2-5", "2-6", "3-2", "3-3", "3-5", "3-8", "3-9", "3-10", "3-11", "3-12"]


# fixtures snapshot, extraction, tables (document 000): tests/conftest.py


def _rows(extraction, table: str, table_id: str) -> list[dict]:
    return [r for r in extraction.rows[table]
            if (m := LOCATOR_RE.match(r["source_locator"])) and m.group(1) == table_id]


def _flags(extraction, check: str, table_id: str) -> list[dict]:
    return [f for f in extraction.rows["quality_flags"]
            if f["check_name"] == check and f["source_locator"].startswith(f"表 {table_id} ")]


def _indicator(extraction, locator: str, year: int) -> dict:
    hits = [r for r in extraction.rows["indicators"] if r["source_locator"] == locator and r["period_start"] == year]
    assert len(hits) == 1, (locator, year, hits)
    return hits[0]


def _nospace(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- every captioned table is in the release as printed -----------------------------------------

def test_every_captioned_table_is_extracted(snapshot, extraction):
    captioned = {c.table_id for c in rt.find_captions(snapshot.lines)}
    in_release = {r["table_id"] for r in extraction.rows["report_tables"]}
    assert captioned == in_release
    assert len(captioned) == 21                                    # 表 1-1, 2-1 … 2-6, 3-1 … 3-14


@pytest.mark.parametrize("table_id,rows", [
    ("1-1", 32),    # L144-178: 35 printed lines, three labels wrap (L148-149, L161-162, L177-178)
    ("2-4", 4),     # L559-562
    ("3-2", 9),     # L846-854
    ("3-3", 2),     # L935-937: the 範例 row spans L935-936
    ("3-5", 11),    # L1033-1072: the 11 items
    ("3-8", 6),     # L1272-1279 (L1276 is all noise)
    ("3-9", 3),     # L1290-1295, two lines per row
    ("3-10", 6),    # L1326-1333
    ("3-11", 27),   # L1736-1762
    ("3-12", 9),    # L1911-1919
])
def test_logical_row_counts(tables, table_id, rows):
    assert len(tables[table_id].rows) == rows


@pytest.mark.parametrize("table_id,line", [("2-5", 610), ("2-6", 627)])
def test_chart_tables_kept_as_caption_with_a_flag(extraction, table_id, line):
    cells = [r for r in extraction.rows["report_tables"] if r["table_id"] == table_id]
    assert len(cells) == 1 and cells[0]["value"] is None
    assert (cells[0]["line_start"], cells[0]["line_end"]) == (line, line)
    assert cells[0]["caption"].startswith(f"表 {table_id} 應用 GenAI 技術提升")
    flags = _flags(extraction, "no_tabular_body", table_id)
    assert [f["source_locator"] for f in flags] == [f"表 {table_id} L{line}-{line}"]
    assert _rows(extraction, "indicators", table_id) == []


# --- 表 1-1 GPU demand model -> indicators ----------------------------------------------------------

def test_gpu_demand_counts(extraction):
    rows = _rows(extraction, "indicators", "1-1")
    # 13 training rows with values (L147 "N )" skipped) = 64 cells; 15 inference rows, L177-178 skipped and
    # one conflicting cell at L161-162 = 73 cells
    assert len(rows) == 137
    assert {r["section"] for r in rows} == {"訓練端", "推理端"}                 # L144, L160
    assert {r["scope"] for r in rows} == {"WLD"} and {r["publisher"] for r in rows} == {"全球工商"}   # L180


def test_gpu_demand_hand_checked_cells(extraction):
    # L157 "訓練 GPU 需求量 (萬顆) (以 A100 FP16 算力運算)⟶0.74⟶2.00⟶4.07⟶7.38⟶12.59"
    r = _indicator(extraction, "表 1-1 L157-157", 2027)
    assert (r["value"], r["unit"], r["value_printed"], r["section"]) == (12.59, "萬顆", "12.59", "訓練端")
    # L175 "推理 GPU 需求量 (萬顆) …⟶246.91⟶…⟶1,375.44"
    assert _indicator(extraction, "表 1-1 L175-175", 2023)["value"] == 246.91
    assert _indicator(extraction, "表 1-1 L175-175", 2027)["value_printed"] == "1,375.44"
    # L148-149: the label wraps ("單個模型單 Token 訓練所需運" / "算次數 (TFLOPS-s, 6N)⟶1.20⟶…")
    r = _indicator(extraction, "表 1-1 L148-149", 2023)
    assert (r["value"], r["unit"]) == (1.2, "TFLOPS-s")
    assert _nospace(r["measure"]) == "單個模型單Token訓練所需運算次數(TFLOPS-s,6N)"
    # L151 "年增率⟶⟶20.00%⟶…": a percentage, nothing printed for 2023
    assert _indicator(extraction, "表 1-1 L151-151", 2024)["unit"] == "%"
    assert [r for r in extraction.rows["indicators"] if r["source_locator"] == "表 1-1 L151-151"
            and r["period_start"] == 2023] == []
    # L171 "最大併發峰值算力乘數⟶10⟶…": a multiplier has no unit
    assert _indicator(extraction, "表 1-1 L171-171", 2025)["unit"] is None


def test_gpu_demand_noise_is_flagged_not_data(extraction):
    # L147 "N )⟶⟶20.00%⟶…": a label tail, not a measure
    unreadable = {f["source_locator"] for f in _flags(extraction, "label_unreadable", "1-1")}
    # L177-178 "推理 GPU 需求價值量 (億美" / "元) 森州市近:入北一京(2022⟶⟶104.20⟶…": garbled second line
    assert unreadable == {"表 1-1 L147-147", "表 1-1 L177-178"}
    assert not [r for r in extraction.rows["indicators"]
                if r["source_locator"] in ("表 1-1 L147-147", "表 1-1 L177-178")]
    assert not [r for r in extraction.rows["indicators"] if "森州" in (r["measure"] or "")]
    # L161 "全球大規模日活使用人數(億⟶_⟶⟶10⟶1.7⟶20", L162 "人)⟶2⟶6⟶10⟶15⟶20"
    conflict = _flags(extraction, "value_conflict", "1-1")
    assert len(conflict) == 1 and "'1.7', '15'" in conflict[0]["detail"]
    assert [r["period_start"] for r in extraction.rows["indicators"] if r["source_locator"] == "表 1-1 L161-162"] \
        == [2023, 2024, 2025, 2027]
    assert _indicator(extraction, "表 1-1 L161-162", 2023)["value"] == 2                 # from L162
    assert _indicator(extraction, "表 1-1 L161-162", 2025)["value"] == 10                # printed on both lines
    assert len(_flags(extraction, "value_printed_twice", "1-1")) == 2                   # 2025 and 2027
    garbage = _flags(extraction, "ocr_garbage", "1-1")
    assert [f["source_locator"] for f in garbage] == ["表 1-1 L161-161"]                 # the "_" cell


# --- 表 3-2 supercomputer ranks -> indicators --------------------------------------------------------

def test_supercomputer_ranks(extraction):
    rows = _rows(extraction, "indicators", "3-2")
    assert len(rows) == 18                                        # 9 systems x (TOP500, Green500)
    assert {r["period_start"] for r in rows} == {2024} and {r["unit"] for r in rows} == {"rank"}
    assert {r["publisher"] for r in rows} == {"TOP500"}                                   # L856
    by = {(r["subject"], r["indicator"]): r for r in rows}
    assert (by[("LUMI", "top500_rank")]["value"], by[("LUMI", "top500_rank")]["scope"]) == (5, "FI")   # L846
    assert by[("LUMI", "green500_rank")]["value"] == 12                                   # L846
    jedi = by[("JEDI (JUPITER 的第一個模組)", "green500_rank")]                             # L854
    assert (jedi["value"], jedi["scope"], jedi["source_locator"]) == (1, "DE", "表 3-2 L854-854")
    assert by[("VEGA", "top500_rank")]["scope"] == "SI"                                   # L853 斯洛維尼亞
    assert by[("DISCOVERER", "top500_rank")]["measure"] == "超級電腦排名"                   # L845 header


# --- 表 2-4 productivity impact -> market_figures ---------------------------------------------------

def test_productivity_figures(extraction):
    rows = {r["record_id"].rsplit(":", 1)[1]: r for r in _rows(extraction, "market_figures", "2-4")}
    assert sorted(rows) == ["c1", "c2", "c3", "c4", "c5"]
    c1 = rows["c1"]                                      # L559-562 column 1: 麥肯錫 全球 2023-2040 0.1~0.6
    assert (c1["publisher_printed"], c1["scope"], c1["period_start"], c1["period_end"], c1["value_low"],
            c1["value_high"]) == ("麥肯錫", "WLD", 2023, 2040, 0.1, 0.6)
    assert (rows["c2"]["publisher_printed"], rows["c2"]["value_printed"], rows["c2"]["period_basis"]) == \
        ("高盛", "1.4", None)
    # L560 prints "零售和消費用品業 銀行業 醫藥" in column 3 for columns 3-5; L562 ⟶1.2~2.0⟶2.8~4.7⟶2.6~4.5
    assert [(rows[c]["segment"], rows[c]["value_printed"], rows[c]["period_basis"], rows[c]["publisher_printed"])
            for c in ("c3", "c4", "c5")] == [("零售和消費用品業", "1.2~2.0", "per_year", "麥肯錫"),
                                             ("銀行業", "2.8~4.7", "per_year", "麥肯錫"),
                                             ("醫藥業", "2.6~4.5", "per_year", "麥肯錫")]
    assert {r["metric"] for r in rows.values()} == {"genai_productivity_impact"}
    assert {r["currency"] for r in rows.values()} == {None}
    # L558 spans 宏觀生產力影響 over columns 1-2 and 產業生產力影響 over columns 3-5
    assert [(rows[c]["row_group"], rows[c]["row_group_printed"]) for c in sorted(rows)] == \
        [("macro", "宏觀生產力影響")] * 2 + [("industry", "產業生產力影響")] * 3
    assert [rows[c]["publisher"] for c in sorted(rows)] == ["McKinsey & Company", "Goldman Sachs"] + \
        ["McKinsey & Company"] * 3


def test_productivity_flags(extraction):
    spread = _flags(extraction, "collapsed_cell_spread", "2-4")
    assert sorted(f["record_key"].rsplit(":", 1)[1] for f in spread) == ["c3", "c3", "c4", "c4"]
    merged = [f for f in _flags(extraction, "merged_cell_resolved", "2-4")]
    assert sorted(f["record_key"].rsplit(":", 1)[1] for f in merged) == ["c4", "c5"]       # 麥肯錫 at L559 c3
    period = _flags(extraction, "period_unreadable", "2-4")                                 # L561 "10 年"
    assert len(period) == 1 and "'10 年'" in period[0]["detail"]


# --- tables kept as printed ------------------------------------------------------------------------

def test_risk_tiers_3_3(tables, extraction):
    t = tables["3-3"]
    example, control = t.rows
    assert (example.line_start, example.line_end) == (935, 936)
    assert example.cells == ["範例", "支援 AI 的遊戲、垃圾郵件過濾軟體", "聊天機器人、深偽等 GenAI",     # L935-936
                             "醫療裝置保健、金融、交通", "社會信用評分、有害的操縱"]
    assert control.cells[0] == "管制方法" and control.cells[2] == "須遵守透明度義務"              # L937
    assert [f["source_locator"] for f in _flags(extraction, "ocr_garbage", "3-3")] == ["表 3-3 L935-935"]


def test_code_of_conduct_3_5(tables, extraction):
    rows = tables["3-5"].rows
    assert [int(re.match(r"(\d+)\.", r.cells[0]).group(1)) for r in rows] == list(range(1, 12))
    # item 2: label on L1040-1041, its explanation printed centred against it on L1036-1045
    assert (rows[1].line_start, rows[1].line_end) == (1036, 1045)
    assert rows[1].cells[1].startswith("組織必須確保其 AI 系統") and rows[1].cells[1].endswith("人提供漏洞報告機制。")
    assert (rows[2].line_start, rows[2].line_end) == (1046, 1048)
    # items 9-11 continue after the blank line L1068
    assert (rows[8].line_start, rows[10].line_end) == (1069, 1072)
    assert rows[10].cells[0] == "11.導入資料控管措施並保護個人資料和智慧財產權。"                     # L1071-1072
    garbage = sorted(f["source_locator"] for f in _flags(extraction, "ocr_garbage", "3-5"))
    assert garbage == ["表 3-5 L1049-1049", "表 3-5 L1061-1061", "表 3-5 L1065-1065"]
    values = " ".join(r["value"] or "" for r in extraction.rows["report_tables"] if r["table_id"] == "3-5")
    assert "4 7 1 1" not in values and "届开发" not in values and "7.4.4.4" not in values


def test_org_chart_3_8(tables, extraction):
    t = tables["3-8"]
    assert t.body_lines == (1271, 1279)                           # continues after the blank line L1275
    assert t.rows[-2].cells == ["AI半導體", "技術研發", "法律制度", "倫理安全", "人才培養", "AI 生物"]  # L1278
    assert t.rows[0].cells[2] == "共同主席: 公部門(科技部部長)、私部門(太在大學校長)"                   # L1272
    garbage = sorted(f["source_locator"] for f in _flags(extraction, "ocr_garbage", "3-8"))
    assert garbage == ["表 3-8 L1276-1276", "表 3-8 L1277-1277"]                 # "□ □ □ A", "·貝曾 —————"


def test_industry_plan_3_9(tables):
    rows = tables["3-9"].rows
    assert [(r.line_start, r.line_end) for r in rows] == [(1290, 1291), (1292, 1293), (1294, 1295)]
    assert rows[0].cells[:2] == ["專門負責中心", "電信 AI 負責中心"]                 # L1290-1291
    assert rows[2].cells[3] == "主要金融公司"                                       # L1294-1295


def test_company_cases_3_11_and_solutions_3_12(tables):
    cases = tables["3-11"].rows
    assert cases[19].cells[:2] == ["政府機關與政黨", "自民黨"]                          # L1755
    assert cases[-1].cells[1] == "Cyber Agent" and cases[-1].line_start == 1762       # L1762
    sols = tables["3-12"].rows
    assert sols[0].cells == ["企業知識問答", "一般業務", "公司規定"]                        # L1911
    assert sols[1].cells[0] is None and sols[1].cells[1] == "R&D"                      # L1912, merged 方案
    assert tables["3-12"].source_note == "LG CNS(2024)。"                                # L1921


# --- 表 3-10 Korean bills -> policy_mentions --------------------------------------------------------

def test_korean_bills_3_10(extraction):
    bills = sorted(_rows(extraction, "policy_mentions", "3-10"),
                   key=lambda r: int(LOCATOR_RE.match(r["source_locator"]).group(2)))
    assert len(bills) == 6
    assert {(r["jurisdiction"], r["instrument_type"], r["status"], r["context"]) for r in bills} == \
        {("KR", "bill", "proposed", "table")}
    got = [(r["source_locator"], r["issuer_printed"], r["issued_on"].isoformat()) for r in bills]
    assert got == [
        # L1326-1327 由安哲秀議員作為主要提案 / 人於 2024 年 5 月 31 日提出
        ("表 3-10 L1326-1327", "安哲秀議員", "2024-05-31"),
        ("表 3-10 L1328-1328", "鄭点植議員", "2024-06-17"),
        ("表 3-10 L1329-1329", "趙寅喆議員", "2024-06-19"),
        ("表 3-10 L1330-1331", "金成願議員", "2024-06-19"),
        ("表 3-10 L1332-1332", "議員閔炯培", "2024-06-28"),       # L1332 由議員閔炯培作為主要提案人於2024年6月28日提出
        ("表 3-10 L1333-1333", "議員權七勝", "2024-07-04"),
    ]
    assert _nospace(bills[0]["title"]) == "促進AI產業和確保可靠性之法案"                    # L1326-1327
    assert bills[5]["text"].startswith("成立總理直屬國家AI委員會")                          # L1333
    assert _flags(extraction, "issued_unsplit", "3-10") == []


# --- garbage detection on the new noise ------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "4 7 1 1 1 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1",     # L1049
    "7.4.4.4.4.7.4.4.4.4.4.4.4.4.4.4.4.4.4.4",     # L1061
    "0届开发仁津小社会改入4. 改入归赎口办儿",        # L1065
    "·貝曾 —————",                                 # L1277
    "_",                                           # L161
    "然 石",                                        # L935 (after its <b> tag is stripped)
])
def test_new_noise_is_garbage(text):
    assert rt.is_ocr_garbage(text)


@pytest.mark.parametrize("text", [
    "2,000", "20.00%", "1,010.53", "0.74",         # L146, L147, L170, L157
    "JEDI (JUPITER 的第一個模組)",                  # L854
    "雲雀餐飲集團すか いら一く",                      # L1740
    "横浜銀行", "みずほグループ",                     # L1747, L1746
    "人工智慧策略高層諮詢委員會",                     # L1271
    "附屬委",                                       # L1277 (a clipped label, kept)
])
def test_new_real_values_are_not_garbage(text):
    assert not rt.is_ocr_garbage(text)


# --- contract and expectations ----------------------------------------------------------------------

def test_indicators_fit_the_contract_and_pass_expectations(extraction):
    from expectations import suites
    from warehouse import staging

    rows = extraction.rows["indicators"]
    staging.to_arrow("indicators", rows)                         # raises when a row does not fit the schema
    frame = pd.DataFrame(rows, columns=[c.name for c in schemas.table("indicators").columns])
    report = suites.validate_frames({"indicators": frame})
    failed = [e for e in report["tables"]["indicators"]["expectations"] if not e["success"]]
    assert failed == []
    # 137 (表 1-1) + 18 (表 3-2) + 51 in running text (35, and 16 job forecasts, pledges, multiples, counts cut by
    # a line break, per-period volumes, time and money spent, counts completed)
    assert report["tables"]["indicators"]["rows"] == 206
