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
  rebuilt text and reported (see :func:`is_ocr_garbage`);
* rows continue after a blank line with no repeated header (表 3-5, 3-8);
* ``row_mode: stub`` joins wrapped row labels (表 1-1), ``centred`` assigns text printed centred against a
  shorter label (表 3-5), ``fixed`` takes ``lines_per_row`` lines per row (表 3-9); ``spread_collapsed``
  gives back words one cell printed for its empty neighbours (表 2-4); ``body: none`` keeps a table
  printed as a chart or image as its caption only (表 2-5, 2-6).

Over the size budget: the table mechanics (captions, bodies, row layouts); being split into a package (issue 9).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# Two caption styles: "表 3-13 title" (document 000) and "表 1、title" (document 003, no chapter number).
CAPTION_RE = re.compile(r"^表\s*(?:(?P<chapter>\d+)\s*-\s*(?P<number>\d+)\s+|(?P<single>\d+)\s*、\s*)"
                        r"(?P<title>\S.*?)\s*$")
UNIT_NOTE_RE = re.compile(r"^單位\s*[::]\s*(.+?)\s*$")    # "單位:新臺幣 億元" between a caption and its body


def caption_id(m: re.Match) -> str:
    """The table id of a CAPTION_RE match: ``3-13`` for "表 3-13 …", ``4`` for "表 4、…"."""
    return m.group("single") or f"{m.group('chapter')}-{m.group('number')}"
SOURCE_NOTE_RE = re.compile(r"^資料來源\s*[::]\s*(.+?)\s*$")
_PROSE_ENDINGS = ("。", ")。", ")", "。)")
_HTML_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")
_ODD_CHARS_RE = re.compile(r"[\u0370-\u03ff\u0400-\u04ff⇒¥○■□◆◇★☆※]|\*\s*\*")
_NOISE_RE = re.compile(r"(?:\d[\s.]+){7,}\d?|_+|.*—{4,}.*")   # digit runs, underscores, dash runs
_CJK = r"\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"   # CJK punctuation, kana, ideographs
_CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_NOTE_LOOKAHEAD = 4          # non-blank lines after a body in which a 資料來源 line is looked for
_CONTINUATION_WINDOW = 60    # lines after a body in which a repeated header continues the table


class TableError(ValueError):
    """A table named in a spec cannot be found or rebuilt; the message names source and table."""


@dataclass(frozen=True)
class Caption:
    table_id: str      # e.g. "3-13", "4", or a spec id ("cost", "s-laws") for an uncaptioned table
    title: str         # caption text after the number
    line: int          # 1-based line number
    printed: str | None = None   # the anchor line of an uncaptioned table, as printed

    @property
    def text(self) -> str:
        return self.printed or f"表 {self.table_id} {self.title}"


@dataclass
class Row:
    """A logical row: one text per column (None when empty), the snapshot lines it spans (1-based)."""

    cells: list[str | None]
    line_start: int
    line_end: int
    # columns where more than one printed line of a stub-joined row holds a value: column -> fragments
    conflicts: dict[int, list[str]] = field(default_factory=dict)
    # columns filled from a neighbour cell that printed several cells' words in one: column -> that cell
    spread: dict[int, str] = field(default_factory=dict)


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
    unit_note: str | None = None   # "新臺幣 億元" from a "單位:" line between caption and body

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

def cell(row: Row, col: int | None) -> str | None:
    """The cell of ``row`` in column ``col`` (0-based), or None for no column or a row too short."""
    if col is None or col >= len(row.cells):
        return None
    return row.cells[col]


def publisher_of(note: str | None) -> str | None:
    """Publisher from a 資料來源 line: ``WIPO (2024)。`` -> ``WIPO``; several names are kept joined."""
    if not note:
        return None
    text = re.sub(r"[((]\s*[\d、,\s]+[))]", "", note).strip(" 。.")
    return text or None


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
    * a short cell of mostly Simplified-only characters in a Traditional-Chinese document, e.g. ``会送士从``,
      or a longer one with many, e.g. ``0届开发仁津小社会改入4. 改入归赎口办儿`` (表 3-5, L1065);
    * runs of single digits, e.g. ``4 7 1 1 1 4 1 1 …`` and ``7.4.4.4.4.7.4.4 …`` (表 3-5, L1049, L1061);
    * long dash runs or a lone underscore, e.g. ``·貝曾 —————`` (表 3-8, L1277), ``_`` (表 1-1, L161);
    * only isolated single CJK characters, e.g. ``<b>然</b> 石`` (表 3-3, L935: the 範例 label is below it).
    """
    t = text.strip()
    if not t:
        return False
    if _ODD_CHARS_RE.search(t) or _NOISE_RE.fullmatch(t):
        return True
    if len(t.split()) >= 2 and all(len(tok) == 1 and _is_cjk(tok) for tok in t.split()):
        return True
    tokens = [tok for tok in re.split(r"[\s/]+", t) if tok]
    if "/" in t and len(tokens) >= 4:
        singles = sum(1 for tok in tokens if len(tok) == 1 and _is_cjk(tok))
        if singles / len(tokens) >= 0.6:
            return True
    cjk = [ch for ch in t if _is_cjk(ch)]
    simplified = sum(1 for ch in cjk if _s2t().convert(ch) != ch)
    if 2 <= len(cjk) <= 8 and simplified >= 2 and simplified / len(cjk) >= 0.5:
        return True
    if len(cjk) > 8 and simplified >= 4 and simplified / len(cjk) >= 0.3:
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


def _body_indices(lines: list[str], cap_idx: int, header_rows: int,  # noqa: C901  (over the complexity budget: to be split, issue 9)
                  start: int | None = None) -> tuple[list[int], list[int]]:
    """Line indices (0-based) of a table body, and of repeated headers skipped at page breaks.

    ``start`` (0-based) is the first body line of an uncaptioned table located by its spec; otherwise the
    body is next to the caption (a "單位:" line may sit between them)."""
    after = _next_nonblank(lines, cap_idx + 1, 1)
    if after is not None and start is None and UNIT_NOTE_RE.match(lines[after].strip()):
        cap_idx = after
        after = _next_nonblank(lines, after + 1, 1)
    if start is not None:
        body = _collect_forward(lines, start)
    elif after is not None and after - cap_idx <= 3 and _is_table_line(lines[after]):
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
        gap = _after_blank(lines, end)
        if gap is not None:                      # rows continue after a blank line (表 3-5, 表 3-8)
            if [_norm(x) for x in lines[gap:gap + header_rows]] == header:   # a page break (document 003 表 1)
                skipped.extend(range(gap, gap + header_rows))
            body.extend(i for i in _collect_forward(lines, gap) if i not in skipped)
            continue
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


def _after_blank(lines: list[str], end: int) -> int | None:
    """Index of a tab-separated line that continues a body after at most two blank lines, or None.

    A block followed (within 3 lines) by a caption is the body of that later caption (captions may come
    after their body, 表 2-1), not a continuation."""
    nxt = _next_nonblank(lines, end, 1)
    if nxt is None or nxt == end or nxt - end > 2 or not _is_table_line(lines[nxt]):
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


def _wrapped_rows(lines, indices, width, complete: dict[int, re.Pattern], required: list[int],  # noqa: C901  (over the complexity budget: to be split, issue 9)
                  garbage, after_break: set[int] | frozenset = frozenset()) -> list[Row]:
    """Logical rows from wrapped lines (表 3-7): a row closes when each of its columns' text is complete.

    Rules, in order:

    1. A row is complete when every ``required`` column has text and every column's joined text matches
       its ``complete`` pattern (a column without a pattern is always complete); the next line with text
       then starts a new row.
    2. A column's text is contiguous within a row. When a new row opens with lines that fill no required
       column (the tail of a long issuer list) and that column resumes after a gap, those lines belong to
       the row above.
    3. A row that never gets text in a required column belongs to the row above.
    4. A cell split by a page break: the first line after a skipped repeated header (``after_break``,
       0-based indices) that fills no required column continues the row before the break (document 003
       表 4 L1559 "轉。…" ends L1556's description).
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
        if idx in after_break and segments and not any(frags[c] for c in required):   # rule 4
            segments[-1].append((idx + 1, frags))
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


def _join_lines(seg: list[tuple[int, list[str]]], width: int, values_from: int | None = None) -> Row:
    """One logical row from (line_no, fragments) lines; columns >= ``values_from`` printed on more than one
    line are recorded in ``Row.conflicts`` (their fragments, top to bottom)."""
    row = Row(cells=[join_fragments([f[c] for _, f in seg if f[c]]) or None for c in range(width)],
              line_start=seg[0][0], line_end=seg[-1][0])
    if values_from is not None:
        for c in range(values_from, width):
            printed = [f[c] for _, f in seg if f[c]]
            if len(printed) > 1:
                row.conflicts[c] = printed
    return row


def _read_lines(lines, indices, width, garbage) -> list[tuple[int, list[str]]]:
    out = []
    for idx in indices:
        frags = [read_cell(raw, idx + 1, col, garbage) for col, raw in enumerate(_split(lines[idx], width)[:width])]
        if any(frags):
            out.append((idx + 1, frags))
    return out


_OPEN_END_RE = re.compile(r"[(\uff08\u3014][^)\uff09\u3015]*$")   # a label ending inside ( ( 〔


def _stub_rows(lines, indices, width, sections: list[str], garbage) -> list[Row]:
    """Logical rows of a table whose column 0 is a stub of row labels with values to its right (表 1-1).

    A label wraps onto the next line when (a) its line prints no value and the label is not one of the
    spec's ``sections`` (a heading row such as 訓練端), or (b) it ends inside an unclosed bracket
    (``全球大規模日活使用人數(億`` / ``人)``). Values printed on more than one line of a joined row are kept
    joined as printed and listed in ``Row.conflicts`` for the mapper to flag.
    """
    rows: list[Row] = []
    seg: list[tuple[int, list[str]]] = []
    for line_no, frags in _read_lines(lines, indices, width, garbage):
        seg.append((line_no, frags))
        label = join_fragments([f[0] for _, f in seg if f[0]])
        has_values = any(frags[1:])
        wraps = bool(not has_values and label and _norm(label) not in sections) or bool(_OPEN_END_RE.search(label))
        if not wraps:
            rows.append(_join_lines(seg, width, values_from=1))
            seg = []
    if seg:
        rows.append(_join_lines(seg, width, values_from=1))
    return rows


def _centred_rows(lines, indices, width, complete: dict[int, re.Pattern], garbage) -> list[Row]:
    """Logical rows of a table whose column-0 text is printed vertically centred against longer text in
    the other columns (表 3-5: item 2's label sits on L1040-1041, its explanation on L1036-1045).

    Anchors are the runs of lines printing column 0, each closed when its text matches ``complete[0]``.
    Lines between two anchors (printing only other columns) are split between them: the split keeps every
    column's text of the upper row complete by its ``complete`` pattern and, among those, puts each anchor
    nearest the middle of its row. Lines before the first anchor belong to it, after the last to the last.
    """
    read = _read_lines(lines, indices, width, garbage)
    done = complete.get(0)
    anchors: list[list[int]] = []            # positions in ``read``
    open_anchor = False
    for pos, (_, frags) in enumerate(read):
        if not frags[0]:
            open_anchor = False
            continue
        if not open_anchor:
            anchors.append([])
        anchors[-1].append(pos)
        text = join_fragments([read[p][1][0] for p in anchors[-1]])
        open_anchor = not (done and done.search(text))
    if not anchors:
        return [_join_lines(read, width)] if read else []
    groups = [[a[0], a[-1]] for a in anchors]    # [first, last] position per row
    groups[0][0] = 0
    groups[-1][1] = len(read) - 1

    def line_no(pos):
        return read[pos][0]

    def off_centre(lo, hi, anchor):
        return abs((line_no(lo) + line_no(hi)) / 2 - (line_no(anchor[0]) + line_no(anchor[-1])) / 2)

    def closes(lo, hi):
        return all(pat.search(t) for c, pat in complete.items() if c > 0
                   for t in [join_fragments([read[p][1][c] for p in range(lo, hi + 1) if read[p][1][c]])] if t)

    for k in range(len(anchors) - 1):
        up, down = anchors[k], anchors[k + 1]
        options = [(off_centre(groups[k][0], cut, up) + off_centre(cut + 1, groups[k + 1][1], down), cut)
                   for cut in range(up[-1], down[0]) if closes(groups[k][0], cut)]
        cut = min(options)[1] if options else down[0] - 1
        groups[k][1], groups[k + 1][0] = cut, cut + 1
    return [_join_lines(read[lo:hi + 1], width) for lo, hi in groups]


def _fixed_rows(lines, indices, width, lines_per_row: int, garbage) -> list[Row]:
    """Logical rows of a table that prints every row over the same number of lines (表 3-9: two)."""
    read = _read_lines(lines, indices, width, garbage)
    return [_join_lines(read[k:k + lines_per_row], width) for k in range(0, len(read), lines_per_row)]


def _spread_collapsed(lines: list[str], rows: list[Row]) -> None:
    """Give back to empty cells the words a neighbour printed for them (表 2-4 L560: one cell prints
    ``零售和消費用品業 銀行業 醫藥`` for its own column and the two to its right).

    A cell of k > 1 space-separated words followed by an empty cell is spread over its column and the
    k - 1 columns to its right, word by word; a column that printed its own text keeps it. Each column
    filled this way records the collapsed cell as printed in ``Row.spread``. Line rows only.
    """
    for row in rows:
        raw = _split(lines[row.line_start - 1], len(row.cells))
        for c in range(len(row.cells) - 1):
            words = _collapse(raw[c]).split()
            if len(words) < 2 or row.cells[c + 1] or c + len(words) > len(row.cells):
                continue
            printed = _collapse(raw[c])
            row.cells[c] = words[0]
            row.spread[c] = printed
            for k, word in enumerate(words[1:], start=c + 1):
                if not row.cells[k]:
                    row.cells[k] = word
                    row.spread[k] = printed


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
    0-based line). Raises TableError (naming source and table) when no body is found."""
    cap_idx = caption.line - 1
    body, skipped = _body_indices(lines, cap_idx, header_rows, start)
    if len(body) <= header_rows:
        raise TableError(f"source {source_id}: 表 {caption.table_id} (line {caption.line}) has no "
                         f"tab-separated body next to its caption")
    width = width or max(len(lines[i].split("\t")) for i in body)
    garbage: list[Garbage] = []
    header = _line_rows(lines, body[:header_rows], width, garbage)
    data_idx = body[header_rows:]
    if row_mode == "line":
        rows = _line_rows(lines, data_idx, width, garbage)
        if spread_collapsed:
            _spread_collapsed(lines, rows)
    elif row_mode == "wrapped":
        pats = {int(k): re.compile(v) for k, v in (complete or {}).items()}
        after_break = {i for i in data_idx if i - 1 in skipped}   # first line after a repeated header
        rows = _wrapped_rows(lines, data_idx, width, pats, list(required or []), garbage, after_break)
    elif row_mode == "stub":
        rows = _stub_rows(lines, data_idx, width, [_norm(s) for s in sections or []], garbage)
    elif row_mode == "centred":
        pats = {int(k): re.compile(v) for k, v in (complete or {}).items()}
        rows = _centred_rows(lines, data_idx, width, pats, garbage)
    elif row_mode == "fixed" and lines_per_row:
        rows = _fixed_rows(lines, data_idx, width, int(lines_per_row), garbage)
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


# --- uncaptioned tables and slide blocks, located by their spec ---------------------------------

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
        end = _anchor(lines, loc["end"], start + 1, source_id, tid, "end") if loc.get("end") else len(lines)
        block = [(i + 1, lines[i]) for i in range(start + 1, end)]
        rows = bullet_rows(block) if mode == "bullets" else pair_rows(block, spec["value_pattern"])
        if not rows:
            raise TableError(f"source {source_id}: table {tid}: no rows between line {start + 1} and {end}")
        return ReportTable(source_id=source_id, caption=caption, header=[], rows=rows, source_note=None,
                           body_lines=(rows[0].line_start, rows[-1].line_end))
    header_rx = re.compile(loc["header"])
    first = next((i for i in range(start + 1, len(lines)) if _is_table_line(lines[i])), None)
    if first is None or not header_rx.search(lines[first]):
        raise TableError(f"source {source_id}: table {tid}: no table with header {loc['header']!r} "
                         f"after line {start + 1}")
    return extract_table(source_id, lines, caption, header_rows=int(spec.get("header_rows", 1)),
                         row_mode=mode, complete=spec.get("complete"), required=spec.get("required"),
                         width=spec.get("width"), start=first)


_BULLET_RE = re.compile(r"^(?P<indent>\s*)-\s+(?:▶\s*)?(?P<text>\S.*?)\s*$")


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
