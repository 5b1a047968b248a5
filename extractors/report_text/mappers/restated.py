"""A market figure the running text restates from a table is one row (issue 15 item 1: "the same figure stated
twice is one row with both locators"). Document 000's prose repeats 表 2-1 and 表 2-2 (L324 硬體 0.3%至6.0% =
表 2-1 L327; L338 635 億美元 = 表 2-2 L352): the table row stays, as printed in its cell, and the text's line
joins its ``other_locators``.

Source step :func:`merge_restated`, run after :mod:`market_terms` has given every row its English publisher.
"""
from __future__ import annotations

from extractors.core.records import Extraction

# what makes two rows one figure: the same publisher gives the same value, unit, period and scope. The metric is
# not compared: a table's metric comes from its spec (genai_revenue_cagr), the text's from its words (cagr); a
# segment only when both rows name one.
FIGURE_KEY = ("publisher", "scope", "value_low", "value_high", "unit", "period_start", "period_end")


def join_locators(row: dict, *locators: str | None) -> None:
    """Append ``locators`` (None skipped) to ``row["other_locators"]``, ``; `` separated, each once, in order."""
    have = [x for x in (row.get("other_locators") or "").split("; ") if x]
    for loc in locators:
        for x in (loc or "").split("; "):
            if x and x not in have and x != row["source_locator"]:
                have.append(x)
    row["other_locators"] = "; ".join(have) or None


def merge_restated(ex: Extraction, tables, tspecs, lines: list[str], spec: dict) -> None:
    """Source step: drop each running-text ``market_figures`` row (locator ``L…``) whose :data:`FIGURE_KEY` equals
    exactly one table row's (locator ``表 …``; segments equal where both print one) and add its locators to that
    table row's ``other_locators``. Rows of different publishers, periods, scopes, units or values stay apart."""
    rows = ex.rows["market_figures"]
    tabled: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["source_locator"].startswith("表"):
            tabled.setdefault(tuple(r.get(k) for k in FIGURE_KEY), []).append(r)
    kept = []
    for r in rows:
        same = [] if r["source_locator"].startswith("表") else [
            t for t in tabled.get(tuple(r.get(k) for k in FIGURE_KEY), [])
            if not (t.get("segment") and r.get("segment")) or t["segment"] == r["segment"]]
        table_row = same[0] if len(same) == 1 else None      # two table rows alike: which one is unclear, keep both
        if table_row is None:
            kept.append(r)
        else:
            join_locators(table_row, r["source_locator"], r.get("other_locators"))
    rows[:] = kept
