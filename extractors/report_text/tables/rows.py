"""Row layouts: the printed lines of a table body -> logical rows.

One line per row (``row_mode: line``, optionally ``spread_collapsed``), a stub of wrapped row labels
(``stub``), labels printed centred against longer text (``centred``) and a fixed number of lines per row
(``fixed``); merged (vertically spanning) cells are filled by :func:`fill_merged`. Wrapped rows closed by
completeness patterns (``wrapped``) are in :mod:`.wrapped`.
"""
from __future__ import annotations

import re

from extractors.report_text.tables.cells import collapse, display_width, join_fragments, read_cell, split_cells, \
    unspaced
from extractors.report_text.tables.model import Garbage, Row

_OPEN_END_RE = re.compile(r"[(\uff08\u3014][^)\uff09\u3015]*$")   # a label ending inside ( ( 〔


def line_rows(lines: list[str], indices: list[int], width: int, garbage: list[Garbage]) -> list[Row]:
    """One row per printed line (0-based ``indices``) that has any text; OCR garbage goes to ``garbage``."""
    rows = []
    for idx in indices:
        cells: list[str | None] = []
        for col, raw in enumerate(split_cells(lines[idx], width)):
            cells.append(read_cell(raw, idx + 1, col, garbage) or None)
        if any(cells):
            rows.append(Row(cells=cells, line_start=idx + 1, line_end=idx + 1))
    return rows


def join_lines(seg: list[tuple[int, list[str]]], width: int, values_from: int | None = None) -> Row:
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


def read_lines(lines: list[str], indices: list[int], width: int,
               garbage: list[Garbage]) -> list[tuple[int, list[str]]]:
    """(1-based line, cell fragments cut to ``width``) of each printed line with any text."""
    out = []
    for idx in indices:
        cells = split_cells(lines[idx], width)[:width]
        frags = [read_cell(raw, idx + 1, col, garbage) for col, raw in enumerate(cells)]
        if any(frags):
            out.append((idx + 1, frags))
    return out


def stub_rows(lines: list[str], indices: list[int], width: int, sections: list[str],
              garbage: list[Garbage]) -> list[Row]:
    """Logical rows of a table whose column 0 is a stub of row labels with values to its right (表 1-1).

    A label wraps onto the next line when (a) its line prints no value and the label is not one of the
    spec's ``sections`` (a heading row such as 訓練端), or (b) it ends inside an unclosed bracket
    (``全球大規模日活使用人數(億`` / ``人)``). Values printed on more than one line of a joined row are kept
    joined as printed and listed in ``Row.conflicts`` for the mapper to flag.
    """
    rows: list[Row] = []
    seg: list[tuple[int, list[str]]] = []
    for line_no, frags in read_lines(lines, indices, width, garbage):
        seg.append((line_no, frags))
        label = join_fragments([f[0] for _, f in seg if f[0]])
        has_values = any(frags[1:])
        wraps = bool(not has_values and label and unspaced(label) not in sections) or bool(_OPEN_END_RE.search(label))
        if not wraps:
            rows.append(join_lines(seg, width, values_from=1))
            seg = []
    if seg:
        rows.append(join_lines(seg, width, values_from=1))
    return rows


def centred_rows(lines: list[str], indices: list[int], width: int, complete: dict[int, re.Pattern],
                 garbage: list[Garbage]) -> list[Row]:
    """Logical rows of a table whose column-0 text is printed vertically centred against longer text in
    the other columns (表 3-5: item 2's label sits on L1040-1041, its explanation on L1036-1045).

    Anchors are the runs of lines printing column 0, each closed when its text matches ``complete[0]``.
    Lines between two anchors (printing only other columns) are split between them: the split keeps every
    column's text of the upper row complete by its ``complete`` pattern and, among those, puts each anchor
    nearest the middle of its row. Lines before the first anchor belong to it, after the last to the last.
    """
    read = read_lines(lines, indices, width, garbage)
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
        return [join_lines(read, width)] if read else []
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
    return [join_lines(read[lo:hi + 1], width) for lo, hi in groups]


def fixed_rows(lines: list[str], indices: list[int], width: int, lines_per_row: int,
               garbage: list[Garbage]) -> list[Row]:
    """Logical rows of a table that prints every row over the same number of lines (表 3-9: two)."""
    read = read_lines(lines, indices, width, garbage)
    return [join_lines(read[k:k + lines_per_row], width) for k in range(0, len(read), lines_per_row)]


def spread_collapsed_cells(lines: list[str], rows: list[Row]) -> None:
    """Give back to empty cells the words a neighbour printed for them (表 2-4 L560: one cell prints
    ``零售和消費用品業 銀行業 醫藥`` for its own column and the two to its right).

    A cell of k > 1 space-separated words followed by an empty cell is spread over its column and the
    k - 1 columns to its right, word by word; a column that printed its own text keeps it. Each column
    filled this way records the collapsed cell as printed in ``Row.spread``. Line rows only.
    """
    for row in rows:
        raw = split_cells(lines[row.line_start - 1], len(row.cells))
        for c in range(len(row.cells) - 1):
            words = collapse(raw[c]).split()
            if len(words) < 2 or row.cells[c + 1] or c + len(words) > len(row.cells):
                continue
            printed = collapse(raw[c])
            row.cells[c] = words[0]
            row.spread[c] = printed
            for k, word in enumerate(words[1:], start=c + 1):
                if not row.cells[k]:
                    row.cells[k] = word
                    row.spread[k] = printed


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
