"""Wrapped rows (``row_mode: wrapped``, 表 3-7): logical rows whose cells wrap over several printed lines,
closed when every column's text is complete by the column's ``complete`` pattern."""
from __future__ import annotations

import re

from extractors.report_text.tables.cells import join_fragments
from extractors.report_text.tables.model import Garbage, Row
from extractors.report_text.tables.rows import join_lines, read_lines

Line = tuple[int, list[str]]     # (1-based line number, cell fragments)


def wrapped_rows(lines: list[str], indices: list[int], width: int, complete: dict[int, re.Pattern],
                 required: list[int], garbage: list[Garbage],
                 after_break: set[int] | frozenset = frozenset()) -> list[Row]:
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
    read = read_lines(lines, indices, width, garbage)
    segments = _segments(read, complete, required, after_break)
    _give_back_leads(segments, required, width)
    return [join_lines(seg, width) for seg in _merge_unlabelled(segments, required)]


def _joined(seg: list[Line], col: int) -> str:
    return join_fragments([frags[col] for _, frags in seg if frags[col]])


def _is_complete(seg: list[Line], complete: dict[int, re.Pattern], required: list[int]) -> bool:
    """Rule 1: every required column has text, every column's text matches its pattern."""
    if any(not _joined(seg, c) for c in required):
        return False
    return all(not _joined(seg, c) or pat.search(_joined(seg, c)) for c, pat in complete.items())


def _segments(read: list[Line], complete: dict[int, re.Pattern], required: list[int],
              after_break: set[int] | frozenset) -> list[list[Line]]:
    """Rules 1 and 4: the lines cut into rows, a new row opening after a complete one."""
    segments: list[list[Line]] = []
    for line_no, frags in read:
        if line_no - 1 in after_break and segments and not any(frags[c] for c in required):   # rule 4
            segments[-1].append((line_no, frags))
            continue
        if not segments or _is_complete(segments[-1], complete, required):
            segments.append([])
        segments[-1].append((line_no, frags))
    return segments


def _lead(seg: list[Line], required: list[int]) -> int:
    """How many lines open a row without filling a required column."""
    lead = 0
    while lead < len(seg) and not any(seg[lead][1][c] for c in required):
        lead += 1
    return lead


def _lead_resumes(seg: list[Line], lead: int, width: int) -> bool:
    """Whether a column the lead lines fill resumes after a gap in the rest of the row (rule 2)."""
    lead_cols = {c for _, frags in seg[:lead] for c in range(width) if frags[c]}
    return any(
        any(not frags[c] for _, frags in seg[lead:j]) or not seg[lead - 1][1][c]
        for c in lead_cols for j in range(lead, len(seg)) if seg[j][1][c]
    )


def _give_back_leads(segments: list[list[Line]], required: list[int], width: int) -> None:
    """Rule 2: lead lines whose column resumes later in their row go back to the row above (in place)."""
    for k in range(1, len(segments)):
        seg = segments[k]
        lead = _lead(seg, required)
        if lead and lead < len(seg) and _lead_resumes(seg, lead, width):
            segments[k - 1].extend(seg[:lead])
            segments[k] = seg[lead:]


def _merge_unlabelled(segments: list[list[Line]], required: list[int]) -> list[list[Line]]:
    """Rule 3: a row with no text in any required column joins the row above."""
    merged: list[list[Line]] = []
    for seg in segments:
        if merged and required and not any(frags[c] for _, frags in seg for c in required):
            merged[-1].extend(seg)
        else:
            merged.append(seg)
    return merged
