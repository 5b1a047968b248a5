"""A name printed shorter: one run of characters left out inside it, and possibly its leading words (issue 15
item 3). Document 000 gives AI 安全性研究所 (L1094) and prints 「AI安全研究所」 later (L2636); it gives 國家 AI
研究資源試點計畫 (L689) and prints AI 資源試點計畫 (L2592). The report_text extractor reads such a naming as the
name printed again (``extractors/report_text/prose/again.py``) and extractors/resolve joins the two titles
(``joins.join_shortened``): one test, here, for both."""
from __future__ import annotations

import re

SHARE = 0.6          # a shortened form keeps this share of the name's letters or more (AI 試點計畫: 6 of 12, no)
MIN_LETTERS = 6      # and this many letters or more
# A title that is an acronym and its kind word names the instrument by the acronym alone too (003 L824 TAIDE 計畫,
# L429 TAIDE 模型): read with fullmatch by the report_text extractor (a name printed again) and extractors/resolve
# (rule 1e), one pattern for both.
ACRONYM_WITH_KIND = re.compile(r"([A-Z][A-Za-z0-9-]{2,})\s*(?:計畫|計劃|專案|方案|倡議)")
_LETTER = re.compile(r"[A-Za-z0-9\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def shortened_start(text: str, end: int, name: str, share: float, min_letters: int) -> int | None:
    """Where the shortened form of ``name`` ending at ``text[end]`` starts, or None.

    Walking back from ``end`` over the letters of ``text`` (spaces skipped; any other mark stops the walk), each
    letter must be a letter of ``name`` left of the one matched before (the last matched first). The span is a
    shortened form when its letters are ``name``'s with exactly one run left out inside (a leading part may be
    left out too), at least ``min_letters`` letters and ``share`` (0-1) of ``name``'s letters. Returns the index
    in ``text`` of the span's first letter; None for no such span (the name printed whole, a suffix of it, or
    letters of another name)."""
    letters = _LETTER.findall(name)
    k, i, start, matched = len(letters) - 1, end - 1, None, []
    while i >= 0 and k >= 0:
        ch = text[i]
        if ch.isspace():
            i -= 1
            continue
        if not _LETTER.match(ch) or ch not in letters[:k + 1]:
            break
        k = len(letters[:k + 1]) - 1 - letters[:k + 1][::-1].index(ch)
        matched.append(k)
        start, k, i = i, k - 1, i - 1
    if not matched or matched[0] != len(letters) - 1:
        return None
    gaps = sum(1 for a, b in zip(matched, matched[1:], strict=False) if a - b > 1)
    if gaps != 1 or len(matched) < min_letters or len(matched) < share * len(letters):
        return None
    return start


def is_shortened(short: str, name: str, share: float, min_letters: int) -> bool:
    """``short`` as a whole is a shortened form of ``name`` (:func:`shortened_start`)."""
    start = shortened_start(short, len(short), name, share, min_letters)
    return start is not None and not _LETTER.search(short[:start])
