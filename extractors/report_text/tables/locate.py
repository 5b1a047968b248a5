"""Uncaptioned tables and slide blocks, located by anchors in their spec: a tab-separated table after a
heading, a slide's two-level bullet list (:func:`bullet_rows`) or its labelled figures (:func:`pair_rows`)."""
from __future__ import annotations

import re

from extractors.report_text.tables.body import extract_table, is_table_line
from extractors.report_text.tables.cells import clean_cell
from extractors.report_text.tables.model import Caption, ReportTable, Row, TableError

_BULLET_RE = re.compile(r"^(?P<indent>\s*)-\s+(?:▶\s*)?(?P<text>\S.*?)\s*$")


def _anchor(lines: list[str], pattern: str, after: int, source_id: str, tid: str, what: str) -> int:
    """0-based index of the first line at or after ``after`` matching ``pattern`` (stripped text)."""
    rx = re.compile(pattern)
    for idx in range(after, len(lines)):
        if rx.search(lines[idx].strip()):
            return idx
    raise TableError(f"source {source_id}: table {tid}: {what} anchor {pattern!r} not found")


def locate_table(source_id: str, lines: list[str], spec: dict) -> ReportTable:
    """An uncaptioned table found by anchors in its spec, never by line numbers (a declared snapshot change
    must not silently shift it).

    ``locate: {start: regex, header: regex, end: regex}``: ``start`` matches the line (a heading, a slide
    title) the table follows, which becomes its caption as printed; it must match exactly one line that is
    not tab-separated (the table of contents is), else TableError. Then either

    * a tab-separated table: ``header`` matches its first header line (tabs kept) after ``start``; the body
      is rebuilt like a captioned one (page breaks, ``row_mode``); or
    * a slide block (``row_mode: bullets`` or ``pairs``, the deck has no tabs): the lines after ``start``
      up to the line matching ``end`` (exclusive; the end of the document when omitted), see
      :func:`bullet_rows` and :func:`pair_rows`.
    """
    tid = str(spec["table_id"])
    loc = spec["locate"]
    rx = re.compile(loc["start"])
    hits = [i for i, line in enumerate(lines) if "\t" not in line and rx.search(line.strip())]
    if len(hits) != 1:
        raise TableError(f"source {source_id}: table {tid}: start anchor {loc['start']!r} matches "
                         f"{len(hits)} lines, expected one")
    start = hits[0]
    caption = Caption(table_id=tid, title=lines[start].strip(), line=start + 1, printed=lines[start].strip())
    mode = spec.get("row_mode", "line")
    if mode in ("bullets", "pairs"):
        return _slide_block(source_id, lines, spec, caption)
    header_rx = re.compile(loc["header"])
    first = next((i for i in range(start + 1, len(lines)) if is_table_line(lines[i])), None)
    if first is None or not header_rx.search(lines[first]):
        raise TableError(f"source {source_id}: table {tid}: no table with header {loc['header']!r} "
                         f"after line {start + 1}")
    return extract_table(source_id, lines, caption, header_rows=int(spec.get("header_rows", 1)),
                         row_mode=mode, complete=spec.get("complete"), required=spec.get("required"),
                         width=spec.get("width"), start=first)


def _slide_block(source_id: str, lines: list[str], spec: dict, caption: Caption) -> ReportTable:
    """The rows of a slide block after its start anchor (``caption``), up to the ``end`` anchor."""
    tid, loc, start = caption.table_id, spec["locate"], caption.line - 1
    end = _anchor(lines, loc["end"], start + 1, source_id, tid, "end") if loc.get("end") else len(lines)
    block = [(i + 1, lines[i]) for i in range(start + 1, end)]
    rows = bullet_rows(block) if spec["row_mode"] == "bullets" else pair_rows(block, spec["value_pattern"])
    if not rows:
        raise TableError(f"source {source_id}: table {tid}: no rows between line {start + 1} and {end}")
    return ReportTable(source_id=source_id, caption=caption, header=[], rows=rows, source_note=None,
                       body_lines=(rows[0].line_start, rows[-1].line_end))


def bullet_rows(block: list[tuple[int, str]]) -> list[Row]:
    """Rows of a slide's two-level bullet list (document 002, 各部會AI法制項目進展): an unindented
    ``- group`` line opens a group, each indented ``- item`` line is a row ``[group, item]``.
    Lines that are not bullets (slide sub-titles) are left out. Input: (1-based line, text) pairs."""
    rows, group = [], None
    for no, line in block:
        m = _BULLET_RE.match(line)
        if not m:
            continue
        text = clean_cell(m.group("text"))
        if not m.group("indent"):
            group = text
        else:
            rows.append(Row(cells=[group, text], line_start=no, line_end=no))
    return rows


def pair_rows(block: list[tuple[int, str]], value_pattern: str) -> list[Row]:
    """Rows of a slide of labelled figures (document 002, AI領航: "衍生投資" / "36.3億元以上").

    Paragraphs are separated by blank lines; a paragraph's first line is its group label. Each line
    matching ``value_pattern`` closes a row ``[group, label, value]`` whose label is the text since the
    group line or the previous value (None when the value follows the group line directly)."""
    rx = re.compile(value_pattern)
    rows: list[Row] = []
    group, label, row_start = None, [], None
    for no, line in block + [(0, "")]:
        text = clean_cell(line)
        if not text:
            group, label, row_start = None, [], None
            continue
        if group is None:
            group, row_start = text, no
        elif rx.search(text):
            rows.append(Row(cells=[group, " ".join(label) or None, text], line_start=row_start, line_end=no))
            label, row_start = [], None
        else:
            label.append(text)
            row_start = row_start or no
    return rows
