"""Shared table mechanics: find captioned tables in a plain-text conversion and rebuild their rows.

The conversions in ``sources/`` flatten each PDF table into tab-separated lines (see shared/sources/README.md).
This module knows how such a table looks in the text; *which* tables a document holds and what their columns
mean is declared per source in ``extractors/specs/<source_id>.yaml`` (see :mod:`extractors.mapping`).

Mechanics handled here:

* captions are found in the body, never in the list of tables at the top (whose lines are
  ``表 1-1<TAB>title<TAB>page`` and may number tables differently) nor in prose references
  (``# 表 3-7 為中國推動…。`` or ``## 表 3-14)。``);
* the body may come after its caption or before it (表 2-1 prints the caption under the body);
* a table split by a page break repeats its header after footnotes: the body continues there;
* ``row_mode: wrapped`` rebuilds logical rows whose cells wrap over several lines (表 3-7), closing a
  row when every column's text is complete by the column's ``complete`` pattern;
* OCR garbage cells (stray Cyrillic, symbol runs, scattered single characters) are dropped from the
  rebuilt text and reported (see :func:`is_ocr_garbage`).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

CAPTION_RE = re.compile(r"^表\s*(\d+)\s*-\s*(\d+)\s+(\S.*?)\s*$")
SOURCE_NOTE_RE = re.compile(r"^資料來源\s*[::]\s*(.+?)\s*$")
_PROSE_ENDINGS = ("。", ")。", ")", "。)")
_HTML_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")
_ODD_CHARS_RE = re.compile(r"[\u0370-\u03ff\u0400-\u04ff⇒¥○■□◆◇★☆※]|\*\s*\*")
_CJK = r"\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"   # CJK punctuation, kana, ideographs
_CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_NOTE_LOOKAHEAD = 4          # non-blank lines after a body in which a 資料來源 line is looked for
_CONTINUATION_WINDOW = 60    # lines after a body in which a repeated header continues the table


class TableError(ValueError):
    """A table named in a spec cannot be found or rebuilt; the message names source and table."""


@dataclass(frozen=True)
class Caption:
    table_id: str      # e.g. "3-13"
    title: str         # caption text after the number
    line: int          # 1-based line number

    @property
    def text(self) -> str:
        return f"表 {self.table_id} {self.title}"


@dataclass
class Row:
    """A logical row: one text per column (None when empty), the snapshot lines it spans (1-based)."""

    cells: list[str | None]
    line_start: int
    line_end: int


@dataclass
class Garbage:
    """A cell fragment recognised as OCR noise and left out of the rebuilt row."""

    line: int
    column: int
    text: str


@dataclass
class ReportTable:
    """A report table as printed: header rows, logical data rows, caption and source note."""

    source_id: str
    caption: Caption
    header: list[Row]
    rows: list[Row]
    source_note: str | None
    body_lines: tuple[int, int]
    page_breaks: list[int] = field(default_factory=list)   # lines where a repeated header was skipped
    garbage: list[Garbage] = field(default_factory=list)

    @property
    def table_id(self) -> str:
        return self.caption.table_id

    def column_names(self) -> list[str | None]:
        """Header text per column (header rows joined top to bottom)."""
        width = max((len(r.cells) for r in self.header + self.rows), default=0)
        names: list[str | None] = []
        for i in range(width):
            parts = [r.cells[i] for r in self.header if i < len(r.cells) and r.cells[i]]
            names.append(" ".join(parts) if parts else None)
        return names

    def locator(self, row: Row) -> str:
        return f"表 {self.table_id} L{row.line_start}-{row.line_end}"


# --- cell text ---------------------------------------------------------------------------------

def clean_cell(text: str) -> str:
    """Strip HTML fragments left by the conversion and collapse whitespace; the characters stay as printed.

    A space between two CJK characters is where the PDF wrapped the cell ("白宮國家科學 技術委員會") and
    is removed.
    """
    return _CJK_GAP_RE.sub("", _collapse(text))


def _collapse(text: str) -> str:
    if "<" in text and _HTML_TAG_RE.search(text):
        from bs4 import BeautifulSoup  # the conversion leaves <b>, <ol><li>, <sup>: parse rather than regex

        text = BeautifulSoup(text, "html.parser").get_text(" ")
    return re.sub(r"\s+", " ", text).strip()


def read_cell(raw: str, line: int, column: int, garbage: list["Garbage"]) -> str:
    """A printed cell fragment -> clean text, or "" when it is OCR noise (recorded in ``garbage``).

    Garbage is judged before wrap spaces are removed: scattered characters are a garbage signal.
    """
    collapsed = _collapse(raw)
    if collapsed and is_ocr_garbage(collapsed):
        garbage.append(Garbage(line, column, collapsed))
        return ""
    return _CJK_GAP_RE.sub("", collapsed)


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def _is_cjk(ch: str) -> bool:
    return "CJK" in unicodedata.name(ch, "")


def is_ocr_garbage(text: str) -> bool:
    """True when a cell fragment is OCR noise rather than printed content.

    Signals (any one suffices), all seen in document 000:
    * characters from scripts the documents never use (Cyrillic, Greek) or symbol runs (``⇒¥○``, ``** * *``),
      e.g. ``/Д 15 ц`` in the date column of 表 3-7;
    * scattered single characters split by slashes and spaces, e.g. ``灰/六 AI / 介 九 貝 源`` (表 3-1);
    * a short cell of mostly Simplified-only characters in a Traditional-Chinese document, e.g. ``会送士从``.
    """
    t = text.strip()
    if not t:
        return False
    if _ODD_CHARS_RE.search(t):
        return True
    tokens = [tok for tok in re.split(r"[\s/]+", t) if tok]
    if "/" in t and len(tokens) >= 4:
        singles = sum(1 for tok in tokens if len(tok) == 1 and _is_cjk(tok))
        if singles / len(tokens) >= 0.6:
            return True
    cjk = [ch for ch in t if _is_cjk(ch)]
    if 2 <= len(cjk) <= 8:
        simplified = sum(1 for ch in cjk if _s2t().convert(ch) != ch)
        if simplified >= 2 and simplified / len(cjk) >= 0.5:
            return True
    return False


def join_fragments(parts: list[str]) -> str:
    """Join the wrapped lines of one cell: no space between CJK text, one space between Latin words."""
    out = ""
    for part in parts:
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return out


def display_width(text: str | None) -> int:
    """Printed width of a cell in half-width units (CJK counts 2): a proxy for the height it takes."""
    if not text:
        return 0
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# --- finding tables ----------------------------------------------------------------------------

def find_captions(lines: list[str]) -> list[Caption]:
    """Captions of tables in the body of a document.

    Skips the list of tables (tab-separated entries with page numbers) and prose that mentions a table
    (lines starting with ``#`` or ending like a sentence). Returns captions in document order.
    """
    found = []
    for idx, line in enumerate(lines):
        if "\t" in line or line.lstrip().startswith("#"):
            continue
        m = CAPTION_RE.match(line.strip())
        if not m:
            continue
        title = m.group(3)
        if title.endswith(_PROSE_ENDINGS) or title.startswith(("為", "所示", "顯示")):
            continue
        found.append(Caption(table_id=f"{m.group(1)}-{m.group(2)}", title=title, line=idx + 1))
    return found


def _is_table_line(line: str) -> bool:
    return "\t" in line


def _next_nonblank(lines: list[str], idx: int, step: int) -> int | None:
    while 0 <= idx < len(lines):
        if lines[idx].strip():
            return idx
        idx += step
    return None


def _norm(line: str) -> str:
    return re.sub(r"\s+", "", line)


def _collect_forward(lines: list[str], start: int) -> list[int]:
    body = []
    idx = start
    while idx < len(lines) and _is_table_line(lines[idx]):
        body.append(idx)
        idx += 1
    return body


def _body_indices(lines: list[str], cap_idx: int, header_rows: int) -> tuple[list[int], list[int]]:
    """Line indices (0-based) of a table body, and of repeated headers skipped at page breaks."""
    after = _next_nonblank(lines, cap_idx + 1, 1)
    if after is not None and after - cap_idx <= 3 and _is_table_line(lines[after]):
        body = _collect_forward(lines, after)
    else:
        before = _next_nonblank(lines, cap_idx - 1, -1)
        if before is None or cap_idx - before > 3 or not _is_table_line(lines[before]):
            return [], []
        body = []
        idx = before
        while idx >= 0 and _is_table_line(lines[idx]):
            body.insert(0, idx)
            idx -= 1
        return body, []
    # A page break: footnotes, then the header printed again, then more rows.
    header = [_norm(lines[i]) for i in body[:header_rows]]
    skipped: list[int] = []
    while True:
        end = body[-1] + 1
        nxt = None
        for idx in range(end, min(end + _CONTINUATION_WINDOW, len(lines))):
            text = lines[idx].strip()
            if CAPTION_RE.match(text) or text.startswith("資料來源") or text.startswith("#"):
                break
            if [_norm(x) for x in lines[idx:idx + header_rows]] == header:
                nxt = idx
                break
        if nxt is None:
            return body, skipped
        skipped.extend(range(nxt, nxt + header_rows))
        more = _collect_forward(lines, nxt)
        body.extend(i for i in more if i not in skipped)


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


# --- rebuilding rows ---------------------------------------------------------------------------

def _split(line: str, width: int) -> list[str]:
    cells = [c for c in line.split("\t")]
    if len(cells) < width:
        cells += [""] * (width - len(cells))
    return cells


def _line_rows(lines, indices, width, garbage) -> list[Row]:
    rows = []
    for idx in indices:
        cells: list[str | None] = []
        for col, raw in enumerate(_split(lines[idx], width)):
            cells.append(read_cell(raw, idx + 1, col, garbage) or None)
        if any(cells):
            rows.append(Row(cells=cells, line_start=idx + 1, line_end=idx + 1))
    return rows


def _wrapped_rows(lines, indices, width, complete: dict[int, re.Pattern], required: list[int],
                  garbage) -> list[Row]:
    """Logical rows from wrapped lines (表 3-7): a row closes when each of its columns' text is complete.

    Rules, in order:

    1. A row is complete when every ``required`` column has text and every column's joined text matches
       its ``complete`` pattern (a column without a pattern is always complete); the next line with text
       then starts a new row.
    2. A column's text is contiguous within a row. When a new row opens with lines that fill no required
       column (the tail of a long issuer list) and that column resumes after a gap, those lines belong to
       the row above.
    3. A row that never gets text in a required column belongs to the row above.
    """
    # each segment: list of (line_no, fragments)
    segments: list[list[tuple[int, list[str]]]] = []

    def joined(seg, col):
        return join_fragments([frags[col] for _, frags in seg if frags[col]])

    def is_complete(seg) -> bool:
        if any(not joined(seg, c) for c in required):
            return False
        return all(not joined(seg, c) or pat.search(joined(seg, c)) for c, pat in complete.items())

    for idx in indices:
        frags = [read_cell(raw, idx + 1, col, garbage) for col, raw in enumerate(_split(lines[idx], width)[:width])]
        if not any(frags):
            continue
        if not segments or is_complete(segments[-1]):
            segments.append([])
        segments[-1].append((idx + 1, frags))

    for k in range(1, len(segments)):                       # rule 2
        seg = segments[k]
        lead = 0
        while lead < len(seg) and not any(seg[lead][1][c] for c in required):
            lead += 1
        if not lead or lead == len(seg):
            continue
        lead_cols = {c for _, frags in seg[:lead] for c in range(width) if frags[c]}
        resumes = any(
            any(not frags[c] for _, frags in seg[lead:j]) or not seg[lead - 1][1][c]
            for c in lead_cols for j in range(lead, len(seg)) if seg[j][1][c]
        )
        if resumes:
            segments[k - 1].extend(seg[:lead])
            segments[k] = seg[lead:]

    merged: list[list[tuple[int, list[str]]]] = []           # rule 3
    for seg in segments:
        if merged and required and not any(frags[c] for _, frags in seg for c in required):
            merged[-1].extend(seg)
        else:
            merged.append(seg)
    return [Row(cells=[joined(seg, c) or None for c in range(width)], line_start=seg[0][0],
                line_end=seg[-1][0]) for seg in merged]


def extract_table(source_id: str, lines: list[str], caption: Caption, *, header_rows: int = 1,
                  row_mode: str = "line", complete: dict[int, str] | None = None,
                  required: list[int] | None = None, width: int | None = None) -> ReportTable:
    """Rebuild one captioned table. Raises TableError (naming source and table) when no body is found."""
    cap_idx = caption.line - 1
    body, skipped = _body_indices(lines, cap_idx, header_rows)
    if len(body) <= header_rows:
        raise TableError(f"source {source_id}: 表 {caption.table_id} (line {caption.line}) has no "
                         f"tab-separated body next to its caption")
    width = width or max(len(lines[i].split("\t")) for i in body)
    garbage: list[Garbage] = []
    header = _line_rows(lines, body[:header_rows], width, garbage)
    data_idx = body[header_rows:]
    if row_mode == "line":
        rows = _line_rows(lines, data_idx, width, garbage)
    elif row_mode == "wrapped":
        pats = {int(k): re.compile(v) for k, v in (complete or {}).items()}
        rows = _wrapped_rows(lines, data_idx, width, pats, list(required or []), garbage)
    else:
        raise TableError(f"source {source_id}: 表 {caption.table_id}: unknown row_mode {row_mode!r}")
    last = max(body)
    note_from = max(last, cap_idx) + 1
    return ReportTable(source_id=source_id, caption=caption, header=header, rows=rows,
                       source_note=_source_note(lines, note_from),
                       body_lines=(min(body) + 1, last + 1),
                       page_breaks=[i + 1 for i in skipped], garbage=garbage)


def find_tables(source_id: str, lines: list[str], table_specs: list[dict]) -> list[ReportTable]:
    """All tables a spec names, rebuilt. Raises TableError when a named caption is missing or repeated."""
    captions = find_captions(lines)
    by_id: dict[str, list[Caption]] = {}
    for cap in captions:
        by_id.setdefault(cap.table_id, []).append(cap)
    out = []
    for spec in table_specs:
        tid = str(spec["table_id"])
        hits = by_id.get(tid, [])
        if len(hits) != 1:
            raise TableError(f"source {source_id}: expected one caption 表 {tid} in the body, found {len(hits)}")
        out.append(extract_table(source_id, lines, hits[0], header_rows=int(spec.get("header_rows", 1)),
                                 row_mode=spec.get("row_mode", "line"), complete=spec.get("complete"),
                                 required=spec.get("required"), width=spec.get("width")))
    return out


def fill_merged(rows: list[Row], column: int) -> list[str | None]:
    """Values of a merged (vertically spanning) column, one per row.

    A merged cell is printed once, on the row at the vertical centre of its group, which is not always
    the group's first row (表 3-1 prints "NSF" on the middle row of three). Groups are contiguous and
    each contains exactly one printed label; the split of unlabelled rows between two labels is chosen to
    put each label nearest the centre of its group (row heights estimated from printed cell width), with
    ties broken by row distance to the label. Rows before the first label belong to it.
    """
    labels = [i for i, r in enumerate(rows) if r.cells[column]]
    if not labels:
        return [None] * len(rows)
    heights = [max(2, max(display_width(c) for c in r.cells)) for r in rows]

    def cost(lo: int, hi: int, label: int) -> float:   # group rows lo..hi inclusive
        total = sum(heights[lo:hi + 1])
        centre = total / 2
        label_mid = sum(heights[lo:label]) + heights[label] / 2
        dist = sum(abs(i - label) for i in range(lo, hi + 1))
        return abs(centre - label_mid) / max(heights) + dist

    n = len(rows)
    # best[k][e]: min cost for labels[0..k] with group k ending at row e
    best: list[dict[int, tuple[float, int | None]]] = []
    for k, lab in enumerate(labels):
        ends = range(lab, (labels[k + 1] if k + 1 < len(labels) else n))
        last_end = n - 1 if k + 1 == len(labels) else None
        layer: dict[int, tuple[float, int | None]] = {}
        for e in ends:
            if last_end is not None and e != last_end:
                continue
            if k == 0:
                layer[e] = (cost(0, e, lab), None)
                continue
            options = [(prev_cost + cost(pe + 1, e, lab), pe) for pe, (prev_cost, _) in best[k - 1].items()
                       if pe < lab]
            layer[e] = min(options)
        best.append(layer)
    # walk back
    out: list[str | None] = [None] * n
    e = min(best[-1], key=lambda x: best[-1][x][0])
    for k in range(len(labels) - 1, -1, -1):
        prev = best[k][e][1]
        lo = 0 if prev is None else prev + 1
        for i in range(lo, e + 1):
            out[i] = rows[labels[k]].cells[column]
        if prev is None:
            break
        e = prev
    return out
