"""The scope of a figure printed in running text (issue 15, item 1): which country, the world or a section's place
a running-text indicator (:mod:`.indicator_text`) or market figure (:mod:`.market_clauses`) is about.

The words are data in ``rules/indicator_text.yaml`` (``world``, ``company``, ``company_intro``,
``subject_opening``, ``together``, ``regions``); countries are read by
:func:`extractors.core.normalise.places_in`. Offsets are in one paragraph's joined text. Order of the rules (the
first that gives a place wins):

1. a country printed in the figure's clause, the nearest before it, else the first after it (83%中國決策者); two
   places before it joined by ``together`` only (countries or ``regions`` words: 美國和歐洲多達 3 億個, 000 L576)
   mean several places: WLD (the contract has one scope per figure);
2. with ``companies`` given (indicators): the company the figure's sentence names before it, when one was
   introduced with its country as a sentence's subject (:func:`companies_in`, ``company_intro``: 2011 年成立於
   葡萄牙的 Feedzai, 法國生技公司 Owkin, PolyAI 是 2017 年於英國倫敦創立的新創公司), as the hand-checked
   reference judges (a company figure takes the company's country as the document prints it);
3. the last country before the figure in its sentence;
4. a ``world`` word in its sentence (全球 -> WLD);
5. with ``companies``: the last company introduced before the figure in its paragraph (此平台 … 10 億美元 after
   GiniMachine's introduction);
6. a country in the sentence before (a company introduced there: 發祥於瑞士…的新創公司 mimic);
7. the spec section's ``scope`` (may be None: the figure is then left out by the caller).
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.core import normalise as nz
from extractors.core.config import require_keys
from extractors.report_text.prose.rules import RULES_DIR

_SENTENCE_END = "。；;！？"
_CLAUSE_END = _SENTENCE_END + "，,、：:"
_FULL_STOP = "。！？"


@lru_cache(maxsize=1)
def rules() -> dict:
    """The scope words of ``rules/indicator_text.yaml``, compiled. Raises RulesError for a missing key."""
    doc = nz.rules_doc("indicator_text", RULES_DIR)
    require_keys(doc, (), None, ("world", "company", "company_intro", "subject_opening", "together", "regions"),
                 nz.RulesError)
    d = doc.data
    return {"world": d["world"], "together": re.compile(d["together"]), "opening": re.compile(d["subject_opening"]),
            "regions": re.compile("|".join(map(re.escape, d["regions"]))),
            "intro": [re.compile(p.replace("{company}", d["company"])) for p in d["company_intro"]]}


def start_of(text: str, pos: int, ends: str) -> int:
    """Offset just after the last of the characters ``ends`` before ``pos`` (0 when none)."""
    return max(text.rfind(ch, 0, pos) for ch in ends) + 1


def end_of(text: str, pos: int, ends: str) -> int:
    """Offset of the first of the characters ``ends`` from ``pos`` on (len(text) when none); a comma between
    digits is a thousands separator (約 1,108 萬), not a clause end."""
    hits = (m.start() for m in re.compile(f"[{re.escape(ends)}]").finditer(text, pos)
            if not re.match(r"\d,\d", text[m.start() - 1:m.start() + 2]))
    return next(hits, len(text))


def companies_in(text: str) -> list[tuple[int, str, str]]:
    """(offset of the introduction, company name as printed, country code) of every company a ``company_intro``
    pattern introduces with a country as the subject of its sentence in ``text`` (a paragraph), in printed
    order: the introduction opens its sentence (``subject_opening`` before it: 2016年創立於立陶宛的…GiniMachine),
    so a partner named mid-sentence (並與瑞士機器人新創公司 Swiss-Mile 合作, 000 L1902) is not one; an
    introduction whose place names no country is not one either. One entry per company name (its first)."""
    found: dict[str, tuple[int, str, str]] = {}
    for rx in rules()["intro"]:
        for m in rx.finditer(text):
            places = nz.places_in(m.group("place"))
            opening = text[start_of(text, m.start(), _FULL_STOP + "；;"):m.start()]
            name = m.group("name").strip()
            if places and rules()["opening"].match(opening) and (name not in found or found[name][0] > m.start()):
                found[name] = (m.start(), name, places[-1][1])
    return sorted(found.values())


def _several(text: str, lo: int, hi: int) -> bool:
    """Whether two places (countries or ``regions`` words) printed between ``lo`` and ``hi`` are joined by
    ``together`` only (美國和歐洲)."""
    spots = [(m.start(), m.end()) for m in rules()["regions"].finditer(text, lo, hi)]
    for pos, _ in nz.places_in(text[lo:hi]):
        length = next(n for n in range(1, hi - lo - pos + 1) if nz.places_in(text[lo + pos:lo + pos + n]))
        spots.append((lo + pos, lo + pos + length))
    spots.sort()
    return any(rules()["together"].fullmatch(text[a_end:b_start])
               for (_, a_end), (b_start, _) in zip(spots, spots[1:], strict=False))


def _named_company(text: str, lo: int, hi: int, companies: list[tuple[int, str, str]]) -> str | None:
    """The country of the last introduced company whose name is printed between ``lo`` and ``hi``."""
    hits = [(text.rfind(name, lo, hi), code) for at, name, code in companies if at < hi]
    hits = [(pos, code) for pos, code in hits if pos >= lo]
    return max(hits)[1] if hits else None


def scope_of(text: str, span: tuple[int, int], sentence: int, clause: int, default: str | None,
             companies: list[tuple[int, str, str]] | None = None) -> str | None:
    """The scope of a figure at ``span`` (offsets in ``text``, a paragraph; ``sentence`` and ``clause`` the
    offsets where its sentence and clause start): ISO alpha-2, EU, WLD or ``default`` (module docstring for the
    order). ``companies`` (:func:`companies_in` of the paragraph) turns on the company rules; None leaves them
    out (market figures)."""
    start, end = span
    clause_end = end_of(text, end, _CLAUSE_END)
    places = nz.places_in(text[:clause_end])
    in_clause = [(pos, code) for pos, code in places if pos >= clause]
    before = [(pos, code) for pos, code in in_clause if pos < start][-1:]
    if before and _several(text, clause, start):
        return "WLD"
    picks = [code for _, code in before] or [code for _, code in in_clause][:1]
    if picks:
        return picks[0]
    named = _named_company(text, sentence, start, companies) if companies else None
    picks = [named] if named else [code for pos, code in places if sentence <= pos < start][-1:]
    if picks:
        return picks[0]
    if any(w in text[sentence:end_of(text, end, _SENTENCE_END)] for w in rules()["world"]):
        return "WLD"
    earlier = [code for at, _, code in companies or [] if at < start]
    if earlier:
        return earlier[-1]
    previous = start_of(text, sentence - 1, _FULL_STOP) if sentence else 0
    return next((code for pos, code in reversed(places) if previous <= pos < start), default)
