"""Budget tables with one column per fiscal year (document 003 表 4, 表 5, 表 6): one ``budgets`` row per
printed amount, the row totals (合計), the grand total row (總計) and bracketed group subtotals checked against
their parts (``total_mismatch`` flags, never fixes).

Registered in :data:`extractors.report_text.extract.MAPPERS` under ``("budgets", "by_year")``.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from extractors.core import normalise as nz
from extractors.core.records import Extraction
from extractors.report_text.mappers.budgets import budget_row, budget_unit, flag_mismatch
from extractors.report_text.mappers.programme import NUMBER, fill_down, programme_of, read_year, record_id
from extractors.report_text.tables import ReportTable, Row, cell

_SUBTOTAL_RE = re.compile(rf"^(?P<label>.*?)\s*[((]\s*(?P<amount>{NUMBER})\s*[))]\s*$")


def _wrapped_groups(rows: list[Row], text_col: int, start_col: int, start_pattern: str) -> list[str | None]:
    """A merged cell whose text wraps over the rows of its group (表 5: 數位發展部 / 數位產業署 printed on the
    經常門 and 資本門 rows). A group starts on a row whose ``start_col`` matches ``start_pattern``; rows
    outside any group (a 總計 row) get their own text."""
    rx = re.compile(start_pattern)
    groups: list[list[int]] = []
    current: list[int] | None = None
    for i, r in enumerate(rows):
        if rx.search(cell(r, start_col) or ""):
            current = [i]
            groups.append(current)
        elif current is not None and cell(r, text_col):
            current.append(i)
        else:
            current = None
            groups.append([i])
    out: list[str | None] = [None] * len(rows)
    for g in groups:
        text = "".join(cell(rows[i], text_col) or "" for i in g) or None
        for i in g:
            out[i] = text
    return out


def _group_name(label: str) -> str:
    """A group label without its bracketed subtotal: ``分項一、培育產業即戰人才 (6.240)`` ->
    ``分項一、培育產業即戰人才``."""
    sub = _SUBTOTAL_RE.match(label)
    return sub.group("label") if sub else label


@dataclass
class _YearTable:
    """How a by-year budget table reads, from its spec and header."""

    names: list[str | None]
    unit: nz.Unit
    programme: str
    year_cols: list[int]
    years: dict[int, int]            # year column -> Gregorian year
    total_col: int | None
    item_col: int
    label_cols: list[int]
    group_cols: list[int]
    groups: dict[int, list[str | None]]   # group column -> label per row (filled down)
    wrapped: list[str | None] | None      # item per row when it wraps over its group (item_group)
    total_label: str | None
    item_rx: re.Pattern | None

    @property
    def period(self) -> tuple[int, int]:
        return min(self.years.values()), max(self.years.values())


def _year_table(ex: Extraction, table: ReportTable, spec: dict) -> _YearTable:
    names = table.column_names()
    calendar = spec.get("calendar", "gregorian")
    unit = budget_unit(ex, table, spec)
    programme = programme_of(ex, spec, table)
    year_cols = list(spec["year_columns"])
    years = {c: read_year(names[c] or "", calendar) for c in year_cols}
    group_cols = list(spec.get("group_columns", []))
    g = spec.get("item_group")
    return _YearTable(
        names=names, unit=unit, programme=programme, year_cols=year_cols, years=years,
        total_col=spec.get("total_column"), item_col=spec["item_column"],
        label_cols=sorted(set(range(min(year_cols)))), group_cols=group_cols,
        groups={c: fill_down(table.rows, c) for c in group_cols},
        wrapped=_wrapped_groups(table.rows, spec["item_column"], g["start_column"], g["pattern"]) if g else None,
        total_label=spec.get("total_label"),
        item_rx=re.compile(spec["item_pattern"]) if spec.get("item_pattern") else None)


def map_budget_by_year(ex: Extraction, table: ReportTable, spec: dict) -> None:
    """A budget table with one column per fiscal year (document 003 表 4, 表 5, 表 6).

    Spec keys: ``year_columns`` (headers read by :func:`read_year` with the spec's ``calendar``),
    ``total_column`` (a 合計 column: the whole-period total of its row), ``item_column`` and optional
    ``item_pattern`` (group 1 is the item title: 表 4 prints the work item before its ● bullet list),
    ``group_columns`` (merged columns printed on their group's first row, each label possibly carrying its
    whole-period subtotal in brackets: ``分項一、培育產業即戰人才 (6.240)``), ``category_column`` (經常門 /
    資本門), ``item_group`` ({start_column, pattern}: the item text wraps over the rows of a group, 表 5),
    ``total_label`` (the grand total row, e.g. 總計, looked for in every label column) and ``breakdown``.
    Raises ProgrammeSpecError when no unit is printed, NormaliseError for an unreadable year header.

    Checks (flags, never fixes): each row's year amounts against its 合計; per year column, the items
    against the 總計 row; each bracketed group subtotal against the sum of its rows over all years.
    """
    layout = _year_table(ex, table, spec)
    records: list[dict] = []
    row_info = []   # (row index, kind, records of its year cells, record of its 合計 cell)
    for r_idx, row in enumerate(table.rows):
        info = _row_records(ex, table, spec, layout, r_idx, row)
        if info is None:
            continue
        records.extend(info[2])
        if info[3]:
            records.append(info[3])
        row_info.append(info)
    _check_total_rows(ex, row_info)
    records.extend(_group_subtotals(ex, table, layout, row_info))
    ex.rows["budgets"].extend(records)


def _row_item(layout: _YearTable, r_idx: int, row: Row) -> tuple[str | None, bool]:
    """(the row's item, whether it is the grand total row)."""
    labels = [cell(row, c) for c in layout.label_cols]
    is_total = bool(layout.total_label) and layout.total_label in [x for x in labels if x]
    item = layout.wrapped[r_idx] if layout.wrapped else cell(row, layout.item_col)
    if item and layout.item_rx:
        m = layout.item_rx.search(item)
        item = m.group(1).strip() if m else item
    if is_total:
        item = layout.total_label
    return item, is_total


def _row_parent(layout: _YearTable, r_idx: int) -> str | None:
    """The innermost group label of a row (other than its item column), without its subtotal."""
    parent = None
    for c in layout.group_cols:
        label = layout.groups[c][r_idx]
        if label and c != layout.item_col:
            parent = _group_name(label)
    return parent


def _row_records(ex: Extraction, table: ReportTable, spec: dict, layout: _YearTable, r_idx: int,
                 row: Row) -> tuple | None:
    """(row index, kind, year-cell records, 合計 record or None) of one printed row; None (flagged
    ``missing_item``) for a row without an item. Checks the row's years against its 合計."""
    item, is_total = _row_item(layout, r_idx, row)
    parent = _row_parent(layout, r_idx)
    if not item:
        ex.flag("budgets", None, "missing_item", f"row without an item: {row.cells}", table.locator(row))
        return None
    kind = "total" if is_total else "item"
    common = {"programme": layout.programme, "breakdown": spec["breakdown"], "parent": parent, "item": item,
              "category": None if is_total else cell(row, spec.get("category_column")), "unit": layout.unit}
    names = layout.names
    cells = [budget_row(ex, table, row, **common, years=(layout.years[c], layout.years[c], "year"),
                         printed_year=names[c], amount_printed=cell(row, c), kind=kind,
                         record_id=record_id(ex.source_id, table.table_id, f"r{r_idx}", f"c{c}"))
             for c in layout.year_cols if cell(row, c) is not None]
    tc = layout.total_col
    if tc is None or not cell(row, tc):
        return r_idx, kind, cells, None
    row_total = budget_row(ex, table, row, **common, years=(*layout.period, "period"), printed_year=names[tc],
                            amount_printed=cell(row, tc), kind="total" if is_total else "subtotal",
                            record_id=record_id(ex.source_id, table.table_id, f"r{r_idx}", f"c{tc}"))
    flag_mismatch(ex, row_total, sum(x["amount"] for x in cells),
                  f"{item} {'+'.join(names[c] for c in layout.year_cols)} against {names[tc]}")
    return r_idx, kind, cells, row_total


def _check_total_rows(ex: Extraction, row_info: list[tuple]) -> None:
    """Per year column (and the 合計 column): the items against the total row."""
    totals = [info for info in row_info if info[1] == "total"]
    items = [info for info in row_info if info[1] == "item"]
    for _, _, t_cells, t_total in totals:
        for t in t_cells:
            parts = [x for _, _, cells, _ in items for x in cells if x["fiscal_year"] == t["fiscal_year"]]
            flag_mismatch(ex, t, sum(p["amount"] for p in parts),
                          f"{t['fiscal_year_printed']} items against {t['item']}")
        if t_total:
            parts = [rt for _, _, _, rt in items if rt]
            flag_mismatch(ex, t_total, sum(p["amount"] for p in parts), f"{t_total['fiscal_year_printed']} items "
                          f"against {t_total['item']}")


def _group_subtotals(ex: Extraction, table: ReportTable, layout: _YearTable, row_info: list[tuple]) -> list[dict]:
    """Bracketed group subtotals (表 4): one record each, checked against its rows over all years."""
    out = []
    for c in layout.group_cols:
        seen: dict[str, list[int]] = defaultdict(list)
        for r_idx, label in enumerate(layout.groups[c]):
            if label:
                seen[label].append(r_idx)
        for label, idxs in seen.items():
            sub = _SUBTOTAL_RE.match(label)
            if not sub:
                continue
            rec = _subtotal_record(ex, table, layout, c, sub, idxs[0])
            parts = [x["amount"] for r_idx, kind, cells, _ in row_info if r_idx in idxs and kind == "item"
                     for x in cells]
            flag_mismatch(ex, rec, sum(parts), f"{rec['item']}: its rows over {rec['fiscal_year_printed']}")
            out.append(rec)
    return out


def _subtotal_record(ex: Extraction, table: ReportTable, layout: _YearTable, c: int, sub: re.Match,
                     first: int) -> dict:
    """The record of a group subtotal printed in column ``c`` on row ``first``; its parent is the label of
    the nearest group column to the left."""
    parent = None
    for pc in layout.group_cols:
        if pc < c and layout.groups[pc][first]:
            parent = _group_name(layout.groups[pc][first])
    names, year_cols = layout.names, layout.year_cols
    return budget_row(
        ex, table, table.rows[first], programme=layout.programme, breakdown="subprogramme", parent=parent,
        item=sub.group("label"), category=None, years=(*layout.period, "period"),
        printed_year=f"{names[year_cols[0]]}-{names[year_cols[-1]]}", amount_printed=sub.group("amount"),
        unit=layout.unit, kind="subtotal", record_id=record_id(ex.source_id, table.table_id, f"g{c}", first))


MAPPERS = {("budgets", "by_year"): map_budget_by_year}
