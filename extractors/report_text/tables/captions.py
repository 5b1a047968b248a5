"""Captions in the body of a document, and the tables a spec names: each found by its caption (or by its
anchors, :mod:`.locate`) and rebuilt (:mod:`.body`)."""
from __future__ import annotations

from extractors.report_text.tables.body import caption_only, extract_table
from extractors.report_text.tables.locate import locate_table
from extractors.report_text.tables.model import CAPTION_RE, Caption, ReportTable, TableError, caption_id

_PROSE_ENDINGS = ("。", ")。", ")", "。)")


def find_captions(lines: list[str]) -> list[Caption]:
    """Captions of tables in the body of a document.

    Skips the list of tables (tab-separated entries with page numbers) and prose that mentions a table
    (lines starting with ``#`` or ending like a sentence). Reads both caption styles of CAPTION_RE.
    Returns captions in document order.
    """
    found = []
    for idx, line in enumerate(lines):
        if "\t" in line or line.lstrip().startswith("#"):
            continue
        m = CAPTION_RE.match(line.strip())
        if not m:
            continue
        title = m.group("title")
        if title.endswith(_PROSE_ENDINGS) or title.startswith(("為", "所示", "顯示")):
            continue
        found.append(Caption(table_id=caption_id(m), title=title, line=idx + 1,
                             printed=line.strip() if m.group("single") else None))
    return found


def find_tables(source_id: str, lines: list[str], table_specs: list[dict]) -> list[ReportTable]:
    """All tables a spec names, rebuilt. Raises TableError when a named caption is missing or repeated."""
    captions = find_captions(lines)
    by_id: dict[str, list[Caption]] = {}
    for cap in captions:
        by_id.setdefault(cap.table_id, []).append(cap)
    out = []
    for spec in table_specs:
        tid = str(spec["table_id"])
        if "locate" in spec:
            out.append(locate_table(source_id, lines, spec))
            continue
        hits = by_id.get(tid, [])
        if len(hits) != 1:
            raise TableError(f"source {source_id}: expected one caption 表 {tid} in the body, found {len(hits)}")
        if spec.get("body") == "none":           # printed as an image or chart
            out.append(caption_only(source_id, lines, hits[0]))
            continue
        out.append(extract_table(source_id, lines, hits[0], header_rows=int(spec.get("header_rows", 1)),
                                 row_mode=spec.get("row_mode", "line"), complete=spec.get("complete"),
                                 required=spec.get("required"), width=spec.get("width"),
                                 sections=spec.get("sections"), lines_per_row=spec.get("lines_per_row"),
                                 spread_collapsed=bool(spec.get("spread_collapsed"))))
    return out
