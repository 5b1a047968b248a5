"""Tidy stage: a source's spec + its snapshot -> report tables as printed -> dataset rows and quality flags.

``extract_source`` is the one entry point (one call per source, one Airflow mapped task per source).
The spec (``specs/<source_id>.yaml``) says which captioned tables feed which dataset table and what each
column means; the mappers below are shared by all sources.
"""
from __future__ import annotations

import re
from pathlib import Path

from extractors.core import normalise as nz
from extractors.core.config import YamlDoc
from extractors.core.records import Extraction, apply_source_terms, source_row
from extractors.core.snapshots import Snapshot
from extractors.report_text import prose
from extractors.report_text.prose import notes
from extractors.report_text.mappers import budget_checks, budgets, budgets_by_year, indicator_text, indicators, \
    kpi_text, kpis, market, market_clauses, market_columns, market_terms, market_text, patents, policies, \
    restated
from extractors.report_text.spec_check import DEFAULT_SPECS_DIR, read_prose_spec, read_table_spec, specs_dir, \
    table_entry
from extractors.report_text.tables import CAPTION_RE, ReportTable, caption_id, cell, find_captions, find_tables

SPECS_DIR = DEFAULT_SPECS_DIR     # the specs in the tree; ``$ATLAS_SPECS_DIR`` reads another folder
# (target, layout) -> mapper(ex, table, spec); each mapper module registers its own.
MAPPERS = {**policies.MAPPERS, **patents.MAPPERS, **market.MAPPERS, **market_columns.MAPPERS,
           **indicators.MAPPERS, **budgets.MAPPERS, **budgets_by_year.MAPPERS, **kpis.MAPPERS}
# run after all of a source's tables are mapped, in this order
# (market_text before market_terms: the running-text figures get the English publisher and publication date too)
_SOURCE_STEPS = [budget_checks.finish_source, kpi_text.map_kpi_text, kpis.finish_source, kpi_text.merge_repeats,
                 market_text.map_market_text, market_clauses.map_market_clauses, market_terms.finish_source,
                 restated.merge_restated, indicator_text.map_indicator_text]


def _spec_doc(source_id: str, folder: Path | None = None) -> YamlDoc | None:
    path = (folder or specs_dir()) / f"{source_id}.yaml"
    return read_table_spec(path, source_id, MAPPERS) if path.exists() else None


def load_spec(source_id: str, folder: Path | None = None) -> dict | None:
    """The spec of a source (``<folder>/<source_id>.yaml``, default :func:`specs_dir`), or None when the source
    has no tables mapped yet. Raises SpecFileError naming file, line, table and cause (see
    :func:`extractors.report_text.spec_check.read_table_spec`)."""
    doc = _spec_doc(source_id, folder)
    return doc.data if doc else None


def load_prose_spec(source_id: str, folder: Path | None = None) -> dict:
    """How a source's running text is read for policy mentions (``<folder>/<source_id>.prose.yaml``), or {}.
    Raises SpecFileError naming file, line, key and cause."""
    path = (folder or specs_dir()) / f"{source_id}.prose.yaml"
    return (read_prose_spec(path).data or {}) if path.exists() else {}


def _map_table(ex: Extraction, table: ReportTable, doc: YamlDoc, i: int) -> None:
    """Run the mapper of the ``i``-th table spec; a key the mapper needs and the spec lacks is a SpecFileError."""
    spec, tspec = doc.data, doc.data["tables"][i]
    mapper = MAPPERS[(tspec["target"], tspec.get("layout"))]
    # source-wide keys of the spec (calendar, currency ...) are defaults for each table's spec
    merged = {**{k: v for k, v in spec.items() if k not in ("source_id", "tables")}, **tspec}
    try:
        mapper(ex, table, merged)
    except KeyError as exc:
        key = exc.args[0] if exc.args else None
        if not isinstance(key, str) or key in merged:
            raise
        raise doc.error(("tables", i), table_entry(tspec, i),
                        f"missing key {key!r} (target {tspec['target']!r}, layout {tspec.get('layout')!r})") from exc


# --- as printed --------------------------------------------------------------------------------

def _report_rows(ex: Extraction, table: ReportTable) -> None:
    names = table.column_names()
    if not names:   # printed as an image or chart (spec body: none): the caption alone, one empty cell
        ex.rows["report_tables"].append({
            "source_id": ex.source_id, "table_id": table.table_id, "caption": table.caption.text,
            "row_index": 0, "is_header": False, "column_index": 0, "column_name": None, "value": None,
            "line_start": table.caption.line, "line_end": table.caption.line,
        })
    for r_idx, row in enumerate(table.header + table.rows):
        for c_idx in range(len(names)):
            ex.rows["report_tables"].append({
                "source_id": ex.source_id, "table_id": table.table_id, "caption": table.caption.text,
                "row_index": r_idx, "is_header": r_idx < len(table.header), "column_index": c_idx,
                "column_name": names[c_idx], "value": cell(row, c_idx),
                "line_start": row.line_start, "line_end": row.line_end,
            })
    for g in table.garbage:
        ex.flag("report_tables", f"{table.table_id}:L{g.line}:c{g.column}", "ocr_garbage",
                f"cell fragment {g.text!r} is OCR noise and was left out of the table",
                f"表 {table.table_id} L{g.line}-{g.line}")
    for line in table.page_breaks:
        ex.flag("report_tables", table.table_id, "page_break",
                f"table continues after a page break; repeated header at line {line} skipped",
                f"表 {table.table_id} L{line}-{line}", severity="info")


def _toc_entries(lines: list[str]) -> dict[str, tuple[str, int]]:
    """The list of tables: table id -> (title, 1-based line). Entries are tab-separated lines with a page
    number, in either caption style: ``表 1-1<TAB>title<TAB>6`` (document 000) or
    ``表 4、計畫分年經費表.....<TAB>115`` (document 003, dot leaders before the page number)."""
    toc: dict[str, tuple[str, int]] = {}
    for idx, line in enumerate(lines):
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 2 or not parts[0].startswith("表"):
            continue
        m = CAPTION_RE.match(parts[0])
        if m and m.group("single"):
            title = re.sub(r"[.．…·]+$", "", m.group("title")).strip()
        else:
            m = CAPTION_RE.match(parts[0] + " x")
            title = parts[1] if m else ""
        if m and title:
            toc.setdefault(caption_id(m), (title, idx + 1))
    return toc


def _check_list_of_tables(ex: Extraction, lines: list[str]) -> None:
    """Flag tables whose number in the list of tables names another title than the body caption.

    Document 003's list (L48-52) titles 表 4 計畫分年經費表 and 表 5 工作項目分年經費表, which the body
    captions 表 5 and 表 6 (the body's 表 4 is 分年經費規劃); the detail names the body caption that carries
    the listed title, when there is one.
    """
    toc = _toc_entries(lines)
    norm = lambda s: re.sub(r"\s+", "", nz.to_traditional(s))  # noqa: E731
    captions = find_captions(lines)
    body = {c.table_id: c for c in captions}
    for tid, (title, line) in toc.items():
        cap = body.get(tid)
        if cap is not None and norm(cap.title) != norm(title):
            other = next((c for c in captions if norm(c.title) == norm(title)), None)
            where = f"; that title is captioned 表 {other.table_id} (line {other.line})" if other else ""
            ex.flag("report_tables", tid, "list_of_tables_mismatch",
                    f"list of tables (line {line}) titles 表 {tid} {title!r}; the body caption "
                    f"(line {cap.line}) is {cap.title!r}{where}", f"表 {tid} L{cap.line}-{cap.line}",
                    severity="info")



def extract_source(snapshot: Snapshot) -> Extraction:
    """All dataset rows one source yields: its ``sources`` row, its tables as printed, mapped rows, policy
    mentions found in its prose (with the links its footnotes and reference lists print for them:
    :mod:`extractors.report_text.prose.notes`), and quality flags.

    A table spec with ``target: report_tables`` is kept as printed only. Raises TableError / SpecError
    (naming the source and table) when a table its spec names cannot be found or read: a malformed table
    stops the run rather than yielding partial data. A spec that cannot be used raises SpecFileError naming
    the spec file, line, table and cause.
    """
    ex = Extraction(source_id=snapshot.source_id)
    ex.rows["sources"].append(source_row(snapshot))
    doc = _spec_doc(snapshot.source_id)
    spec = doc.data if doc else {"source_id": snapshot.source_id, "tables": []}
    lines = snapshot.lines
    tspecs = spec.get("tables") or []
    tables = find_tables(snapshot.source_id, lines, tspecs)
    for i, (table, tspec) in enumerate(zip(tables, tspecs, strict=True)):
        _report_rows(ex, table)
        if tspec["target"] != "report_tables":
            _map_table(ex, table, doc, i)
    for step in _SOURCE_STEPS:
        step(ex, tables, tspecs, lines, spec)
    if tspecs:
        _check_list_of_tables(ex, lines)
    prose.extract_mentions(ex, lines, load_prose_spec(snapshot.source_id))
    notes.link_urls(ex, lines)      # the links its notes print for the instruments
    apply_source_terms(ex, ex.rows["sources"][0])
    return ex
