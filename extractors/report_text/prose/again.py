"""Names printed again: a name the document has already given an instrument (its title, or the acronym printed
with it) is a mention of that instrument where a later sentence prints it again, with or without title marks,
even when the name alone would not pass as a title (issue 15 item 3).

Document 000 introduces 「用於生成式人工智慧及雙用途基礎模型的安全軟體開發實務」(… , SSDP) at L741-753 and
表 3-1 prints FASST; its conclusions name them again bare (L2592 美國能源部也透過 FASST 提供…, L2620 「AI RMF
簡介」及「SSDP」管理架構, L2598 EuroHPC JU, L2604 日本提出 GenAI 加速器挑戰). The rules, precision first:

* **Names.** From every mention the document wrote before the sentence (tables first, then the running text in
  reading order): the title without title marks or a trailing bracket, when it is specific (at least
  ``MIN_NAME_CHARS`` letters and ideographs: 廣島 AI 進程 yes, AI 法案 no) and has no 、 (a table cell may list
  two names: AI RMF 簡介、SSDP);
  the acronym printed in brackets in the title (GENIAC) or ending its English name (…, EuroHPC JU), or heading
  a title that is an acronym and a kind word (003 L824 TAIDE 計畫), when it has two capitals and three
  characters or more and is not AI / GenAI alone; a name quoted in the title before a kind word and too short
  to be specific alone (「東數西算」工程), read again only in its marks (L2794 推出「東數西算」政策).
* **Where.** Anywhere in a later sentence outside the spans of the titles that sentence names by the other
  rules (and the bracket printed right after them); the longest name first; a Latin name only between
  non-letters and not followed by a version or another capitalised word (DSS is not read in DSS-L, AI RMF not
  in AI RMF 1.0, GENIAC not in GENIAC Community), Latin letters in any case in a name that also prints
  ideographs (002 L436 AI on Chip 計畫 is L651's AI on chip 計畫). A name the document gives only later is also
  read in the sentences before it (:func:`extractors.report_text.prose.mentions._named_later`: 003 L429 國科會
  TAIDE 模型, L824 TAIDE 計畫).
* **Not a company's.** Only the authors' recommendations are skipped: the name is already a public
  instrument's, so the company rule (an enterprise named before it) does not apply (L2598 讓中小企業也受惠, …
  與 EuroHPC JU 合作).
* **What it says.** Only that the sentence names the instrument: no issuer, issue date, status or English
  name is read for a name printed again (L1241 該國家 AI 委員會在 2024 年 9 月進一步發布「…」: the date is the
  direction's, not the committee's); stages are read as for any title.
* **Whose.** The jurisdiction of the mention that introduced the name: the name identifies the instrument, the
  country the sentence talks about may be another (日本提出「廣島 AI 進程」 stays INT).
* **Printed shorter** (:func:`shortened_again`, after the exact names). A name printed with one run of
  characters left out inside it, and possibly its leading words (L1094 gives AI 安全性研究所, L2636 prints
  「AI安全研究所」; L689 gives 國家 AI 研究資源試點計畫, L2592 prints AI 資源試點計畫), is that name printed again
  when it ends with the same kind word (an instrument word of ``rules/prose.yaml``, or an institution word),
  keeps ``MIN_LETTERS`` letters or more and ``SHARE`` of the name's letters or more
  (:mod:`extractors.core.shortened`) (L2592 AI 試點
  計畫 keeps 6 of 12: not read), is not a generic title, and no other jurisdiction is named in its clause before
  it (a US 安全研究所 is not Japan's). extractors/resolve joins such a title with the name it shortens
  (``resolve.joins.join_shortened``, the same test), so it names one instrument.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.core.shortened import ACRONYM_WITH_KIND, MIN_LETTERS, SHARE, shortened_start
from extractors.report_text.prose.candidates import Candidate
from extractors.report_text.prose.places import places_in
from extractors.report_text.prose.rules import rules

MIN_NAME_CHARS = 6
_MARKS = re.compile(r"[《》「」『』〈〉]")
_TRAILING_BRACKET = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
_BRACKET_ACRONYM = re.compile(r"[(（]\s*([A-Z][A-Za-z0-9]*(?:[ -][A-Z0-9][A-Za-z0-9]*)*)\s*[)）]")
_EN_TAIL = re.compile(r",\s*([A-Z][A-Za-z0-9]*(?:[ -][A-Z0-9][A-Za-z0-9.]*)*)\s*$")
_NOT_ACRONYM = re.compile(r"^(?:AI|GenAI|AIGC|LLMs?|GPU)$", re.IGNORECASE)
_QUOTED_HEAD = re.compile(r"^「([^「」]{3,})」\s*[\u3400-\u9fff]{1,4}$")
_LETTERS = re.compile(r"[A-Za-z0-9\u3040-\u30ff\u3400-\u9fff]")


@dataclass(frozen=True)
class Known:
    """A name the document gave an instrument, the compiled pattern that finds it printed, and its jurisdiction."""

    name: str
    pattern: re.Pattern
    jurisdiction: str


def _acronym_ok(a: str) -> bool:
    return len(a) >= 3 and sum(c.isupper() for c in a) >= 2 and not _NOT_ACRONYM.match(a)


def names_of(row: dict) -> list[str]:
    """The names a ``policy_mentions`` row gives its instrument (see the module docstring); [] for none."""
    title = (row.get("title_printed") or row.get("title") or "").strip()
    out = []
    core = _TRAILING_BRACKET.sub("", _MARKS.sub("", title)).strip()
    if len(_LETTERS.findall(core)) >= MIN_NAME_CHARS and "、" not in core:     # not a cell listing two names
        out.append(core)
    for m in _BRACKET_ACRONYM.finditer(title):
        out.append(m.group(1))
    head = ACRONYM_WITH_KIND.fullmatch(core)      # TAIDE 計畫: TAIDE is the name, 計畫 its kind (003 L429 TAIDE 模型)
    if head:
        out.append(head.group(1))
    quoted = _QUOTED_HEAD.match(title)    # 「東數西算」工程: 東數西算 in marks names it again (000 L2794)
    if quoted and len(_LETTERS.findall(quoted.group(1))) < MIN_NAME_CHARS:
        out.append("「" + quoted.group(1) + "」")
    tail = _EN_TAIL.search(row.get("title_en") or "")
    if tail:
        out.append(tail.group(1))
    return [n for n in dict.fromkeys(out) if n == core or n.startswith("「") or _acronym_ok(n)]


def _pattern(name: str) -> re.Pattern:
    if name.startswith("「"):              # a short name known in marks is read again in marks only
        return re.compile(re.escape(name))
    parts = [re.escape(p) for p in name.split()]
    # 人工智慧 may be printed AI (000 L2416 gives 《人工智慧基本法》, L2788 prints AI 基本法草案), as title keys read it
    body = r"\s*".join(parts).replace("人工智慧", r"(?:人工智慧|AI\s*)")
    head = r"(?<![A-Za-z0-9-])" if re.match(r"[A-Za-z0-9]", name) else ""
    # not AI RMF of AI RMF 1.0, not GENIAC of GENIAC Community
    tail = r"(?![A-Za-z0-9-])(?!\s?\d)(?!\s[A-Z][a-z])" if re.search(r"[A-Za-z0-9]$", name) else ""
    # Latin letters in any case in a name that also prints ideographs (002 L436 AI on Chip 計畫 is L651's AI on
    # chip 計畫); a Latin name keeps its case (Frontier the computer is not the frontier of an English title)
    mixed = re.search(r"[A-Za-z]", name) and re.search(r"[\u3400-\u9fff]", name)
    return re.compile(head + body + tail, re.IGNORECASE if mixed else 0)


def add_known(known: dict[str, Known], rows: list[dict]) -> None:
    """Add the names of ``rows`` (mention rows with a jurisdiction) to ``known`` (name -> :class:`Known`), the
    first row naming a name keeping it."""
    for row in rows:
        if not row.get("jurisdiction"):
            continue
        for name in names_of(row):
            if name not in known:
                known[name] = Known(name, _pattern(name), row["jurisdiction"])


def printed_again(text: str, known: dict[str, Known], taken: list[tuple[int, int]]) -> list[Candidate]:
    """Candidates (``how`` = ``again``, ``juris`` = the introducing mention's) for the known names printed in
    ``text`` outside the ``taken`` spans, longest name first, each span once, in text order."""
    spans = list(taken)
    out = []
    for k in sorted(known.values(), key=lambda k: -len(k.name)):
        for m in k.pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in spans):
                continue
            spans.append((m.start(), m.end()))
            out.append(Candidate(m.group(0), m.start(), m.end(), False, "again", k.jurisdiction))
    return sorted(out, key=lambda c: c.start)


def _kind(name: str) -> str | None:
    """The instrument or institution word ending a name, or None."""
    r = rules()
    m = re.search(rf"(?:{r.strong}|{r.weak}|{r.institutions})$", name)
    return m.group(0) if m and re.search(r"[\u3400-\u9fff]", m.group(0)) else None


def _other_place(text: str, start: int, juris: str) -> bool:
    clause = re.split(r"[,，;；。]", text[:start])[-1]
    return any(j != juris for _, j in places_in(clause)) and juris != "INT"


def shortened_again(text: str, known: dict[str, Known], taken: list[tuple[int, int]]) -> list[Candidate]:
    """Candidates (``how`` = ``again``) for known names printed shorter in ``text`` outside the ``taken`` spans
    (module docstring, "Printed shorter"), the longest first, each span once, in text order."""
    spans, out = list(taken), []
    for k in sorted(known.values(), key=lambda k: -len(k.name)):
        kind = _kind(k.name)
        if not kind:
            continue
        for m in re.finditer(re.escape(kind), text):
            start = shortened_start(text, m.end(), k.name, SHARE, MIN_LETTERS)
            if start is None or any(start < e and s < m.end() for s, e in spans):
                continue
            title = text[start:m.end()]
            if rules().generic.match(re.sub(r"\s", "", title)) or _other_place(text, start, k.jurisdiction):
                continue
            spans.append((start, m.end()))
            out.append(Candidate(title, start, m.end(), False, "again", k.jurisdiction))
    return sorted(out, key=lambda c: c.start)
