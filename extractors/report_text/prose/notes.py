"""Links the reports print in their notes, tied to the instruments they cite: ``policy_mentions.url``.

The reports cite their sources in footnotes (000: ``<sup>55</sup> United States Department of Energy. 2024.
"Frontiers in Artificial Intelligence for Science, Security and Technology". ... https://www.energy.gov/...``)
and in numbered reference lists (001: ``[9]官方網站，資料網址：<https://www.gov.uk/...>``, the marker ``[9]``
printed after the sentence naming the UK's National AI Strategy). A **note** here is one line printing a URL
(with the line before it when the URL line prints no cited title: a wrapped entry), split at footnote markers
when one line holds several.

Rules, for every policy mention of the document (table rows and prose alike):

1. **Cited title.** A note is the mention's when the title it cites (in "…", “…”, 〈…〉, 《…》 or *…*) is the
   mention's title or printed English title (or its first part before ", ACRONYM"), or contains it when that is
   at least 10 characters long; compared without spaces, punctuation, title marks or case, in Traditional
   script. So 000's 〈關於印發《貫徹實施〈國家標準化發展綱要〉行動計畫(2024—2025年)》的通知〉 is the link of
   表 3-7's 貫徹實施〈國家標準化發展綱要〉行動計畫(2024 —2025年), and a news headline that merely names an
   instrument is not (it cites its own title).
2. **Numbered reference.** A ``[N]`` marker printed in the clause naming the mention ties reference entry ``[N]``
   (from its line to the next entry) to the mention when the entry is the instrument's own page: it says
   官方網站 (official website) or meets rule 1.

Rule 2 reads the clause (between ，。；) naming the mention, so a marker closing a clause about two programmes
(001 L129 ``…和小企業科技轉型(…)計劃[5]``) is not the link of the act named in the clause before.

The URL is taken as printed (:func:`printed_url`, :func:`clean_url`): Markdown escapes (``\\_``) and LaTeX
superscripts of the conversion undone; a URL with a space inside is not used (a ``url_unclear`` flag names it).
``url_locator`` keeps the line the URL is printed on (``L365``). The first note by line wins. A mention that
already carries a url keeps it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from extractors.core import normalise as nz
from extractors.core.records import Extraction

URL_RE = re.compile(r"https?\s?:\s?//")
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_URL_END = re.compile(rf"\s+\(|\s*\((?:Access|access)|,?\s*[{_CJK}]|>|\s*$")
_LATEX_SUP = re.compile(r"\s*\$\^\{([^}]*)\}\$\s*")
_FOOTNOTE_SPLIT = re.compile(r"(?:<sup>&</sup>lt;)?<sup>\^?\{?\d+\}?</sup>|\$<sup>\^\{\d+\}</sup>\$")
_TITLE_RE = re.compile(r'"([^"]{4,})"|“([^”]{4,})”|〈(.{4,}?)〉(?=[,，\s]|$)|《(.{4,}?)》|\*([^*]{4,})\*')
_REF_RE = re.compile(r"^\[(\d+)\]")
_MARKER_RE = re.compile(r"\[(\d+)\]")
_CLAUSE_RE = re.compile(r"[，。；]")
_LINES_RE = re.compile(r"L(\d+)(?:-(\d+))?$")
OFFICIAL = "官方網站"
MIN_CONTAINED = 10


@dataclass(frozen=True)
class Note:
    """One printed link: the URL as printed, the URL to use (None when it is unclear: see
    :func:`clean_url`), the line it is printed on (1-based), the titles the note cites and its text."""

    printed: str
    url: str | None
    line: int
    titles: tuple[str, ...]
    text: str


def key(text: str) -> str:
    """Comparison key: NFKC, Traditional script, lower case, letters and digits only."""
    return re.sub(r"[\W_]+", "", nz.to_traditional(unicodedata.normalize("NFKC", text)).lower())


def printed_url(text: str) -> str:
    """The URL printed at the start of ``text``, up to a space and ``(``, ``(Accessed``, a Chinese character or
    full-width sign (and a comma before it), a closing ``>`` or the end of the line; trailing ``.`` ``,`` ``;``
    ``)`` dropped."""
    end = _URL_END.search(text, len("https://"))
    return text[:end.start() if end else len(text)].strip().rstrip(".,;)")


def clean_url(printed: str) -> str | None:
    """The URL to use from a printed one: Markdown escapes (``\\_``) and LaTeX superscripts (``$^{202308}$``)
    undone. None when a space remains inside it: the conversion put spaces both where the PDF wrapped a line
    (``def ault``) and where it lost an underscore (``c 1690898327029107``, ``utm source``), and which one a
    space is cannot be told, so such a link is not used (a ``url_unclear`` flag names it)."""
    url = _LATEX_SUP.sub(lambda m: m.group(1), printed.replace("\\_", "_"))
    url = re.sub(r"^(https?)\s?:\s?//", r"\1://", url)
    return None if re.search(r"\s", url) else url


def _titles(text: str) -> tuple[str, ...]:
    return tuple(next(g for g in m.groups() if g) for m in _TITLE_RE.finditer(text))


def _previous_text(lines: list[str], idx: int) -> str:
    j = idx - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    return lines[j] if j >= 0 else ""


def notes(lines: list[str]) -> list[Note]:
    """Every note of a document (rule of the module docstring), in line order."""
    out: list[Note] = []
    for idx, line in enumerate(lines):
        if not URL_RE.search(line):
            continue
        for chunk in (c for c in _FOOTNOTE_SPLIT.split(line) if URL_RE.search(c)):
            titles = _titles(chunk) or (_titles(_previous_text(lines, idx)) if URL_RE.match(chunk.strip())
                                        else ())
            printed = printed_url(chunk[URL_RE.search(chunk).start():])
            out.append(Note(printed, clean_url(printed), idx + 1, titles, chunk))
    return out


def _names(mention: dict) -> list[str]:
    names = [mention.get("title") or "", mention.get("title_en") or ""]
    if mention.get("title_en") and ", " in mention["title_en"]:
        names.append(mention["title_en"].rsplit(", ", 1)[0])
    return [k for k in (key(n) for n in names) if len(k) >= 4]


def cites(note: Note, mention: dict) -> bool:
    """Rule 1: the note cites the mention's instrument by its title or English title."""
    names = _names(mention)
    for title in note.titles:
        cited = key(title)
        if any(cited == n or (len(n) >= MIN_CONTAINED and n in cited) for n in names):
            return True
    return False


def _references(lines: list[str]) -> dict[int, list[Note]]:
    """Numbered reference entries ``[N]`` -> the notes printed from its line to the next entry."""
    starts = [(int(m.group(1)), i) for i, line in enumerate(lines) if (m := _REF_RE.match(line.strip()))]
    entries: dict[int, list[Note]] = {}
    all_notes = notes(lines)
    for pos, (number, start) in enumerate(starts):
        end = starts[pos + 1][1] if pos + 1 < len(starts) else len(lines)
        text = " ".join(lines[start:end])
        found = [n for n in all_notes if start < n.line <= end]
        if found:
            entries.setdefault(number, [Note(n.printed, n.url, n.line, n.titles or _titles(text), text)
                                        for n in found])
    return entries


def _span(locator: str) -> tuple[int, int] | None:
    m = _LINES_RE.search(locator)
    if not m:
        return None
    first = int(m.group(1))
    return first, int(m.group(2) or first)


def _clause_marks(mention: dict, lines: list[str]) -> list[int]:
    """The ``[N]`` markers printed in the clause (between ，。；) that names the mention's title."""
    span = _span(mention["source_locator"])
    if span is None:
        return []
    text = re.sub(r"\s+", "", "".join(lines[span[0] - 1:span[1]]))
    title = re.sub(r"\s+", "", mention["title"])
    return [int(n) for clause in _CLAUSE_RE.split(text) if title in clause for n in _MARKER_RE.findall(clause)]


def _referenced(mention: dict, lines: list[str], refs: dict[int, list[Note]]) -> Note | None:
    for number in _clause_marks(mention, lines):
        for note in refs.get(number, []):
            if OFFICIAL in note.text or cites(note, mention):
                return note
    return None


def link_urls(ex: Extraction, lines: list[str]) -> int:
    """Give each policy mention of ``ex`` without a url the link its notes print (rules 1 and 2): sets ``url``
    and ``url_locator`` (``L<line>``) in place. A note whose URL is unclear (:func:`clean_url`) links nothing and
    raises one ``url_unclear`` info flag per note and mention. Returns the number of mentions linked."""
    all_notes = notes(lines)
    refs = _references(lines)
    linked = 0
    for m in ex.rows["policy_mentions"]:
        if m.get("url"):
            continue
        note = next((n for n in all_notes if cites(n, m)), None) or _referenced(m, lines, refs)
        if note is None:
            continue
        if note.url is None:
            ex.flag("policy_mentions", m["mention_id"], "url_unclear",
                    f"{m['title']}: the note at L{note.line} prints {note.printed} with a space inside (a line "
                    f"wrap or a lost underscore of the conversion): not used as its url", f"L{note.line}",
                    severity="info")
            continue
        m["url"], m["url_locator"] = note.url, f"L{note.line}"
        linked += 1
    return linked
