"""Market tables (表 2-1 to 2-3 of document 000): one ``market_figures`` row per printed figure.

Registered in :data:`extractors.report_text.extract.MAPPERS` under ``("market_figures", "wide")`` (segments as
rows, years as columns, a printed total checked) and ``("market_figures", "long")`` (one figure per row).
``figure`` builds one row and is shared with the transposed layout in :mod:`.market_columns`.
"""
from __future__ import annotations

import re

from extractors.core import normalise as nz
from extractors.core.records import Extraction, SpecError
from extractors.report_text.mappers.market_terms import groups
from extractors.report_text.tables import ReportTable, Row, cell, publisher_of

_TOTAL_TOLERANCE = 0.005    # relative; printed figures are rounded to one decimal


def figure(ex: Extraction, table: ReportTable, row: Row, *, record_id: str, scope: str, metric: str,
            segment: str | None, printed: str, header_unit: str | None, period: tuple, publisher: str,
            direction: str | None = None) -> dict | None:
    locator = table.locator(row)
    try:
        low, high, unit_text = nz.parse_range(printed)
        unit = nz.parse_unit(unit_text or header_unit or "")
    except nz.NormaliseError as exc:
        ex.flag("market_figures", record_id, "value_unreadable", f"{exc} (printed {printed!r})", locator)
        return None
    base = unit.multiplier
    return {
        "record_id": record_id, "scope": scope, "metric": metric, "segment": segment,
        "period_start": period[0], "period_end": period[1], "period_basis": period[2],
        "value_low": low, "value_high": high, "unit": unit.printed, "currency": unit.currency,
        "value_low_base": low * base if base else None, "value_high_base": high * base if base else None,
        "direction": direction, "value_printed": printed, "publisher": publisher,
        "source_id": ex.source_id, "source_locator": locator,
    }


def _header_period_and_unit(header_text: str) -> tuple[tuple, str | None]:
    unit = None
    m = re.search(r"[((]\s*([^()()]+?)\s*[))]\s*$", header_text)
    if m:
        unit = m.group(1)
        header_text = header_text[:m.start()]
    years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", header_text)]
    if len(years) >= 2:
        return (years[0], years[1], "period"), unit
    if len(years) == 1:
        return (years[0], years[0], "point"), unit
    return (None, None, None), unit


def _check_totals(ex: Extraction, table: ReportTable, figures: list[dict], total_segment: str) -> None:
    """Compare the sum of segment figures with the printed total, per column; a mismatch is a flag."""
    by_col: dict[tuple, dict] = {}
    for fig in figures:
        key = (fig["metric"], fig["period_start"], fig["period_end"])
        slot = by_col.setdefault(key, {"parts": [], "total": None})
        if fig["segment"] is None:
            slot["total"] = fig
        else:
            slot["parts"].append(fig)
    for (metric, start, end), slot in sorted(by_col.items(), key=lambda kv: str(kv[0])):
        total = slot["total"]
        if total is None or total["unit"] == "%" or total["value_low"] != total["value_high"]:
            continue  # growth rates and ranges do not add up
        summed = sum(p["value_low"] for p in slot["parts"])
        if abs(summed - total["value_low"]) > _TOTAL_TOLERANCE * max(abs(total["value_low"]), 1):
            ex.flag("market_figures", total["record_id"], "total_mismatch",
                    f"{metric} {start}-{end}: segments sum to {summed:,.1f} {total['unit']} but the printed "
                    f"{total_segment} is {total['value_printed']}", total["source_locator"])


def map_market_wide(ex: Extraction, table: ReportTable, spec: dict) -> None:
    scope = nz.scope(spec["scope"])
    publisher = publisher_of(table.source_note)
    if not publisher:
        raise SpecError(f"source {ex.source_id}: 表 {table.table_id}: no 資料來源 line for the publisher")
    names = table.column_names()
    seg_col, total_label = spec["segment_column"], spec.get("total_row")
    figures = []
    for r_idx, row in enumerate(table.rows):
        segment = cell(row, seg_col)
        for vc in spec["value_columns"]:
            col = vc["column"]
            printed = cell(row, col)
            if printed is None:
                continue
            period, unit = _header_period_and_unit(names[col] or "")
            fig = figure(ex, table, row, record_id=f"{ex.source_id}:{table.table_id}:r{r_idx}:c{col}",
                          scope=scope, metric=vc["metric"],
                          segment=None if segment == total_label else segment, printed=printed,
                          header_unit=unit, period=period, publisher=publisher)
            if fig:
                figures.append(fig)
    if total_label:
        _check_totals(ex, table, figures, total_label)
    ex.rows["market_figures"].extend(figures)


_DIRECTIONS = {"正": "positive", "負": "negative"}


def map_market_long(ex: Extraction, table: ReportTable, spec: dict) -> None:
    """One figure per row; ``row_group_column`` (optional) is the column printing the rows' group labels
    (:func:`market_terms.groups`)."""
    cols = spec["columns"]
    group_col = spec.get("row_group_column")
    row_groups = groups([cell(r, group_col) for r in table.rows]) if group_col is not None else None
    for r_idx, row in enumerate(table.rows):
        locator = table.locator(row)
        record_id = f"{ex.source_id}:{table.table_id}:r{r_idx}"
        try:
            period = nz.parse_period(cell(row, cols.get("period")))
            scope = nz.scope(cell(row, cols["scope"]) or "")
        except nz.NormaliseError as exc:
            ex.flag("market_figures", record_id, "row_unreadable", str(exc), locator)
            continue
        fig = figure(ex, table, row, record_id=record_id, scope=scope, metric=spec["metric"],
                      segment=cell(row, cols.get("segment")), printed=cell(row, cols["value"]) or "",
                      header_unit=None, period=period, publisher=cell(row, cols["publisher"]) or "",
                      direction=_DIRECTIONS.get(cell(row, cols.get("direction")) or ""))
        if fig:
            if row_groups:
                fig["row_group"], fig["row_group_printed"] = row_groups[r_idx]
            ex.rows["market_figures"].append(fig)



MAPPERS = {("market_figures", "wide"): map_market_wide, ("market_figures", "long"): map_market_long}
