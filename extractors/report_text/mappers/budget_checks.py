"""Budgets checked across the tables of one document (document 003: 表 4 and 表 5 against 表 6), after all of
a source's tables are mapped: a disagreement is a ``total_mismatch`` quality flag (warning), never a fix.

:func:`finish_source` is a source step of :mod:`extractors.report_text.extract`.
"""
from __future__ import annotations

import re
from collections import defaultdict

from extractors.core import normalise as nz
from extractors.core.records import Extraction
from extractors.report_text.mappers.budgets import flag_mismatch
from extractors.report_text.tables import ReportTable


def _key(text: str | None) -> str:
    """Comparison key of a printed label: Traditional script, no whitespace."""
    return re.sub(r"\s+", "", nz.to_traditional(text or ""))


def _yearly(records: list[dict]) -> dict[int, float]:
    """Amounts by fiscal year; a per_year amount counts in every year of its period."""
    out: dict[int, float] = defaultdict(float)
    for r in records:
        if r["period_basis"] == "year":
            out[r["fiscal_year"]] += r["amount"]
        elif r["period_basis"] == "per_year":
            for y in range(r["period_start"], r["period_end"] + 1):
                out[y] += r["amount"]
    return out


def _budgets_by_table(ex: Extraction) -> dict[str, list[dict]]:
    """The source's budgets rows by the table id of their locator (``表 4 L…`` -> ``4``)."""
    by_table: dict[str, list[dict]] = defaultdict(list)
    for r in ex.rows["budgets"]:
        m = re.match(r"^表 (\S+) ", r["source_locator"])
        if m:
            by_table[m.group(1)].append(r)
    return by_table


def _ancestors(item: str | None, parents: dict[str, str]) -> list[str]:
    """An item and the groups above it, innermost first (a cycle stops the walk)."""
    out: list[str] = []
    while item and item not in out:
        out.append(item)
        item = parents.get(item)
    return out


def _pairs(by_table: dict[str, list[dict]], spec: dict, cmp: dict) -> list[tuple[str, list[dict], list[dict]]]:
    """(label, this table's item rows, the other table's rows they are compared with) per comparison."""
    mine = [r for r in by_table[str(spec["table_id"])] if r["kind"] == "item"]
    theirs = by_table[str(cmp["table"])]
    if cmp.get("by") == "total":
        return [("all items", mine, [r for r in theirs if r["kind"] == "total"])]
    parents = {r["item"]: r["parent_item"] for r in by_table[str(spec["table_id"])]
               if r["kind"] == "subtotal" and r["parent_item"]}
    pairs = []
    for ref_item in sorted({r["item"] for r in theirs if r["kind"] == "item"}):
        group = [r for r in mine if any(_key(ref_item) in _key(a) for a in _ancestors(r["parent_item"], parents))]
        pairs.append((ref_item, group, [r for r in theirs if r["item"] == ref_item]))
    return pairs


def check_budgets_across_tables(ex: Extraction, tspecs: list[dict]) -> None:
    """Compare a budget table with another table of the same document that prints its totals (spec key
    ``compare_with``), year by year; a disagreement is a ``total_mismatch`` flag on the other table's figure.

    ``compare_with: {table: "6", by: group}``: the items under each group (a ``group_columns`` label at any
    level: a work item's 子項 and that 子項's 分項) against the row of table 6 whose item is contained in the
    group label (表 4's 分項一、培育產業即戰人才 against 表 6's 培育產業即戰人才). ``by: total``: all items
    against table 6's total row.
    """
    by_table = _budgets_by_table(ex)
    for spec in tspecs:
        cmp = spec.get("compare_with")
        if not cmp or spec.get("target") != "budgets":
            continue
        for label, parts, refs in _pairs(by_table, spec, cmp):
            sums = _yearly(parts)
            for ref in refs:
                if ref["period_basis"] != "year" or not parts:
                    continue
                flag_mismatch(ex, ref, sums.get(ref["fiscal_year"], 0.0),
                              f"表 {spec['table_id']} ({label}, {ref['fiscal_year_printed']}) against "
                              f"表 {cmp['table']}")


def finish_source(ex: Extraction, tables: list[ReportTable], tspecs: list[dict], lines: list[str],
                  spec: dict) -> None:
    """Source step after every table is mapped: the cross-table budget checks
    (:func:`check_budgets_across_tables`)."""
    check_budgets_across_tables(ex, tspecs)
