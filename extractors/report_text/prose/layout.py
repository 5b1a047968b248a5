"""Layout: a document's lines read as headings, sentences and slide lines (``Unit``), with the heading stack
each sits under; tables, notes, citations and skipped sections are left out (the spec's layout settings)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.report_text.prose.places import juris_of

TERMINATORS = "。!?！？"
BULLET_RE = re.compile(r"^[\s\-–•●◆▶►▪■□◇※*]*(?:[①-⑳]\s*)?")
_NUMBERING = [  # default heading levels by numbering (spec ``heading_levels`` overrides)
    r"第\s*[一二三四五六七八九十\d]+\s*章", r"第\s*[一二三四五六七八九十\d]+\s*節",
    r"[壹貳參肆伍陸柒捌玖拾]+\s*、", r"[一二三四五六七八九十]+\s*、",
    r"[(（]\s*[一二三四五六七八九十]+\s*[)）]", r"\d+\s*\.(?!\d)", r"[(（]\s*\d+\s*[)）]", r"[A-Za-z]\s*\.",
]
_SUP_RE = re.compile(r"\$?\s*<sup>.*?</sup>\s*\$?|\$\^\{?\d+\}?\$")
_CITATION_RE = re.compile(r"https?://|檢視時間|查閱時間|Accessed on|資料網址|資料連結|\(Accessed")
_FOOTNOTE_START_RE = re.compile(r"^\s*(?:\$?\s*<sup>|\$\s*<sup>|<sup>&lt;)")


@dataclass
class Heading:
    """A heading on the stack: its level (index of the numbering pattern), text, line and jurisdiction."""

    level: int
    text: str
    line: int
    jurisdiction: str | None


@dataclass
class Unit:
    """A sentence (or slide line) with the snapshot line of each character."""

    text: str
    lines: list[int]
    context: str                       # prose | heading | slide
    stack: list[Heading] = field(default_factory=list)
    section: str = ""                  # the headings' texts, innermost last

    @property
    def locator(self) -> str:
        return f"L{self.lines[0]}-{self.lines[-1]}"

    def locator_of(self, start: int, end: int) -> str:
        return f"L{self.lines[start]}-{self.lines[max(start, end - 1)]}"


def strip_markup(line: str) -> str:
    """The line without footnote markers (``<sup>12</sup>``, ``$^{3}$``)."""
    return _SUP_RE.sub("", line)


class _Layout:
    """The spec's layout settings, compiled: what a heading, a skipped section, a note and the end look like."""

    def __init__(self, lines: list[str], spec: dict):
        self.lines = lines
        self.spec = spec
        self.mode = spec.get("mode", "prose")
        self.levels = [re.compile(p) for p in spec.get("heading_levels") or _NUMBERING]
        self.extra_headings = [re.compile(p) for p in spec.get("heading_patterns") or []]
        self.not_headings = [re.compile(p) for p in spec.get("not_headings") or []]
        self.skip = [re.compile(p) for p in spec.get("skip_sections") or []]
        self.stop = [re.compile(p) for p in spec.get("stop") or []]
        self.footnote = [re.compile(p) for p in spec.get("footnote_lines") or []]
        self.skip_lines = [re.compile(p) for p in spec.get("skip_lines") or []]

    def heading_text(self, raw: str) -> str | None:
        """The heading text of a line, or None when it is not a heading (a contents line is none)."""
        s = raw.strip()
        if "\t" in raw or re.search(r"\.{4,}|…{2,}|•{3,}", s):
            return None
        if s.startswith("#"):
            text = s.lstrip("#").strip()
            if not text or re.search(r"[。)]\s*(?:<sup>\d+</sup>|\d{1,3})?\s*$", text) and not re.match(
                    r"^\S{1,6}\s*$", text):
                return None     # a wrapped body line printed as a heading (``#### 運算的技術發展。53``)
            if re.match(r"^表\s*\d", text) or any(p.search(text) for p in self.not_headings):
                return None
            return text
        if any(p.search(s) for p in self.extra_headings):
            return s
        return None

    def level(self, text: str) -> int:
        for i, pattern in enumerate(self.levels):
            if pattern.match(text):
                return i
        return len(self.levels)

    def is_note(self, s: str) -> bool:
        """A footnote, a citation or a page number: not body text, but a paragraph may continue after it."""
        if _FOOTNOTE_START_RE.match(s) or _CITATION_RE.search(s) or any(p.search(s) for p in self.footnote):
            return True
        return bool(re.fullmatch(r"[\d.\s]{1,5}", s))


def _join(buf: list[tuple[str, int]], text: str, line: int) -> None:
    """Append a wrapped line to a paragraph: no space between CJK, one between Latin words."""
    if buf and buf[-1][0] and text and re.match(r"[A-Za-z0-9,.)]", buf[-1][0][-1]) and \
            re.match(r"[A-Za-z0-9(]", text[0]):
        buf.append((" ", buf[-1][1]))
    buf.append((text, line))


def section(stack: list[Heading]) -> str:
    """The headings' texts joined, outermost first."""
    return " / ".join(h.text for h in stack)


def _sentences(text: str, owners: list[int], stack, context: str):
    """Split a paragraph into sentences at 。!?, a footnote number glued to a sentence's start dropped."""
    start = 0
    for i, ch in enumerate(text):
        if ch in TERMINATORS or i == len(text) - 1:
            piece = text[start:i + 1]
            lead = len(piece) - len(piece.lstrip())
            note = re.match(r"\s*\d{1,3}(?=[^\d\s年月日.,,%%:;)])", piece)
            if note and start > 0:
                lead = note.end()
            piece = piece.strip()
            if piece:
                s = start + lead
                yield Unit(piece, owners[s:s + len(piece)], context, list(stack), section(stack))
            start = i + 1


class _Reader:
    """One pass over the lines: the heading stack, the section being skipped and the paragraph being joined."""

    def __init__(self, layout: _Layout):
        self.layout = layout
        self.slide = layout.mode == "slide"
        self.stack: list[Heading] = []
        self.skipping: int | None = None        # level of the skipped section's heading
        self.para: list[tuple[str, int]] = []

    def flush(self):
        """Yield the sentences of the paragraph joined so far, and start a new one."""
        if not self.para:
            return
        text = "".join(t for t, _ in self.para)
        owners = [ln for t, ln in self.para for _ in t]
        self.para = []
        yield from _sentences(text, owners, self.stack, "slide" if self.slide else "prose")

    def read(self, raw: str, n: int):
        """Yield the units that line ``n`` completes: a heading, or the sentences it ends."""
        heading = self.layout.heading_text(raw)
        if heading is not None:
            yield from self.flush()
            yield from self._heading(heading, n)
        elif self.skipping is None:
            yield from self._body(raw, n)

    def _heading(self, heading: str, n: int):
        """Open a heading's section (or start or go on skipping one) and yield the heading itself."""
        level = self.layout.level(heading)
        if self.skipping is not None and level > self.skipping:
            return
        self.skipping = None
        if any(p.search(heading) for p in self.layout.skip):
            self.skipping = level
            return
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        self.stack.append(Heading(level, heading, n, juris_of(heading)))
        yield Unit(heading, [n] * len(heading), "heading", list(self.stack), section(self.stack))

    def _body(self, raw: str, n: int):
        """Join a body line to the paragraph (a slide line stands alone); a blank or table line ends it."""
        s = raw.strip()
        if not s or "\t" in raw or any(p.search(s) for p in self.layout.skip_lines):
            if s or self.slide:
                yield from self.flush()     # a table line: tables are read by report_tables
            return
        if self.layout.is_note(s):
            return
        text = strip_markup(s)
        if self.slide:
            yield from self.flush()
        _join(self.para, text, n)
        if self.slide or text.rstrip().endswith(tuple(TERMINATORS)):
            yield from self.flush()


def units(lines: list[str], spec: dict):
    """Yield sentences, headings and slide lines (``Unit``) with their heading stack; skips tables and notes.
    ``spec``: the layout keys of ``specs/<source_id>.prose.yaml`` (see ``extract_mentions``)."""
    reader = _Reader(_Layout(lines, spec))
    for n, raw in enumerate(lines, 1):
        if any(p.search(raw) for p in reader.layout.stop):
            yield from reader.flush()
            return
        yield from reader.read(raw, n)
    yield from reader.flush()
