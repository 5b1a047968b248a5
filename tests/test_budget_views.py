"""The budget views (warehouse/release/budget_views.py) on the real extraction of document 003 (MODA's programme
plan, sources/moda-2025-ai-industry-programme/2026-11-21/document.txt), loaded into DuckDB as a release does.
Expected values are read from the document lines cited; nothing is mocked."""
from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

import schemas
from extractors.core import snapshots
from extractors.report_text import extract
from warehouse.release.budget_views import create_budget_views

MODA = "moda-2025-ai-industry-programme"


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return snapshots.load(MODA).lines


@pytest.fixture(scope="module")
def con():
    rows = extract.extract_source(snapshots.load(MODA)).rows["budgets"]
    names = [c.name for c in schemas.table("budgets").columns]
    con = duckdb.connect()
    con.execute(schemas.duckdb_ddl("budgets"))
    table = pa.Table.from_pylist([{n: r.get(n) for n in names} for r in rows], schema=schemas.arrow_schema("budgets"))
    con.register("extracted", table)
    con.execute("INSERT INTO budgets SELECT * FROM extracted")
    assert create_budget_views(con) == ["budget_years", "budget_year_totals"]
    yield con
    con.close()


def _printed_total(lines: list[str], caption: str) -> dict[int, float]:
    """Fiscal year -> the 總計 amount printed in the table under ``caption`` (ROC year headers: 114 年度 = 2025)."""
    start = lines.index(caption)
    header = next(line for line in lines[start:] if "114 年度" in line).split("\t")
    total = next(line for line in lines[start:] if line.split("\t")[0].strip() == "總計"
                 or line.startswith("\t總計")).split("\t")
    return {1911 + int(h.split()[0]): float(v) for h, v in zip(header, total, strict=True) if h.endswith("年度")}


def test_2025_total_is_the_printed_total(con, lines):
    # 表 5 L1586 "總計⟶⟶8.265⟶9.500⟶9.500⟶9.500⟶36.765"; 表 6 L1600 prints the same totals
    assert lines[1586 - 1].startswith("總計\t\t8.265\t")
    printed = _printed_total(lines, "表 5、計畫分年經費表")
    assert printed == _printed_total(lines, "表 6、工作項目分年經費表")
    assert printed == {2025: 8.265, 2026: 9.5, 2027: 9.5, 2028: 9.5}
    rows = con.execute("SELECT fiscal_year, amount, basis, breakdown, printed_total FROM budget_year_totals "
                       "ORDER BY fiscal_year").fetchall()
    assert [(y, a) for y, a, *_ in rows] == sorted(printed.items())
    assert rows[0] == (2025, 8.265, "matches_printed_total", "agency", 8.265)
    # the trap the view avoids: every item of every breakdown added up counts the money about four times
    naive = con.execute("SELECT round(sum(amount), 3) FROM budgets "
                        "WHERE NOT is_total AND fiscal_year = 2025").fetchone()
    assert naive[0] > 3 * printed[2025]


def test_breakdown_sums_show_the_incomplete_one(con):
    # 表 4 (work items) lists 7.995 in 2025 (L1553-1567), 0.270 short of 表 5: visible in breakdown_sums
    sums = con.execute("SELECT breakdown_sums FROM budget_year_totals WHERE fiscal_year = 2025").fetchone()[0]
    assert sums == "agency 8.265; cost_item 8.265; subprogramme 8.265; work_item 7.995"


def test_per_year_amounts_expanded_to_each_year(con, lines):
    # cost table L1673: "114 年 0.250 115-117 年 0.250/年" -> 2025 (year) and 2026, 2027, 2028 (per_year)
    assert "114 年 0.250 115-117 年 0.250/年" in lines[1673 - 1]
    rows = con.execute("SELECT fiscal_year, amount, period_basis FROM budget_years WHERE breakdown = 'cost_item' "
                       "AND item = '建立 AI 人才循環培訓環境' ORDER BY fiscal_year").fetchall()
    assert rows == [(2025, 0.25, "year"), (2026, 0.25, "per_year"), (2027, 0.25, "per_year"), (2028, 0.25, "per_year")]
    assert con.execute("SELECT count(*) FROM budget_years WHERE fiscal_year IS NULL").fetchone()[0] == 0
    # whole-period amounts (合計 columns, bracketed subtotals) belong to no single year and are left out
    assert con.execute("SELECT count(*) FROM budget_years WHERE period_basis = 'period'").fetchone()[0] == 0
