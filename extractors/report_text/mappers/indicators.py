"""Mappers for non-monetary indicators (``indicators``); market tables printed transposed are in :mod:`.market_columns`.

Registered in :data:`extractors.report_text.extract.MAPPERS` under ``(target, layout)``:

* ``("indicators", "stub")``: a stub of row labels (the measure, its unit in brackets) with one value per
  year column (表 1-1, GPU demand model); heading rows named in the spec's ``sections`` give ``section``;
* ``("indicators", "ranking")``: one row per subject (a system, a site) with rank columns (表 3-2, TOP500);
* ``("indicators", None)``: a table with no tabular body (``body: none``, 表 2-5 and 2-6 printed as a
  chart or image): no rows, one ``no_tabular_body`` flag carrying the spec's ``note``;

Noise is flagged, never turned into data: a row label that is the tail or head of another line
(``N )``, L147 of document 000) yields no indicator; a value printed twice with different numbers on
the lines of one wrapped row (L161-162, L177-178) yields none for that cell.
"""
from __future__ import annotations

import re

from extractors.core import normalise as nz
from extractors.core.records import SpecError
from extractors.report_text.tables import ReportTable, Row, cell, publisher_of

_UNIT_RE = re.compile(r"[((]\s*([^,,()()]+?)\s*(?=[,,))((])")   # first bracket: (億個, N) -> 億個
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _label_problem(label: str) -> str | None:
    """Why a printed row label cannot name a measure, or None.

    A label that closes a bracket it never opened is the tail of a wrapped label whose head is elsewhere
    (``N )``); one that ends inside an open bracket lost its tail (or took noise after it).
    """
    depth = 0
    for ch in label:
        if ch in "((〔":
            depth += 1
        elif ch in "))〕":
            depth -= 1
            if depth < 0:
                return "closes a bracket it never opened (the tail of a wrapped label)"
    if re.search(r"[((〔][^))〕]*$", label):
        return "ends inside an unclosed bracket (a wrapped label whose tail is missing or garbled)"
    return None


def _number(printed: str) -> tuple[float, str | None]:
    """``2,000`` -> (2000.0, None); ``20.00%`` -> (20.0, '%'). Raises NormaliseError otherwise."""
    t = printed.strip()
    if t.endswith(("%", "%")):
        return nz.parse_number(t[:-1]), "%"
    return nz.parse_number(t), None


def _row(ex, table: ReportTable, row: Row, *, record_id: str, scope: str, indicator: str, measure: str | None,
         section: str | None, subject: str | None, year: int | None, value: float, unit: str | None,
         printed: str, publisher: str) -> dict:
    return {
        "record_id": record_id, "scope": scope, "indicator": indicator, "measure": measure,
        "section": section, "subject": subject, "period_start": year, "period_end": year,
        "value": value, "unit": unit, "value_printed": printed, "publisher": publisher, "other_locators": None,
        "source_id": ex.source_id, "source_locator": table.locator(row),
    }


def _require_publisher(ex, table: ReportTable) -> str:
    publisher = publisher_of(table.source_note)
    if not publisher:
        raise SpecError(f"source {ex.source_id}: 表 {table.table_id}: no 資料來源 line for the publisher")
    return publisher


def _no_body(ex, table: ReportTable, spec: dict) -> bool:
    if table.rows:
        return False
    ex.flag("indicators", table.table_id, "no_tabular_body",
            f"表 {table.table_id} {table.caption.title}: {spec.get('note') or 'no tab-separated body'}; "
            f"no figures extracted", f"表 {table.table_id} L{table.caption.line}-{table.caption.line}")
    return True


def map_stub(ex, table: ReportTable, spec: dict) -> None:
    """Stub table -> one ``indicators`` row per (labelled row, year column).

    Spec keys: ``indicator`` (code), ``scope`` (printed scope word, e.g. 全球), ``value_columns`` (column
    numbers whose header prints a year), ``sections`` (heading rows). The unit is the first bracketed word
    of the label (``訓練 GPU 需求量 (萬顆) (以 …)`` -> 萬顆) or ``%`` for a printed percentage.
    Flags: ``label_unreadable`` (row skipped), ``value_conflict`` (cell skipped), ``value_printed_twice``
    (info), ``value_unreadable`` (cell skipped). Raises SpecError without a 資料來源 line.
    """
    if _no_body(ex, table, spec):
        return
    publisher = _require_publisher(ex, table)
    scope = nz.scope(spec["scope"])
    names = table.column_names()
    sections = {re.sub(r"\s+", "", s) for s in spec.get("sections", [])}
    section = None
    for r_idx, row in enumerate(table.rows):
        label = row.cells[0] or ""
        values = [c for c in spec["value_columns"] if cell(row, c)]
        if re.sub(r"\s+", "", label) in sections and not values:
            section = label
            continue
        locator = table.locator(row)
        problem = _label_problem(label) if label else "no label printed"
        if problem:
            ex.flag("indicators", f"{ex.source_id}:{table.table_id}:r{r_idx}", "label_unreadable",
                    f"row label {label!r} {problem}; its values {[row.cells[c] for c in values]} are kept in "
                    f"report_tables only", locator)
            continue
        m = _UNIT_RE.search(label)
        label_unit = m.group(1) if m else None
        for col in values:
            record_id = f"{ex.source_id}:{table.table_id}:r{r_idx}:c{col}"
            printed = row.cells[col]
            if col in row.conflicts:
                frags = row.conflicts[col]
                if len(set(frags)) > 1:
                    ex.flag("indicators", record_id, "value_conflict",
                            f"{label} ({names[col]}): the lines of this wrapped row print {frags}; no value "
                            f"taken", locator)
                    continue
                printed = frags[0]
                ex.flag("indicators", record_id, "value_printed_twice",
                        f"{label} ({names[col]}): printed {frags} on the lines of one wrapped row; read once",
                        locator, severity="info")
            years = _YEAR_RE.findall(names[col] or "")
            try:
                value, pct = _number(printed)
            except nz.NormaliseError as exc:
                ex.flag("indicators", record_id, "value_unreadable", str(exc), locator)
                continue
            ex.rows["indicators"].append(_row(
                ex, table, row, record_id=record_id, scope=scope, indicator=spec["indicator"], measure=label,
                section=section, subject=None, year=int(years[0]) if len(years) == 1 else None, value=value,
                unit=pct or label_unit, printed=printed, publisher=publisher))


def map_ranking(ex, table: ReportTable, spec: dict) -> None:
    """Ranking table -> one ``indicators`` row per (subject, rank column); unit ``rank``.

    Spec keys: ``subject_column``, ``country_column`` (printed country -> ISO 3166-1 scope),
    ``value_columns`` ([{column, indicator}]), ``period_from_caption`` (the caption's year, 表 3-2
    ``2024 年歐盟超級電腦全球排名``). Unknown countries and unreadable ranks are flagged and skipped.
    """
    if _no_body(ex, table, spec):
        return
    publisher = _require_publisher(ex, table)
    names = table.column_names()
    years = _YEAR_RE.findall(table.caption.title) if spec.get("period_from_caption") else []
    year = int(years[0]) if len(years) == 1 else None
    for r_idx, row in enumerate(table.rows):
        locator = table.locator(row)
        subject = cell(row, spec["subject_column"])
        try:
            scope = nz.jurisdiction(cell(row, spec["country_column"]) or "")
        except nz.NormaliseError as exc:
            ex.flag("indicators", f"{ex.source_id}:{table.table_id}:r{r_idx}", "row_unreadable", str(exc), locator)
            continue
        for vc in spec["value_columns"]:
            col = vc["column"]
            printed = cell(row, col)
            if printed is None:
                continue
            record_id = f"{ex.source_id}:{table.table_id}:r{r_idx}:c{col}"
            try:
                value = nz.parse_number(printed)
            except nz.NormaliseError as exc:
                ex.flag("indicators", record_id, "value_unreadable", str(exc), locator)
                continue
            ex.rows["indicators"].append(_row(
                ex, table, row, record_id=record_id, scope=scope, indicator=vc["indicator"], measure=names[col],
                section=None, subject=subject, year=year, value=value, unit="rank", printed=printed,
                publisher=publisher))


def map_no_body(ex, table: ReportTable, spec: dict) -> None:
    """A table printed as a chart or image (spec ``body: none``): flag it; raises SpecError if it has rows."""
    if not _no_body(ex, table, spec):
        raise SpecError(f"source {ex.source_id}: 表 {table.table_id}: target indicators needs a layout "
                                f"(stub or ranking) for a table with rows")


MAPPERS = {
    ("indicators", "stub"): map_stub,
    ("indicators", "ranking"): map_ranking,
    ("indicators", None): map_no_body,
}
