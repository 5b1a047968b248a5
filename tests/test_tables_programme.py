"""Budgets, KPIs and slide tables of documents 003 (MODA programme plan) and 002 (NSTC slide deck).

Every test runs the real extraction on the verified snapshots; nothing is mocked. Expected values were read
by hand from the snapshot text; line numbers (1-based) are cited next to them. ``⟶`` stands for a TAB.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

from expectations import suites
from extractors.report_text import extract
from extractors.core import snapshots
from extractors.report_text import tables as rt

MODA = "moda-2025-ai-industry-programme"
NSTC = "nstc-2024-ai-industry-law-report"


@pytest.fixture(scope="module")
def moda():
    return extract.extract_source(snapshots.load(MODA))


@pytest.fixture(scope="module")
def nstc():
    return extract.extract_source(snapshots.load(NSTC))


def _table(rows: list[dict], table_id: str) -> list[dict]:
    return [r for r in rows if re.match(rf"^表 {re.escape(table_id)} L", r["source_locator"])]


def _flags(ex, check: str) -> list[dict]:
    return [f for f in ex.rows["quality_flags"] if f["check_name"] == check]


def _one(rows, **kw) -> dict:
    hits = [r for r in rows if all(r[k] == v for k, v in kw.items())]
    assert len(hits) == 1, (kw, len(hits))
    return hits[0]


# --- captions and table mechanics (document 003) ----------------------------------------------

def test_captions_in_the_comma_style(moda):
    lines = snapshots.load(MODA).lines
    caps = rt.find_captions(lines)
    # L259 "表 1、各績效指標全期目標值" ... L1592 "表 6、工作項目分年經費表"; the list of tables (L48-52) is skipped
    assert [(c.table_id, c.line) for c in caps] == [("1", 259), ("2", 329), ("3", 371), ("4", 1548),
                                                    ("5", 1575), ("6", 1592)]
    assert caps[3].title == "分年經費規劃" and caps[3].text == "表 4、分年經費規劃"


def test_unit_line_and_page_breaks(moda):
    spec = extract.load_spec(MODA)
    tables = {t.table_id: t for t in rt.find_tables(MODA, snapshots.load(MODA).lines, spec["tables"])}
    t4 = tables["4"]
    assert t4.unit_note == "新臺幣 億元"                  # L1550 "單位:新臺幣 億元"
    assert t4.page_breaks == [1558, 1564]                # repeated "分子項⟶⟶工作項目說明⟶114⟶…" header
    assert t4.body_lines == (1552, 1567)
    # L1559 "⟶⟶<p>轉。</p> …" continues L1556's description across the page break
    assert [(r.line_start, r.line_end) for r in t4.rows][3] == (1556, 1559)
    assert tables["1"].page_breaks == [266, 274]
    assert tables["cost"].caption.text == "柒、財務計畫(如淨現值、內部報酬率及自償率等)"   # L1669, uncaptioned
    assert tables["cost"].body_lines == (1671, 1688)


def test_list_of_tables_mismatch_flag(moda):
    flags = {f["record_key"]: f for f in _flags(moda, "list_of_tables_mismatch")}
    # L51 "表 4、計畫分年經費表....." but L1548 "表 4、分年經費規劃" and L1575 "表 5、計畫分年經費表"
    assert set(flags) == {"4", "5"}
    assert "計畫分年經費表" in flags["4"]["detail"] and "表 5 (line 1575)" in flags["4"]["detail"]
    assert flags["4"]["source_locator"] == "表 4 L1548-1548"
    # L52 "表 5、工作項目分年經費表" is captioned 表 6 at L1592
    assert "表 6 (line 1592)" in flags["5"]["detail"]


# --- budgets (document 003) --------------------------------------------------------------------

def test_budget_row_counts(moda):
    b = moda.rows["budgets"]
    assert len(_table(b, "4")) == 40 + 10      # 10 work items x 4 years, 3 分項 + 7 子項 bracketed subtotals
    assert len(_table(b, "5")) == 7 * 5        # 6 agency/category rows + 總計, 4 years + 合計
    assert len(_table(b, "6")) == 4 * 5        # 3 分項 + 總計, 4 years + 合計
    assert len(_table(b, "cost")) == 11 * 2    # 11 work items, "114 年 x" and "115-117 年 y/年"
    assert len(b) == 127


def test_budget_cells_by_hand(moda):
    b = moda.rows["budgets"]
    # L1580 "經常門⟶數位發展部⟶4.895⟶5.500⟶5.500⟶5.500⟶21.395", L1581 "資本門⟶數位產業署⟶0.000…"
    r = _one(_table(b, "5"), item="數位發展部數位產業署", category="經常門", fiscal_year=2025)
    assert (r["amount"], r["fiscal_year_printed"], r["unit"], r["currency"]) == (4.895, "114 年度", "新臺幣億元", "TWD")
    assert r["amount_base"] == pytest.approx(4.895e8) and r["period_basis"] == "year" and not r["is_total"]
    assert r["source_locator"] == "表 5 L1580-1580"
    assert _one(_table(b, "5"), item="數位發展部數位產業署", category="資本門", fiscal_year=2028)["amount"] == 0.0
    # L1580 合計 21.395: a whole-period subtotal 2025-2028, no single fiscal year
    r = _one(_table(b, "5"), item="數位發展部數位產業署", category="經常門", fiscal_year_printed="合計")
    assert (r["amount"], r["fiscal_year"], r["period_start"], r["period_end"], r["period_basis"], r["kind"]) == \
        (21.395, None, 2025, 2028, "period", "subtotal")
    # L1586 "總計⟶⟶8.265⟶9.500⟶9.500⟶9.500⟶36.765"
    r = _one(_table(b, "5"), item="總計", fiscal_year_printed="合計")
    assert (r["amount"], r["kind"], r["is_total"]) == (36.765, "total", True)
    # L1562 "辦理 AI+新銳選拔賽與 AI 應用鬥智賽" … 0.075 in 114 under 子項 2.3 (L1561)
    r = _one(_table(b, "4"), item="辦理 AI+新銳選拔賽與 AI 應用鬥智賽", fiscal_year=2025)
    assert r["amount"] == 0.075 and r["parent_item"] == "子項 2.3、 AI 百工百業廣乏應用"
    # L1556 "分項二、 建構多元 產業應用 (19.225)": a bracketed whole-period subtotal
    r = _one(_table(b, "4"), item="分項二、建構多元產業應用")
    assert (r["amount"], r["kind"], r["period_basis"], r["fiscal_year_printed"]) == (19.225, "subtotal", "period",
                                                                                     "114-117")
    # L1675 "企業帶題參訓培養 製造產業 AI 艦隊⟶…⟶114 年 0.270 115-117 年 0.300/年"
    cost = [r for r in _table(b, "cost") if r["item"] == "企業帶題參訓培養製造產業 AI 艦隊"]
    assert [(r["fiscal_year"], r["period_start"], r["period_end"], r["period_basis"], r["amount"],
             r["amount_printed"]) for r in cost] == [(2025, 2025, 2025, "year", 0.27, "0.270"),
                                                     (None, 2026, 2028, "per_year", 0.3, "0.300/年")]
    assert cost[0]["unit"] == "億元" and cost[0]["currency"] == "TWD"   # header "成本(億元)" (L1671)


def test_roc_years_converted(moda):
    b = moda.rows["budgets"]
    years = {(r["fiscal_year_printed"], r["fiscal_year"]) for r in b if r["period_basis"] == "year"}
    # L1552 headers 114..117, L1579 "114 年度"..: ROC 114 = 2025
    assert {("114", 2025), ("117", 2028), ("114 年度", 2025), ("117 年度", 2028), ("114 年", 2025)} <= years
    assert all(2025 <= r["period_start"] <= r["period_end"] <= 2028 for r in b)


def test_totals_checked_and_mismatches_flagged(moda):
    flags = _flags(moda, "total_mismatch")
    by_loc = {}
    for f in flags:
        by_loc.setdefault(f["source_locator"], []).append(f["detail"])
    # 表 4 子項 1.2 (L1554) prints 3.120 but its rows (L1554-1555) add up to 1.950 over 114-117; the
    # 製造產業 AI 艦隊 item (0.270, 0.300/年 in the cost table L1675) has no amounts in 表 4.
    assert any("子項 1.2" in d and "1.950" in d and "3.120" in d for d in by_loc["表 4 L1554-1554"])
    assert any("分項一" in d and "5.070" in d and "6.240" in d for d in by_loc["表 4 L1553-1553"])
    # against 表 6 (L1597 培育產業即戰人才 1.440 in 114): 表 4 gives 0.720 + 0.250 + 0.200 = 1.170
    assert any("114 年度" in d and "1.170" in d and "1.440" in d for d in by_loc["表 6 L1597-1597"])
    assert len(by_loc["表 6 L1597-1597"]) == 4
    # everything else adds up: 表 5 and 表 6 totals, 分項二/三, the cost table against 表 6's 總計 row
    assert set(by_loc) == {"表 4 L1553-1553", "表 4 L1554-1554", "表 6 L1597-1597"}
    assert all(f["severity"] == "warning" for f in flags)


def test_budget_totals_expectations_are_warnings(moda):
    frame = pd.DataFrame(moda.rows["budgets"])
    totals = suites.budget_totals(frame)
    assert len(totals) == 10                           # 總計 rows of 表 5 and 表 6: 4 years + 合計 each
    assert totals["relative_difference"].abs().max() < 1e-9
    rules = suites._table_rules("budget_totals")
    assert all(getattr(e.severity, "value", str(e.severity)).lower() == "warning" for e in rules)


# --- KPIs --------------------------------------------------------------------------------------

def test_kpi_targets_table_1(moda):
    k = _table(moda.rows["kpis"], "1")
    assert len(k) == 20                 # one row per printed target of 9 printed rows (issue 15)
    # L264 "數位經濟產業之 AI 應用普及率由 32.5%(2023 年)提升至 50%"; L267 "及估算" continues its 衡量標準
    r = _one(k, source_locator="表 1 L264-267")
    assert (r["baseline_value"], r["baseline_year"], r["target_value"], r["target_unit"]) == (32.5, 2023, 50.0, "%")
    assert r["measure"].endswith("逐年調查及估算") and r["agency"] == "數位發展部數位產業署"
    assert (r["period_basis"], r["target_year"]) == ("by_end", 2028)   # L1538 本計畫期程自 114 年至 117 年
    # L263 "每年培育數位經濟產業 AI 應用人才至少 500 人次(培育女性人才不少於三分之一)，每年補足…缺口 10%以上"
    r500, r10 = [r for r in k if r["source_locator"] == "表 1 L263-263"]
    assert (r500["target_value"], r500["target_unit"], r500["comparator"], r500["period_basis"],
            r500["target_year"]) == (500.0, "人次", "at_least", "per_year", None)
    assert r500["qualifier"] == "至少 (培育女性人才不少於三分之一)"
    assert (r10["target_value"], r10["target_unit"], r10["value_printed"]) == \
        (10.0, "%", "每年補足數位經濟產業人才缺口 10%以上")
    # L268 "1.吸引 400,000 人次參與 … 2.達成 80 件 …，其中至少 80%… 3.輔導 100 家 …，並完成其中 80 項 …"
    parts = [r for r in k if r["source_locator"] == "表 1 L268-268"]
    assert [(r["target_value"], r["target_unit"]) for r in parts] == \
        [(400000.0, "人次"), (80.0, "件"), (80.0, "%"), (100.0, "家"), (80.0, "項")]
    assert [r["record_id"].split(":", 1)[1] for r in parts] == ["1:r3:0", "1:r3:1", "1:r3:1:1", "1:r3:2", "1:r3:2:1"]
    assert {r["agency"] for r in parts} == {"數位發展部數位產業署"}
    # L270 "…於 40 家企業(8 個產業)…": the parenthesis qualifies 40 家, it is not a target of its own
    r = _one(k, source_locator="表 1 L270-270", target_value=40.0)
    assert (r["value_printed"], r["qualifier"]) == ("以三大類應用驗證於 40 家企業(8 個產業)", "(8 個產業)")
    # L271 經濟部 產業發展署: 製造業導入 AI 應用普及率由 12.3%(2023 年)升至 50%
    r = _one(k, source_locator="表 1 L271-271")
    assert (r["agency"], r["baseline_value"], r["target_value"]) == ("經濟部產業發展署", 12.3, 50.0)
    assert all(r["programme"].startswith("晶片驅動臺灣產業創新") for r in k)


# --- document 002: slide tables ----------------------------------------------------------------

def test_slide_tables_located_by_anchor(nstc):
    spec = extract.load_spec(NSTC)
    assert all("locate" in t and not any(isinstance(v, int) for v in t["locate"].values()) for t in spec["tables"])
    tables = {t.table_id: t for t in rt.find_tables(NSTC, snapshots.load(NSTC).lines, spec["tables"])}
    assert tables["s-laws"].caption.line == 1129         # L1129 "3. 各部會AI法制項目進展-已生效"
    assert tables["s-laws"].body_lines == (1136, 1145)
    assert tables["s-pilot"].body_lines == (826, 841)


def test_slide_law_table_to_mentions(nstc):
    m = [r for r in nstc.rows["policy_mentions"] if r["context"] == "table"]
    # 8 adopted rows (L1136-1145) + 4 planned rows (L1152-1156); L1154 "期交所及期貨公會完成修正「A」及「B」"
    # names two instruments (extractors.report_text.mappers.policies.instruments_in_cell)
    assert len(m) == 13
    l1154 = [r["title"] for r in m if r["source_locator"] == "表 s-plans L1154-1154"]
    assert l1154 == ["證券期貨市場相關公會新興科技資通安全管控指引", "新興科技資通安全自律規範"]
    l1140 = [r["title"] for r in m if r["source_locator"] == "表 s-laws L1140-1140"]   # 核備投信投顧公會修正「…」
    assert l1140 == ["證券投資顧問事業以自動化工具提供證券投資顧問服務(Robo-Advisor)作業要點"]
    # L1136 " - 行政院及所屬機關(構)使用生成式AI參考指引 (112.10)" under L1135 "- 國科會"
    r = _one(m, source_locator="表 s-laws L1136-1136")
    assert (r["title"], r["issuer_printed"], r["issued_printed"], r["jurisdiction"], r["status"]) == \
        ("行政院及所屬機關(構)使用生成式AI參考指引", "國科會", "112.10", "TW", "adopted")
    assert (r["issued_on"].isoformat(), r["issued_precision"]) == ("2023-10-01", "month")   # ROC 112 = 2023
    r = _one(m, source_locator="表 s-laws L1145-1145")           # L1145 … (110.8)
    assert (r["issuer_printed"], r["issued_on"].isoformat()) == ("衛福部", "2021-08-01")
    assert {r["status"] for r in m if r["source_locator"].startswith("表 s-plans")} == {"proposed"}


def test_slide_figures_to_kpis(nstc):
    k = _table(nstc.rows["kpis"], "s-pilot")
    assert len(k) == 5                  # the deck's other result slides: test_kpi_more
    # L829-831 "國際訂單" / "規模累計成長" / "30% 以上"
    r = _one(k, source_locator="表 s-pilot L829-831")
    assert (r["indicator"], r["target_value"], r["target_unit"], r["comparator"], r["value_kind"]) == \
        ("國際訂單 規模累計成長", 30.0, "%", "at_least", "achieved")
    # L836-837 "AI 研發人才成長" / "122人以上" under L833 "人才成長"
    r = _one(k, source_locator="表 s-pilot L836-837")
    assert (r["indicator"], r["target_value"], r["programme"]) == ("人才成長 AI 研發人才成長", 122.0, "AI領航推動計畫")
    assert nstc.rows["budgets"] == []   # the deck prints no budget table


def test_contract_and_rules_hold(moda, nstc):
    frames = {t: pd.DataFrame(moda.rows[t] + nstc.rows[t]) for t in ("budgets", "kpis")}
    report = suites.validate_frames(frames)
    assert report["critical_failures"] == 0, report
