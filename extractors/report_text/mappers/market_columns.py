"""Market tables printed transposed (表 2-4 of document 000): one ``market_figures`` row per value column.

Registered in :data:`extractors.report_text.extract.MAPPERS` under ``("market_figures", "columns")``.
"""
from __future__ import annotations

import re

from extractors.core import normalise as nz
from extractors.core.records import Extraction, SpecError
from extractors.report_text.mappers.market import figure
from extractors.report_text.mappers.market_terms import groups
from extractors.report_text.tables import ReportTable, Row, cell


def _labelled_rows(ex: Extraction, table: ReportTable, spec: dict) -> dict[str, Row]:
    """The spec's ``rows`` ({key: printed row label}) -> the rows carrying those labels; SpecError if one is
    missing. Labels are compared without white space."""
    label_col = spec["label_column"]
    by_label = {re.sub(r"\s+", "", r.cells[label_col] or ""): r for r in table.rows}
    rows = {}
    for key, label in spec["rows"].items():
        if re.sub(r"\s+", "", label) not in by_label:
            raise SpecError(f"source {ex.source_id}: 表 {table.table_id}: no row labelled {label!r}")
        rows[key] = by_label[re.sub(r"\s+", "", label)]
    return rows


def _publisher(ex: Extraction, row: Row, col: int, label_col: int, record_id: str, locator: str) -> str | None:
    """The publisher printed in ``col``, or (a merged cell) the nearest one printed to its left, flagged."""
    publisher = cell(row, col)
    if publisher:
        return publisher
    left = [c for c in range(label_col + 1, col) if cell(row, c)]
    publisher = cell(row, left[-1]) if left else None
    if publisher:
        ex.flag("market_figures", record_id, "merged_cell_resolved",
                f"publisher not printed in column {col}; assigned {publisher!r} from its merged cell",
                locator, severity="info")
    return publisher


def _scope_and_segment(where: str, default_scope: str) -> tuple[str, str | None]:
    """An 影響層面 that names a place is the scope; one that does not (an industry) is the segment."""
    try:
        return nz.scope(where), None
    except nz.NormaliseError:
        return nz.scope(default_scope), where or None


def _period(ex: Extraction, printed: str | None, record_id: str, locator: str) -> tuple:
    """(start, end, basis) read from the period cell; a period naming no years (``10 年``) is empty, flagged."""
    try:
        return nz.parse_period(printed)
    except nz.NormaliseError:
        ex.flag("market_figures", record_id, "period_unreadable",
                f"period printed as {printed!r} names no years; left empty", locator, severity="info")
        return (None, None, None)


def map_market_columns(ex: Extraction, table: ReportTable, spec: dict) -> None:
    """Transposed market table -> one ``market_figures`` row per value column (表 2-4).

    Spec keys: ``metric``, ``scope`` (default scope word), ``unit`` (when no cell prints one),
    ``label_column``, ``rows`` ({publisher, scope, period, value: printed row label}). A publisher cell left
    empty under a merged cell takes the nearest printed one to its left (flag ``merged_cell_resolved``);
    an 影響層面 that is no place (an industry) becomes ``segment`` with the default scope; a cell filled
    from a collapsed neighbour (``Row.spread``) is flagged ``collapsed_cell_spread``; a period that names
    no years (``10 年``) is left empty and flagged ``period_unreadable``. Raises SpecError for a missing row.
    """
    label_col = spec["label_column"]
    rows = _labelled_rows(ex, table, spec)
    value_row = rows["value"]
    first, last = min(r.line_start for r in rows.values()), max(r.line_end for r in rows.values())
    locator = f"表 {table.table_id} L{first}-{last}"
    # column_groups: header -> the spanning header labels (宏觀生產力影響, 產業生產力影響) group the columns
    col_groups = groups(table.column_names()) if spec.get("column_groups") == "header" else None
    for col in range(len(value_row.cells)):
        printed = cell(value_row, col)
        if col == label_col or not printed:
            continue
        record_id = f"{ex.source_id}:{table.table_id}:c{col}"
        publisher = _publisher(ex, rows["publisher"], col, label_col, record_id, locator)
        for key in ("scope", "period"):
            if col in rows[key].spread:
                ex.flag("market_figures", record_id, "collapsed_cell_spread",
                        f"{spec['rows'][key]} of column {col} read as {rows[key].cells[col]!r} from the cell "
                        f"printed {rows[key].spread[col]!r} across columns", locator, severity="info")
        scope, segment = _scope_and_segment(cell(rows["scope"], col) or "", spec["scope"])
        fig = figure(ex, table, value_row, record_id=record_id, scope=scope, metric=spec["metric"],
                     segment=segment, printed=printed, header_unit=spec.get("unit"),
                     period=_period(ex, cell(rows["period"], col), record_id, locator), publisher=publisher or "")
        if fig:
            fig["source_locator"] = locator
            if col_groups and col < len(col_groups):
                fig["row_group"], fig["row_group_printed"] = col_groups[col]
            ex.rows["market_figures"].append(fig)


MAPPERS = {("market_figures", "columns"): map_market_columns}
