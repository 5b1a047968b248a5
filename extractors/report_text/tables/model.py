"""The table model: captions, logical rows, OCR garbage records and rebuilt report tables, with the caption
patterns they are found by and the cell accessors the mappers share."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Two caption styles: "表 3-13 title" (document 000) and "表 1、title" (document 003, no chapter number).
CAPTION_RE = re.compile(r"^表\s*(?:(?P<chapter>\d+)\s*-\s*(?P<number>\d+)\s+|(?P<single>\d+)\s*、\s*)"
                        r"(?P<title>\S.*?)\s*$")
UNIT_NOTE_RE = re.compile(r"^單位\s*[::]\s*(.+?)\s*$")    # "單位:新臺幣 億元" between a caption and its body
SOURCE_NOTE_RE = re.compile(r"^資料來源\s*[::]\s*(.+?)\s*$")


def caption_id(m: re.Match) -> str:
    """The table id of a CAPTION_RE match: ``3-13`` for "表 3-13 …", ``4`` for "表 4、…"."""
    return m.group("single") or f"{m.group('chapter')}-{m.group('number')}"


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
