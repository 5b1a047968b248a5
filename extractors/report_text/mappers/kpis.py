"""KPI tables of programme plans and slides: one ``kpis`` row per printed target or figure (document 003
表 1 各績效指標全期目標值, document 002's AI領航 figures slide). Every target of a statement is its own row
(:mod:`.kpi_targets`, issue 15); KPI statements in running text are read by :mod:`.kpi_text`.

Registered in :data:`extractors.report_text.extract.MAPPERS` under ``("kpis", "targets")`` and
``("kpis", "figures")``; :func:`finish_source` (a source step of :mod:`extractors.report_text.extract`) sets
the target year of whole-period targets. Figures are kept as printed.
"""
from __future__ import annotations

import re

from extractors.core.records import Extraction
from extractors.report_text.mappers.kpi_targets import read_targets
from extractors.report_text.mappers.programme import fill_down, programme_of, read_year, record_id
from extractors.report_text.tables import ReportTable, cell


def split_statements(text: str) -> list[str]:
    """A target cell -> its numbered statements (``1.吸引 … 2.達成 …``, 表 1 L268); one statement when the
    cell is not numbered."""
    parts = re.split(r"(?:^|\s)(?=\d+\.(?!\d))", text.strip())
    parts = [p.strip() for p in parts if p.strip()]
    return parts if len(parts) > 1 and re.match(r"\d+\.", parts[0]) else [text.strip()]


def map_kpi_targets(ex: Extraction, table: ReportTable, spec: dict) -> None:
    """A KPI table (document 003 表 1 各績效指標全期目標值): one kpis row per target of each numbered statement
    of the target cell (:func:`~extractors.report_text.mappers.kpi_targets.read_targets`); record ids
    ``<source>:<table>:r<row>:<statement>`` for a statement's first target, ``…:<statement>:<n>`` for the
    n-th further one. Spec keys: ``columns`` {agency, indicator, measure, target}, ``merged`` (columns printed on their
    group's first row, filled down). ``target_year`` is set later from the programme period
    (:func:`finish_source`)."""
    cols = spec["columns"]
    programme = programme_of(ex, spec, table)
    filled = {c: fill_down(table.rows, cols[c]) for c in spec.get("merged", [])}
    for r_idx, row in enumerate(table.rows):
        indicator = cell(row, cols["indicator"])
        target = cell(row, cols["target"])
        locator = table.locator(row)
        if not indicator or not target:
            ex.flag("kpis", None, "missing_indicator", f"row without indicator or target: {row.cells}", locator)
            continue
        agency = filled["agency"][r_idx] if "agency" in filled else cell(row, cols.get("agency"))
        for k, statement in enumerate(split_statements(target)):
            for j, figures in enumerate(read_targets(statement) or [_no_figure(statement)]):
                ex.rows["kpis"].append({
                    "record_id": record_id(ex.source_id, table.table_id, f"r{r_idx}", k, *([j] if j else [])),
                    "programme": programme, "agency": agency, "indicator": indicator,
                    "measure": cell(row, cols.get("measure")), "value_kind": spec.get("value_kind", "target"),
                    **figures, "other_locators": None, "source_id": ex.source_id, "source_locator": locator,
                })
            if agency and not cell(row, cols.get("agency")) and k == 0:
                ex.flag("kpis", ex.rows["kpis"][-1]["record_id"], "merged_cell_resolved",
                        f"agency not printed on this row; assigned {agency!r} from its merged cell", locator,
                        severity="info")


def _no_figure(statement: str) -> dict:
    """A statement without a readable figure: one row keeping it as printed (target_value NULL, flagged by
    the kpis expectation)."""
    return {"target_value": None, "target_unit": None, "comparator": None, "baseline_value": None,
            "baseline_year": None, "period_basis": None, "target_year": None, "qualifier": None,
            "value_printed": statement}


def map_kpi_figures(ex: Extraction, table: ReportTable, spec: dict) -> None:
    """A slide of labelled figures (document 002 L824-841, rows ``[group, label, value]`` from
    :func:`extractors.report_text.tables.pair_rows`): one kpis row per figure; the indicator is the group and
    label joined (``國際訂單 規模累計成長``). ``value_kind`` comes from the spec."""
    programme = programme_of(ex, spec, table)
    for r_idx, row in enumerate(table.rows):
        group, label, value = row.cells
        indicator = " ".join(x for x in (group, label) if x)
        figures = (read_targets(value) or [_no_figure(value)])[0]
        ex.rows["kpis"].append({
            "record_id": record_id(ex.source_id, table.table_id, f"r{r_idx}", 0), "programme": programme,
            "agency": None, "indicator": indicator, "measure": None, "value_kind": spec["value_kind"],
            **figures, "period_basis": None, "target_year": None, "value_printed": value,
            "other_locators": None, "source_id": ex.source_id, "source_locator": table.locator(row),
        })


def finish_source(ex: Extraction, tables: list[ReportTable], tspecs: list[dict], lines: list[str],
                  spec: dict) -> None:
    """Source step after every table is mapped: the target year of whole-period KPI targets that do not
    print their own (``在 2028 年可提升至``).

    The target year is the end of the programme period printed in the document, found with the spec's
    ``programme_period`` pattern (document 003 L1538 本計畫期程自 114 年至 117 年 -> 2028); without a match
    the targets keep target_year NULL and a ``programme_period_missing`` flag says so.
    """
    pattern = spec.get("programme_period")
    kpis = [k for k in ex.rows["kpis"] if k["value_kind"] == "target" and k["period_basis"] in
            ("period_total", "by_end") and k["target_year"] is None]
    if not pattern or not kpis:
        return
    rx = re.compile(pattern)
    hit = next(((i, m) for i, line in enumerate(lines) if (m := rx.search(line))), None)
    if hit is None:
        ex.flag("kpis", None, "programme_period_missing", f"no line matches {pattern!r}", "L1-1")
        return
    end = read_year(hit[1].group(2), spec.get("calendar", "gregorian"))
    for k in kpis:
        k["target_year"] = end


MAPPERS = {
    ("kpis", "targets"): map_kpi_targets,
    ("kpis", "figures"): map_kpi_figures,
}
