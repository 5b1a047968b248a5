"""Table bodies: the tab-separated lines next to a caption (before or after it, past a 單位 line), continued
across page breaks and blank lines, rebuilt into header and logical rows by the spec's ``row_mode``."""
from __future__ import annotations

import re

from extractors.report_text.tables.cells import unspaced
from extractors.report_text.tables.model import CAPTION_RE, SOURCE_NOTE_RE, UNIT_NOTE_RE, Caption, Garbage, \
    ReportTable, TableError
from extractors.report_text.tables.rows import centred_rows, fixed_rows, line_rows, spread_collapsed_cells, stub_rows
from extractors.report_text.tables.wrapped import wrapped_rows

_NOTE_LOOKAHEAD = 4          # non-blank lines after a body in which a 資料來源 line is looked for
_CONTINUATION_WINDOW = 60    # lines after a body in which a repeated header continues the table
_NEAR = 3                    # at most this many lines between a caption and its body


def is_table_line(line: str) -> bool:
    """A line of a table body: the conversion prints table cells tab-separated."""
    return "\t" in line


def _next_nonblank(lines: list[str], idx: int, step: int) -> int | None:
    while 0 <= idx < len(lines):
        if lines[idx].strip():
            return idx
        idx += step
    return None


def _collect_forward(lines: list[str], start: int) -> list[int]:
    body = []
    idx = start
    while idx < len(lines) and is_table_line(lines[idx]):
        body.append(idx)
        idx += 1
    return body


def _collect_backward(lines: list[str], cap_idx: int) -> list[int]:
    """The body printed above its caption (表 2-1), or [] when the caption has no table line just above."""
    before = _next_nonblank(lines, cap_idx - 1, -1)
    if before is None or cap_idx - before > _NEAR or not is_table_line(lines[before]):
        return []
    body = []
    idx = before
    while idx >= 0 and is_table_line(lines[idx]):
        body.insert(0, idx)
        idx -= 1
    return body


def _after_caption(lines: list[str], cap_idx: int) -> tuple[int | None, int]:
    """(first non-blank line after the caption, the caption's index) with a "單位:" line between them taken as
    part of the caption."""
    after = _next_nonblank(lines, cap_idx + 1, 1)
    if after is not None and UNIT_NOTE_RE.match(lines[after].strip()):
        cap_idx = after
        after = _next_nonblank(lines, after + 1, 1)
    return after, cap_idx


def _body_indices(lines: list[str], cap_idx: int, header_rows: int,
                  start: int | None = None) -> tuple[list[int], list[int]]:
    """Line indices (0-based) of a table body, and of repeated headers skipped at page breaks.

    ``start`` (0-based) is the first body line of an uncaptioned table located by its spec; otherwise the
    body is next to the caption (a "單位:" line may sit between them)."""
    if start is not None:
        return _continued(lines, _collect_forward(lines, start), header_rows)
    after, cap_idx = _after_caption(lines, cap_idx)
    if after is not None and after - cap_idx <= _NEAR and is_table_line(lines[after]):
        return _continued(lines, _collect_forward(lines, after), header_rows)
    return _collect_backward(lines, cap_idx), []


def _header_at(lines: list[str], idx: int, header: list[str], header_rows: int) -> bool:
    return [unspaced(x) for x in lines[idx:idx + header_rows]] == header


def _repeated_header(lines: list[str], end: int, header: list[str], header_rows: int) -> int | None:
    """Index of the header printed again after a page break's footnotes, within the continuation window and
    before any caption, source note or heading; else None."""
    for idx in range(end, min(end + _CONTINUATION_WINDOW, len(lines))):
        text = lines[idx].strip()
        if CAPTION_RE.match(text) or text.startswith("資料來源") or text.startswith("#"):
            return None
        if _header_at(lines, idx, header, header_rows):
            return idx
    return None


def _continued(lines: list[str], body: list[int], header_rows: int) -> tuple[list[int], list[int]]:
    """The body extended over page breaks (footnotes, then the header printed again, then more rows) and
    blank lines; returns (body, skipped repeated-header lines)."""
    header = [unspaced(lines[i]) for i in body[:header_rows]]
    skipped: list[int] = []
    while True:
        end = body[-1] + 1
        nxt = _after_blank(lines, end)
        if nxt is not None:                      # rows continue after a blank line (表 3-5, 表 3-8)
            if _header_at(lines, nxt, header, header_rows):   # a page break (document 003 表 1)
                skipped.extend(range(nxt, nxt + header_rows))
        else:
            nxt = _repeated_header(lines, end, header, header_rows)
            if nxt is None:
                return body, skipped
            skipped.extend(range(nxt, nxt + header_rows))
        body.extend(i for i in _collect_forward(lines, nxt) if i not in skipped)


def _after_blank(lines: list[str], end: int) -> int | None:
    """Index of a tab-separated line that continues a body after at most two blank lines, or None.

    A block followed (within 3 lines) by a caption is the body of that later caption (captions may come
    after their body, 表 2-1), not a continuation."""
    nxt = _next_nonblank(lines, end, 1)
    if nxt is None or nxt == end or nxt - end > 2 or not is_table_line(lines[nxt]):
        return None
    stop = nxt + len(_collect_forward(lines, nxt))
    follow = _next_nonblank(lines, stop, 1)
    if follow is not None and follow - stop <= 2 and CAPTION_RE.match(lines[follow].strip()):
        return None
    return nxt


def _source_note(lines: list[str], after_idx: int) -> str | None:
    idx, seen = after_idx, 0
    while idx < len(lines) and seen < _NOTE_LOOKAHEAD:
        text = lines[idx].strip()
        if text:
            m = SOURCE_NOTE_RE.match(text)
            if m:
                return m.group(1)
            seen += 1
        idx += 1
    return None


def caption_only(source_id: str, lines: list[str], caption: Caption) -> ReportTable:
    """A captioned table printed as an image or chart (no tab-separated body): caption and source note
    only, no rows (spec ``body: none``; 表 2-5 and 2-6 of document 000)."""
    idx = caption.line - 1
    return ReportTable(source_id=source_id, caption=caption, header=[], rows=[],
                       source_note=_source_note(lines, idx + 1), body_lines=(caption.line, caption.line))


def extract_table(source_id: str, lines: list[str], caption: Caption, *, header_rows: int = 1,
                  row_mode: str = "line", complete: dict[int, str] | None = None,
                  required: list[int] | None = None, width: int | None = None,
                  start: int | None = None, sections: list[str] | None = None,
                  lines_per_row: int | None = None, spread_collapsed: bool = False) -> ReportTable:
    """Rebuild one captioned table (or, with ``start``, the uncaptioned table whose body starts at that
    0-based line). Raises TableError (naming source and table) when no body is found or ``row_mode`` is
    unknown."""
    cap_idx = caption.line - 1
    body, skipped = _body_indices(lines, cap_idx, header_rows, start)
    if len(body) <= header_rows:
        raise TableError(f"source {source_id}: 表 {caption.table_id} (line {caption.line}) has no "
                         f"tab-separated body next to its caption")
    width = width or max(len(lines[i].split("\t")) for i in body)
    garbage: list[Garbage] = []
    header = line_rows(lines, body[:header_rows], width, garbage)
    data_idx = body[header_rows:]
    if row_mode == "line":
        rows = line_rows(lines, data_idx, width, garbage)
        if spread_collapsed:
            spread_collapsed_cells(lines, rows)
    elif row_mode == "wrapped":
        pats = {int(k): re.compile(v) for k, v in (complete or {}).items()}
        after_break = {i for i in data_idx if i - 1 in skipped}   # first line after a repeated header
        rows = wrapped_rows(lines, data_idx, width, pats, list(required or []), garbage, after_break)
    elif row_mode == "stub":
        rows = stub_rows(lines, data_idx, width, [unspaced(s) for s in sections or []], garbage)
    elif row_mode == "centred":
        pats = {int(k): re.compile(v) for k, v in (complete or {}).items()}
        rows = centred_rows(lines, data_idx, width, pats, garbage)
    elif row_mode == "fixed" and lines_per_row:
        rows = fixed_rows(lines, data_idx, width, int(lines_per_row), garbage)
    else:
        raise TableError(f"source {source_id}: 表 {caption.table_id}: unknown row_mode {row_mode!r}")
    last = max(body)
    note_from = max(last, cap_idx) + 1
    unit_idx = _next_nonblank(lines, cap_idx + 1, 1) if start is None else None
    unit = UNIT_NOTE_RE.match(lines[unit_idx].strip()) if unit_idx is not None else None
    return ReportTable(source_id=source_id, caption=caption, header=header, rows=rows,
                       source_note=_source_note(lines, note_from),
                       body_lines=(min(body) + 1, last + 1),
                       page_breaks=[i + 1 for i in skipped], garbage=garbage,
                       unit_note=unit.group(1) if unit else None)
