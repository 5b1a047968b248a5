"""Cell text: splitting a tab-separated line, cleaning a printed fragment, judging OCR garbage, joining the
wrapped lines of one cell, and the printed width of a cell."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from extractors.report_text.tables.model import Garbage

_HTML_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")
_ODD_CHARS_RE = re.compile(r"[\u0370-\u03ff\u0400-\u04ff⇒¥○■□◆◇★☆※]|\*\s*\*")
_NOISE_RE = re.compile(r"(?:\d[\s.]+){7,}\d?|_+|.*—{4,}.*")   # digit runs, underscores, dash runs
_CJK = r"\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"   # CJK punctuation, kana, ideographs
_CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")


def split_cells(line: str, width: int) -> list[str]:
    """The tab-separated cells of a printed line, padded with "" to ``width`` (never cut)."""
    cells = [c for c in line.split("\t")]
    if len(cells) < width:
        cells += [""] * (width - len(cells))
    return cells


def unspaced(line: str) -> str:
    """A line without any whitespace: how repeated headers and section labels are compared."""
    return re.sub(r"\s+", "", line)


def clean_cell(text: str) -> str:
    """Strip HTML fragments left by the conversion and collapse whitespace; the characters stay as printed.

    A space between two CJK characters is where the PDF wrapped the cell ("白宮國家科學 技術委員會") and
    is removed.
    """
    return _CJK_GAP_RE.sub("", collapse(text))


def collapse(text: str) -> str:
    """HTML fragments stripped, whitespace runs collapsed to one space, ends trimmed; wrap spaces kept."""
    if "<" in text and _HTML_TAG_RE.search(text):
        from bs4 import BeautifulSoup  # the conversion leaves <b>, <ol><li>, <sup>: parse rather than regex

        text = BeautifulSoup(text, "html.parser").get_text(" ")
    return re.sub(r"\s+", " ", text).strip()


def read_cell(raw: str, line: int, column: int, garbage: list[Garbage]) -> str:
    """A printed cell fragment -> clean text, or "" when it is OCR noise (recorded in ``garbage``).

    Garbage is judged before wrap spaces are removed: scattered characters are a garbage signal.
    """
    collapsed = collapse(raw)
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
