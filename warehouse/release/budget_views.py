"""Budget views in a release database (``atlas.duckdb``), pure SQL over the ``budgets`` table.

A programme plan prints the same money several times, once per breakdown (document 003: work items 表 4,
agencies 表 5, sub-programmes 表 6, and the financial plan's cost table), so summing every ``budgets`` row that is
not a total counts it up to four times. Two views answer "how much per year" without that trap:

- ``budget_years``: one row per printed amount and fiscal year it applies to. A ``year`` amount is its own year;
  a ``per_year`` amount (printed once as ``0.800/年`` for 115-117) is repeated for each year of
  ``period_start``..``period_end``, with that year in ``fiscal_year``; whole-period amounts (``period``: 合計
  columns, bracketed subtotals) are left out, as they belong to no single year.
- ``budget_year_totals``: one row per programme and fiscal year: the sum of the items (``kind = 'item'``) of ONE
  breakdown, chosen as the breakdown whose table prints a grand total (總計) for that year closest to its items'
  sum (ties: the first breakdown by name); without a printed total, the breakdown whose items add up to the
  most. ``printed_total`` is that table's 總計 for the year, ``basis`` says whether the sum matches it
  (to 0.0005 in the printed unit), and ``breakdown_sums`` lists every breakdown's sum, so a breakdown that misses
  an item (document 003 表 4 in 2025: 7.995 against 8.265) is visible.

Both work in DuckDB 1.1 (the oldest client the README names).
"""
from __future__ import annotations

from warehouse.release.sql import quote_identifier, quote_literal

BUDGET_YEARS = "budget_years"
BUDGET_YEAR_TOTALS = "budget_year_totals"

_BUDGET_YEARS_SQL = f"""CREATE OR REPLACE VIEW {BUDGET_YEARS} AS
SELECT record_id, programme, breakdown, parent_item, item, category, fiscal_year, fiscal_year_printed,
       period_basis, amount, amount_printed, unit, currency, amount_base, kind, source_id, source_locator
FROM budgets WHERE period_basis = 'year'
UNION ALL
SELECT record_id, programme, breakdown, parent_item, item, category,
       unnest(generate_series(period_start, period_end)) AS fiscal_year, fiscal_year_printed,
       period_basis, amount, amount_printed, unit, currency, amount_base, kind, source_id, source_locator
FROM budgets WHERE period_basis = 'per_year'"""

_BUDGET_YEAR_TOTALS_SQL = f"""CREATE OR REPLACE VIEW {BUDGET_YEAR_TOTALS} AS
WITH sums AS (
  SELECT programme, fiscal_year, breakdown, any_value(unit) AS unit, any_value(currency) AS currency,
         round(sum(amount), 6) AS amount, sum(amount_base) AS amount_base, count(*) AS items,
         min(source_id) AS source_id
  FROM {BUDGET_YEARS} WHERE kind = 'item' GROUP BY ALL
),
printed AS (
  SELECT programme, fiscal_year, breakdown, amount AS printed_total, source_locator AS printed_total_locator
  FROM {BUDGET_YEARS} WHERE kind = 'total'
),
ranked AS (
  SELECT s.*, p.printed_total, p.printed_total_locator,
         row_number() OVER (PARTITION BY s.programme, s.fiscal_year
                            ORDER BY p.printed_total IS NULL, abs(s.amount - p.printed_total),
                                     s.amount DESC, s.breakdown) AS pick
  FROM sums s LEFT JOIN printed p USING (programme, fiscal_year, breakdown)
),
compared AS (
  SELECT programme, fiscal_year,
         string_agg(breakdown || ' ' || CAST(amount AS VARCHAR), '; ' ORDER BY breakdown) AS breakdown_sums
  FROM sums GROUP BY ALL
)
SELECT programme, fiscal_year, amount, unit, currency, amount_base, breakdown, items, printed_total,
       printed_total_locator,
       CASE WHEN printed_total IS NULL THEN 'no_printed_total'
            WHEN abs(amount - printed_total) <= 0.0005 THEN 'matches_printed_total'
            ELSE 'differs_from_printed_total' END AS basis,
       breakdown_sums, source_id
FROM ranked JOIN compared USING (programme, fiscal_year) WHERE pick = 1
ORDER BY programme, fiscal_year"""

_COMMENTS = {
    BUDGET_YEARS: (
        "One row per budgets amount and fiscal year it applies to: year amounts as they are, per_year amounts "
        "repeated for each year of their period (fiscal_year filled), whole-period amounts left out. Sum only "
        "within one breakdown: the breakdowns repeat the same money.", {
            "fiscal_year": "The Gregorian fiscal year the amount applies to (for a per_year amount, each year of "
                           "period_start..period_end).",
            "amount": "The amount for that one year, as printed (a per_year amount is printed once for every "
                      "year)."}),
    BUDGET_YEAR_TOTALS: (
        "One row per programme and fiscal year: the non-overlapping total, the sum of the items of one "
        "breakdown (the one whose table prints a 總計 for the year closest to its items), with the printed "
        "total and every breakdown's sum for comparison.", {
            "amount": "Sum of the chosen breakdown's items for the year, in unit.",
            "amount_base": "The same sum in single currency units.",
            "breakdown": "The breakdown summed (budgets.breakdown).",
            "items": "Number of items summed.",
            "printed_total": "The 總計 the chosen breakdown's table prints for the year; NULL when none.",
            "printed_total_locator": "Where that 總計 is printed (table and line).",
            "basis": "matches_printed_total, differs_from_printed_total or no_printed_total.",
            "breakdown_sums": "Each breakdown's sum of items for the year, 'breakdown amount; ...' (they should "
                              "agree; one that does not misses or repeats an item)."}),
}


def create_budget_views(con) -> list[str]:
    """Create the ``budget_years`` and ``budget_year_totals`` views (with comments) in the DuckDB connection
    ``con``, which must hold the ``budgets`` table. Returns the view names."""
    con.execute(_BUDGET_YEARS_SQL)
    con.execute(_BUDGET_YEAR_TOTALS_SQL)
    for view, (comment, columns) in _COMMENTS.items():
        con.execute(f"COMMENT ON VIEW {view} IS {quote_literal(comment)}")
        for col, text in columns.items():
            con.execute(f"COMMENT ON COLUMN {view}.{quote_identifier(col)} IS {quote_literal(text)}")
    return [BUDGET_YEARS, BUDGET_YEAR_TOTALS]
