"""Patent tables (表 3-13 by country, 3-14 by applicant): one ``patent_counts`` row per printed row.

Registered in :data:`extractors.report_text.extract.MAPPERS` under ``("patent_counts", None)``.
"""
from __future__ import annotations

import re

from extractors.core import normalise as nz
from extractors.core.records import Extraction, SpecError
from extractors.report_text.tables import ReportTable, cell, publisher_of

def _period_from_caption(table: ReportTable) -> tuple[int, int]:
    m = re.search(r"(\d{4})\s*年?\s*(?:至|-|–|~)\s*(\d{4})", table.caption.title)
    if not m:
        raise SpecError(f"表 {table.table_id}: no period (YYYY 年至 YYYY 年) in the caption")
    return int(m.group(1)), int(m.group(2))


def map_patents(ex: Extraction, table: ReportTable, spec: dict) -> None:
    cols = spec["columns"]
    start, end = _period_from_caption(table)
    publisher = publisher_of(table.source_note)
    if not publisher:
        raise SpecError(f"source {ex.source_id}: 表 {table.table_id}: no 資料來源 line for the publisher")
    for row in table.rows:
        locator = table.locator(row)
        applicant = None
        if "applicant" in cols:
            printed = cell(row, cols["applicant"]) or ""
            m = re.fullmatch(r"(.+?)\s*[((]\s*([^()()]+?)\s*[))]", printed)
            if not m:
                ex.flag("patent_counts", None, "applicant_unreadable",
                        f"expected 'applicant (country)', printed {printed!r}", locator)
                continue
            applicant, country = m.group(1), m.group(2)
        else:
            country = cell(row, cols["jurisdiction"]) or ""
        juris = nz.jurisdiction(country)
        rank_text = cell(row, cols.get("rank"))
        ex.rows["patent_counts"].append({
            "record_id": f"{ex.source_id}:{table.table_id}:{juris}:{applicant or '*'}",
            "jurisdiction": juris, "applicant": applicant, "period_start": start, "period_end": end,
            "patent_families": int(nz.parse_number(cell(row, cols["patent_families"]) or "")),
            "rank": int(nz.parse_number(rank_text)) if rank_text else None,
            "basis": spec["basis"], "publisher": publisher,
            "source_id": ex.source_id, "source_locator": locator,
        })



MAPPERS = {("patent_counts", None): map_patents}
