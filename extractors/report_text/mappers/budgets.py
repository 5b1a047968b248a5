"""Budget tables of programme plans (document 003): one ``budgets`` row per printed amount.

This module builds budgets rows and checks printed totals against their parts for every budget layout, and maps
the uncaptioned cost table of 柒、財務計畫 (``("budgets", "cost_cells")``); tables with one column per fiscal year
(表 4 to 表 6) are mapped by :mod:`.budgets_by_year`, checks across tables of one document are in
:mod:`.budget_checks`. Printed values are kept as printed. Where a printed total or a bracketed subtotal disagrees
with the sum of its parts, a ``total_mismatch`` quality flag (warning) names both values.
"""
from __future__ import annotations

import re

from extractors.core import normalise as nz
from extractors.core.records import Extraction
from extractors.report_text.mappers.programme import NUMBER, ProgrammeSpecError, programme_of, read_year, \
    record_id
from extractors.report_text.tables import ReportTable, cell

_TOLERANCE = 0.0005          # amounts are printed to 0.001 億元
# "114 年 0.720 115-117 年 0.800/年" (cost table, 柒、財務計畫 L1672): a year or year range, then an amount
_YEAR_AMOUNT_RE = re.compile(rf"(?P<y1>\d{{3,4}})\s*(?:[-–~至]\s*(?P<y2>\d{{3,4}}))?\s*年度?\s*"
                             rf"(?P<amount>{NUMBER})\s*(?P<per>/\s*年)?")


def budget_unit(ex: Extraction, table: ReportTable, spec: dict, header: str | None = None) -> nz.Unit:
    """The table's unit: its 單位 line (表 4 to 表 6: 單位:新臺幣 億元), else the bracket of a column header
    (成本(億元)); the spec's ``currency`` applies when the unit prints no currency word. Raises
    ProgrammeSpecError when neither is printed."""
    printed = table.unit_note
    if not printed and header:
        m = re.search(r"[((]\s*([^()()]+?)\s*[))]", header)
        printed = m.group(1) if m else None
    if not printed:
        raise ProgrammeSpecError(f"source {ex.source_id}: table {table.table_id}: no unit printed")
    return nz.parse_unit(printed, default_currency=spec.get("currency"))


def budget_row(ex, table, row, *, programme, breakdown, parent, item, category, years, printed_year,
               amount_printed, unit, kind, record_id) -> dict:
    """One budgets row. ``years`` is (period_start, period_end, period_basis); an amount printed with
    ``/年`` is per year."""
    amount = nz.parse_number(re.sub(r"\s*/\s*年$", "", amount_printed))   # "0.800/年": per year
    start, end, basis = years
    return {
        "record_id": record_id, "programme": programme, "breakdown": breakdown, "parent_item": parent,
        "item": item, "category": category, "fiscal_year": start if basis == "year" else None,
        "fiscal_year_printed": printed_year, "period_start": start, "period_end": end, "period_basis": basis,
        "amount": amount, "amount_printed": amount_printed, "unit": unit.printed, "currency": unit.currency,
        "amount_base": amount * unit.multiplier, "kind": kind, "is_total": kind != "item",
        "source_id": ex.source_id, "source_locator": table.locator(row),
    }


def flag_mismatch(ex: Extraction, total: dict, summed: float, what: str) -> None:
    """A ``total_mismatch`` flag on the ``total`` budgets row when its parts sum to another amount."""
    if abs(summed - total["amount"]) > _TOLERANCE:
        ex.flag("budgets", total["record_id"], "total_mismatch",
                f"{what}: parts sum to {summed:.3f} {total['unit']} but the printed figure is "
                f"{total['amount_printed']}", total["source_locator"])


# --- budgets: years and amounts printed together in one cell -----------------------------------

def map_budget_cost_cells(ex: Extraction, table: ReportTable, spec: dict) -> None:
    """A cost table whose amount cell prints years and amounts together (document 003, 柒、財務計畫 L1671-1688:
    ``114 年 0.720 115-117 年 0.800/年``).

    Each (year or year range, amount) in the cell is one record: a single year is ``period_basis = year``;
    a range with ``/年`` is ``per_year`` (the amount in each of those years, not their total); a range
    without it is a ``period`` total. Spec keys: ``item_column``, ``amount_column``, ``calendar``,
    ``currency``, ``breakdown``. A cell with no year-amount pair is flagged ``value_unreadable``.
    Raises ProgrammeSpecError when no unit is printed.
    """
    names = table.column_names()
    calendar = spec.get("calendar", "gregorian")
    amount_col = spec["amount_column"]
    unit = budget_unit(ex, table, spec, header=names[amount_col])
    programme = programme_of(ex, spec, table)
    for r_idx, row in enumerate(table.rows):
        item = cell(row, spec["item_column"])
        printed = cell(row, amount_col) or ""
        matches = list(_YEAR_AMOUNT_RE.finditer(printed))
        if not item or not matches:
            ex.flag("budgets", None, "value_unreadable", f"no item or no 'year amount' in {row.cells[:1]} "
                    f"{printed!r}", table.locator(row))
            continue
        for k, m in enumerate(matches):
            y1 = read_year(m.group("y1"), calendar)
            y2 = read_year(m.group("y2"), calendar) if m.group("y2") else y1
            basis = "year" if y1 == y2 else ("per_year" if m.group("per") else "period")
            ex.rows["budgets"].append(budget_row(
                ex, table, row, programme=programme, breakdown=spec["breakdown"], parent=None, item=item,
                category=None, years=(y1, y2, basis), printed_year=m.group(0)[:m.start("amount") - m.start()].strip(),
                amount_printed=m.group("amount") + (m.group("per") or ""), unit=unit, kind="item",
                record_id=record_id(ex.source_id, table.table_id, f"r{r_idx}", k)))


MAPPERS = {("budgets", "cost_cells"): map_budget_cost_cells}
