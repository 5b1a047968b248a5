"""Mechanics shared by the running-text readers (:mod:`.indicator_text`, :mod:`.market_clauses`): where a spec
section of a document runs, and who a sentence names as the source of a figure before it."""
from __future__ import annotations

import re


def section_span(lines: list[str], sec: dict) -> tuple[int, int] | None:
    """0-based (heading line, end line excluded) of a spec section, None when its heading is not printed."""
    start = next((i for i, ln in enumerate(lines) if re.search(sec["start"], ln.strip())), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if re.search(sec["end"], lines[i].strip())), len(lines))
    return start, end


def publisher_before(text: str, sentence: int, pos: int, cues: list[re.Pattern], opening: int,
                     elsewhere: re.Pattern | None = None) -> str | None:
    """The last name a ``cues`` pattern (group ``name``) finds between ``sentence`` and ``pos`` (offsets in
    ``text``, a paragraph), else the first one found within ``opening`` characters of the paragraph's start; a
    sentence ``elsewhere`` matches (``先前提及``: it points to another source) takes none. None when none is
    printed. Shared by running-text indicators and market figures."""
    def named(lo: int, hi: int) -> list[tuple[int, str]]:
        return [(m.start("name"), m.group("name").strip()) for rx in cues
                for m in rx.finditer(text, lo, hi) if m.end("name") <= hi]
    own = named(sentence, pos)
    if own:
        return max(own)[1]
    if elsewhere is not None and elsewhere.search(text[sentence:pos]):
        return None
    first = [(at, name) for at, name in named(0, pos) if at <= opening]
    return min(first)[1] if first else None
