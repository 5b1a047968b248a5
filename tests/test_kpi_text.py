"""Every target of every KPI statement (issue 15, item 2): document 003's 表 1 and its running-text KPI sections
(貳 一、計畫目標 L181-221; 陸 二、量化效益 and 三、計畫全程綜整效益 L1631-1667), one row per target, the same
target printed again being the same row; and every printed value of kpis and market_figures is on its line.

The real extraction runs on the verified snapshots; expected values were read by hand from the snapshot text
(line numbers 1-based, cited next to them).
"""
from __future__ import annotations

import re

import pytest

from extractors.core import snapshots
from extractors.core.records import SpecError
from extractors.report_text import extract
from extractors.report_text.mappers.kpi_text import likeness
from extractors.report_text.mappers.programme import NUMBER
from tests.helpers import broken_spec

MODA = "moda-2025-ai-industry-programme"
REPORTS = ("tier-2025-genai-global-economy", "aigc-us-gb-kr-tw-2024", "nstc-2024-ai-industry-law-report", MODA,
           "ipas-2025-genai-study-guide")
_LOC = re.compile(r"^(?:表 \S+ )?L(\d+)-(\d+)$")


@pytest.fixture(scope="module")
def moda():
    return extract.extract_source(snapshots.load(MODA))


@pytest.fixture(scope="module")
def extracted():
    return {sid: (extract.extract_source(snapshots.load(sid)), snapshots.load(sid).lines) for sid in REPORTS}


def _at(rows, line: int) -> list[dict]:
    return [r for r in rows if r["source_locator"] == f"L{line}-{line}"]


def test_text_targets_one_row_each(moda):
    k = moda.rows["kpis"]
    text = [r for r in k if r["source_locator"].startswith("L")]
    # 20 rows of 表 1 (test_tables_programme) + 34 from 計畫目標 and 量化效益 + 72 from the sections of
    # test_kpi_more (表 1 註 1 5, 社會參與 2, 主要工作項目 18, 表 3 21, 執行方法 16, 表 4 4, 質化效益 2, 財務計畫 4)
    assert len(k) == 126 and len(text) == 106
    # L1635 "全程培育 AI 整合型人才 2,000 人次、種子教師 40 位及導入 40 家企業實戰培育"
    assert [(r["target_value"], r["target_unit"], r["period_basis"], r["value_printed"]) for r in _at(k, 1635)] == [
        (2000.0, "人次", "period_total", "全程培育 AI 整合型人才 2,000 人次"),
        (40.0, "位", "period_total", "種子教師 40 位"), (40.0, "家", "period_total", "及導入 40 家企業實戰培育")]
    assert {r["indicator"] for r in _at(k, 1635)} == {"分項一、培育產業即戰人才"}     # the sub-heading L1633
    # L1640 "每年培育…至少 35 隊 AI 產業艦隊、全程培育至少 140 隊 AI 產業艦隊"
    assert [(r["target_value"], r["comparator"], r["period_basis"], r["qualifier"]) for r in _at(k, 1640)] == [
        (35.0, "at_least", "per_year", "至少"), (140.0, "at_least", "period_total", "至少")]
    # L1660 "…普及率在 2028 年可提升至 50%(2023 年約 32.5%)" is 表 1 L264's target (same target, baseline and
    # year): one row; its printed year 2028 is the programme's end year 表 1 L264 gets (L1538)
    # (L602 prints it again in the work-item prose: test_kpi_more)
    assert _at(k, 1660) == []
    r = [r for r in k if r["source_locator"] == "表 1 L264-267"][0]
    assert (r["target_value"], r["baseline_value"], r["baseline_year"], r["target_year"], r["other_locators"]) == \
        (50.0, 32.5, 2023, 2028, "L602-602; L1660-1660")
    # L1667 "計畫全程促進 AI 相關投資達新臺幣 50 億元，整體 AI 應用服務產值提升達 100 億元"
    assert [(r["target_value"], r["target_unit"], r["qualifier"]) for r in _at(k, 1667)] == [
        (50.0, "億元", "達"), (100.0, "億元", "達")]
    # L1655 "…全程推動 3 種 AI 共通化解決方案應用類型" (種 is a measure word of rules/units.yaml)
    assert _at(k, 1655)[0]["value_printed"] == "與產學研合作全程推動 3 種 AI 共通化解決方案應用類型"


def test_not_targets(moda):
    k = moda.rows["kpis"]
    values = {r["target_value"] for r in k}
    # footnote ² L1663: the estimate's figures (104 人力銀行, 26,390 個職缺, 60.8%) are not targets
    assert not values & {104.0, 26390.0, 60.8, 7900.0}
    # L198 "培訓後 3 個月" is a duration
    assert not [r for r in k if "個月" in r["value_printed"]]
    assert _at(k, 1663) == []                       # its restated targets join the 表 1 rows (below)


def test_the_same_target_printed_again_is_one_row(moda):
    k = {(r["source_locator"], r["value_printed"]): r for r in moda.rows["kpis"]}
    # 表 1 L263 "每年補足數位經濟產業人才缺口 10%以上" = L1639 "…AI 人才缺口至少 10%" = L1659 = footnote L1663
    # and 表 3 L377, 表 4 L1555, 柒's table L1674 (test_kpi_more); other_locators in line order
    assert k[("表 1 L263-263", "每年補足數位經濟產業人才缺口 10%以上")]["other_locators"] == \
        "L377-377; L1555-1555; L1639-1639; L1659-1659; L1663-1663; L1674-1674"
    # 表 1 L269 "提升 50%經營效率" = L365 = L1529 = L1655 = L1661 ("提升 50%經營效" / 率 after a footnote)
    assert k[("表 1 L269-269", "提升 50%經營效率")]["other_locators"] == \
        "L365-365; L1529-1529; L1655-1655; L1661-1661"
    # L263's 500 人次 (數位經濟產業) and L272's (製造產業) are two targets; the footnote's 每年培養製造業人才
    # 500 人次 joins L272
    assert k[("表 1 L263-263", "每年培育數位經濟產業 AI 應用人才至少 500 人次(培育女性人才不少於三分之一)")][
        "other_locators"] == "L377-377; L1555-1555; L1663-1663; L1674-1674"
    assert k[("表 1 L272-275", "每年培育製造產業 AI 應用人才至少 500 人次(培育女性人才不少於三分之一)")][
        "other_locators"] == "L390-390; L1555-1555; L1663-1663; L1675-1675"
    # L1637 (AI Learning Park) and L1639 (數位經濟產業及製造業) print 1,000 人次 each: two targets; L1637's is
    # also printed at L349, in 表 3 (L376), 表 4 (L1554) and 柒's table (L1673)
    assert [r["other_locators"] for r in k.values() if r["target_value"] == 1000.0] == \
        ["L349-349; L376-376; L1554-1554; L1673-1673", None]
    assert likeness("每年培育 AI 應用人才至少 1,000 人次",
                    "每年培育數位經濟產業及製造業 AI 應用人才至少 1,000 人次") < 0.6


def _pieces(printed: str, span: list[str]) -> int | None:
    """How many verbatim pieces, each on one line of ``span`` and in line order, ``printed`` is cut into
    (longest piece first); None when some character is on no line."""
    pos, line, count = 0, 0, 0
    while pos < len(printed):
        if printed[pos].isspace():
            pos += 1
            continue
        best = max(((n, i) for i in range(line, len(span)) for n in range(len(printed) - pos, 0, -1)
                    if printed[pos:pos + n] in span[i]), default=None)
        if best is None:
            return None
        pos, line, count = pos + best[0], best[1], count + 1
    return count


def _number(printed: str) -> float:
    return float(re.search(NUMBER, printed).group(0).replace(",", ""))


def _numbers(line: str) -> set[float]:
    """The numbers printed on a line: a table cell's 635.0 is the text's 635 億美元 (mappers/restated.py)."""
    return {float(m.group(0).replace(",", "")) for m in re.finditer(NUMBER, line)}


def _figure(printed: str) -> str | None:
    m = re.search(rf"{NUMBER}\s*\S?", printed)
    return m.group(0).strip() if m else None


def test_every_printed_value_is_on_its_line(extracted):
    """kpis, market_figures and indicators: value_printed is on its locator line; a row over several lines (a table row
    wrapped over a page break) is cut into at most one verbatim piece per line, in line order; the target's
    figure is also on each line of other_locators."""
    checked = 0
    for sid, (ex, lines) in extracted.items():
        for table in ("kpis", "market_figures", "indicators"):
            for row in ex.rows[table]:
                a, b = map(int, _LOC.match(row["source_locator"].strip()).groups())
                span = lines[a - 1:b]
                printed = row["value_printed"]
                if a == b:
                    assert printed in span[0], (sid, table, row["source_locator"], printed)
                else:
                    n = _pieces(printed, span)
                    assert n is not None and n <= len(span), (sid, row["source_locator"], printed)
                for other in filter(None, (row.get("other_locators") or "").split("; ")):
                    line = lines[int(_LOC.match(other).group(1)) - 1]
                    assert _figure(printed).replace(" ", "") in line.replace(" ", "") \
                        or _number(printed) in _numbers(line), (sid, other, printed)
                checked += 1
    # kpis of 003 and 002; market_figures of 000 (tables, text 55 less 12 restating a table), 003 (text: 7 in 壹,
    # 2 in the rest of the plan, tests/test_figures_001_003.py) and 001 (text); indicators of 000 (表 1-1 137,
    # 表 3-2 18, text 51: 35 + 16 job forecasts, pledges, multiples, counts cut by a line break, per-period volumes,
    # time and money spent, counts completed), 001 (text 11, and L145-147, L179-181 cut by page breaks), 002 (text
    # 12, 2 bullets and 3 multiples), 003 (text 5 in 壹, 14 in the rest of the plan)
    assert checked == 126 + 24 + 59 + 55 - 12 + 7 + 2 + 1 + 137 + 18 + 51 + 11 + 2 + 12 + 2 + 3 + 5 + 14


def test_kpi_text_section_without_end_names_its_entry(tmp_path, monkeypatch):
    """A fault derived from the real spec: its kpi_text entry 2 loses ``end``."""
    path, text = broken_spec(tmp_path, monkeypatch, MODA, "    end: '^柒、'\n", "")
    with pytest.raises(SpecError) as err:
        extract.load_spec(MODA)
    line = text[:text.index("  - section: 量化效益")].count("\n") + 1
    assert str(err.value) == f"{path} line {line} (kpi_text entry 2): missing key 'end' (section, start, end)"
