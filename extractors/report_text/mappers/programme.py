"""Reading programme documents, shared by :mod:`.budgets` and :mod:`.kpis`: the programme a table belongs to,
printed years (ROC or Gregorian), merged cells printed on their group's first row, record ids.

Sources: document 003 (MODA's programme plan 晶片驅動臺灣產業創新—AI產業應用與普及發展計畫, ROC years, amounts
in 新臺幣億元: 表 1 KPI targets, 表 4 to 表 6 budgets, the uncaptioned cost table of 柒、財務計畫) and document
002 (NSTC's slide deck: the 各部會AI法制項目進展 slides, the AI領航 figures slide). Which table feeds which mapper
is declared in ``specs/<source_id>.yaml``; the mappers are registered in :data:`extractors.report_text.extract.MAPPERS`.
"""
from __future__ import annotations

import re

from extractors.core import normalise as nz
from extractors.core.records import Extraction
from extractors.report_text.tables import ReportTable, Row, cell

NUMBER = r"\d[\d,]*(?:\.\d+)?"     # a printed amount or figure: 1,234.5


class ProgrammeSpecError(ValueError):
    """A programme table spec that cannot be applied; the message names source and table."""


def programme_of(ex: Extraction, spec: dict, table: ReportTable) -> str:
    """The programme a table belongs to: read from the table's caption line with the spec's
    ``programme_pattern`` (group 1), else the source document's title (its ``sources`` row).
    Raises ProgrammeSpecError when the pattern is not found in the caption."""
    pat = spec.get("programme_pattern")
    if pat:
        m = re.search(pat, table.caption.title)
        if not m:
            raise ProgrammeSpecError(f"source {ex.source_id}: table {table.table_id}: programme_pattern "
                                     f"{pat!r} not found in {table.caption.title!r}")
        return m.group(1)
    return ex.rows["sources"][0]["title"]


def read_year(text: str, calendar: str) -> int:
    """A printed year header -> Gregorian year.

    ``calendar: roc`` (document 003 prints ROC years: 114 = 2025) reads ``114``, ``114 年``, ``114 年度``;
    four-digit years are Gregorian in either calendar. Raises NormaliseError for anything else.
    """
    t = re.sub(r"\s+", "", text or "")
    m = re.fullmatch(r"(?:民國)?(\d{3,4})年?度?", t)
    if not m:
        raise nz.NormaliseError(f"not a year header: {text!r}")
    year = int(m.group(1))
    if len(m.group(1)) == 4:
        return year
    if calendar != "roc":
        raise nz.NormaliseError(f"three-digit year {text!r} in a table whose spec does not declare calendar: roc")
    return nz.roc_to_gregorian(year)


def fill_down(rows: list[Row], column: int) -> list[str | None]:
    """Values of a merged column whose label is printed on the first row of its group (表 1, 表 4 of
    document 003): each row takes the nearest label at or above it. Rows before the first label get None."""
    out, current = [], None
    for r in rows:
        current = cell(r, column) or current
        out.append(current)
    return out


def record_id(source_id: str, table_id: str, *parts) -> str:
    """``<source_id>:<table_id>:<part>:<part>…``: a row's id from where it is printed."""
    return f"{source_id}:{table_id}:" + ":".join(str(p) for p in parts)
