"""Mentions: each accepted title of a unit becomes a ``policy_mentions`` row with its jurisdiction, issuer,
date and status, and successive mentions give ``policy_relations`` rows (the method in the package docstring)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.core.identifiers import identifier_in
from extractors.core.records import Extraction, add_mention
from extractors.report_text.prose.again import add_known, printed_again, shortened_again
from extractors.report_text.prose.candidates import Candidate, candidates
from extractors.report_text.prose.context import (date_near, issuer_below, issuer_of, jurisdiction_of,
                                                  private_issuer, recommended, relations, status_of)
from extractors.report_text.prose.layout import Unit, units
from extractors.report_text.prose.lists import list_issuer, list_item, self_title, tab_list
from extractors.report_text.prose.places import juris_of
from extractors.report_text.prose.rules import rules
from extractors.report_text.prose.stages import stage_rules, stages
from extractors.report_text.prose.titles import accept, clean_title, english_title
from extractors.report_text.prose.types import type_for_jurisdiction, type_in_context


@dataclass
class _Document:
    """One document's reading: where rows go, its lines and spec, and the (locator, title) namings written."""

    ex: Extraction
    lines: list[str]
    spec: dict
    seen: set[tuple[str, str]] = field(default_factory=set)
    written: dict[tuple[str, str], dict] = field(default_factory=dict)   # (locator, title) -> its mention row
    known: dict = field(default_factory=dict)           # names given so far -> prose.again.Known
    known_read: int = 0                                 # policy_mentions rows already read for names
    international: set[str] = field(default_factory=set)   # names an earlier sentence gave an INT convener


def _name_key(title: str) -> str:
    """A title without title marks and spaces: the same printed name in two sentences."""
    return re.sub(r"[\s「」《》『』]", "", title)


def _is_named(unit: Unit, cand: Candidate, title: str, in_list: dict | None) -> bool:
    """The candidate names an instrument (or is a name line of a declared list), neither recommended by the
    authors nor a company's."""
    if not title or not accept(title, cand.quoted, cand.how):
        if not (in_list and cand.how in ("slide", "prose") and list_item(title)):
            return False
    if unit.context == "prose" and recommended(unit.text, cand.start):
        return False
    return not private_issuer(unit.text, cand)


def _where(doc: _Document, unit: Unit, cand: Candidate) -> tuple[str | None, str | None]:
    """(jurisdiction, issuer printed below): on a slide line that names no country, the publisher line below it
    decides."""
    juris = jurisdiction_of(unit, cand, doc.spec)
    if unit.context == "slide" and not cand.juris and not juris_of(unit.text):
        next_issuer, next_juris = issuer_below(doc.lines, unit.lines[-1])
        return next_juris or juris, next_issuer
    return juris, None


def _issued(unit: Unit, cand: Candidate, cands: list[Candidate]) -> str | None:
    """The printed issue date of a title; on a slide, a ``(2023.10)`` printed right after the name wins."""
    issued = date_near(unit.text, cand.start, cand.end, [(c.start, c.end) for c in cands if c is not cand])
    if unit.context == "slide":
        m = re.search(r"[(（]\s*(\d{2,4}\.\d{1,2})\s*[)）]", unit.text[cand.end:cand.end + 12])
        issued = m.group(1) if m else issued
    return issued


def _passed(text: str, cand: Candidate, title: str, status: str | None) -> tuple[str, str | None]:
    """(instrument type, status) the sentence tells beyond the title: the type in context
    (:func:`extractors.report_text.prose.types.type_in_context`), and (rules/stages.yaml ``draft``, rules/prose.yaml
    ``status``) a bill the sentence says was passed (完成立法, 生效 ...) or lists among the rules in force
    (現行 earlier in the sentence) is an adopted law; a law followed by 草案 (《人工智慧基本法》草案) is a bill."""
    kind = type_in_context(title, text, cand.start, cand.end)
    after, before = text[cand.end:], re.split(r"[。；;]", text[:cand.start])[-1]
    if kind == "bill" and "草案" not in title and (re.search(r"完成立法|全面生效|上路|施行|生效", after) or
                                                    rules().in_force_before.search(before)):
        return "law", "adopted"
    if kind == "law" and stage_rules().draft.match(after):
        return "bill", "proposed"
    return kind, status


def _add(doc: _Document, unit: Unit, cand: Candidate, title: str, cands: list[Candidate],
         in_list: dict | None) -> dict | None:
    """Append the mention row of a title and return it; None (a flag instead) without a jurisdiction, or
    when the same title at the same locator was written already. A name an earlier sentence of the document
    gave an intergovernmental convener (G7, OECD, 聯合國: ``INT``) stays ``INT`` when a later sentence has
    only the presenting country (the title itself naming no country)."""
    juris, next_issuer = _where(doc, unit, cand)
    if juris == "INT":
        doc.international.add(_name_key(title))
    elif juris and _name_key(title) in doc.international and not (cand.juris or juris_of(title)):
        juris = "INT"     # 000 L2768 日本提出「廣島 AI 進程」: the G7 process of L1024, presented by Japan
    locator = unit.locator
    if not juris:
        doc.ex.flag("policy_mentions", None, "jurisdiction_unknown",
                    f"{title!r} named without a country in sentence or section", locator, severity="info")
        return None
    if (locator, title) in doc.seen:
        return None
    doc.seen.add((locator, title))
    status = (in_list or {}).get("status") or status_of(unit.text, cand)
    issuer = issuer_of(unit.text, cand) or next_issuer or (in_list and list_issuer(unit, doc.lines))
    kind, status = _passed(unit.text, cand, title, status)
    kind = type_for_jurisdiction(kind, juris, title)
    again = cand.how == "again"     # a name printed again: its dates and status stay with the first readings
    row = doc.written[(locator, title)] = add_mention(
        doc.ex, jurisdiction=juris, title_printed=title, locator=locator, context=unit.context,
        issuer=None if again else issuer or None, issued_printed=None if again else _issued(unit, cand, cands),
        text=unit.text, status=None if again else status, instrument_type=kind,
        title_en=None if again else english_title(title, unit.text[cand.end:]), identifier=identifier_in(title))
    return row


_AFTER_BRACKET = re.compile(r"\s*[(（][^()（）]*[)）]")


def _unit_mentions(doc: _Document, unit: Unit, in_list: dict | None) -> tuple[list[tuple[Candidate, dict]], list]:
    """The (candidate, mention row) pairs a unit adds, in order (relations are read between them), and the
    (start, end, mention row) of every title it names, a title named again in the unit included (stages)."""
    cands = candidates(unit, doc.spec)
    mentions, named = [], []
    for cand in cands:
        title = clean_title(cand.title)
        if not _is_named(unit, cand, title, in_list):
            continue
        row = _add(doc, unit, cand, title, cands, in_list)
        if row is not None:
            mentions.append((cand, row))
        row = row or doc.written.get((unit.locator, title))
        if row:
            named.append((cand.start, cand.end, row))
    taken = [(s, _bracket_end(unit.text, e)) for s, e, _ in named]
    again = printed_again(unit.text, doc.known, taken)
    again += shortened_again(unit.text, doc.known, taken + [(c.start, c.end) for c in again])
    for cand in sorted(again, key=lambda c: c.start):
        if unit.context == "prose" and recommended(unit.text, cand.start):
            continue
        row = _add(doc, unit, cand, cand.title, cands, in_list)
        if row is not None:
            mentions.append((cand, row))
            named.append((cand.start, cand.end, row))
    mentions.sort(key=lambda p: p[0].start)
    return mentions, named


def _bracket_end(text: str, end: int) -> int:
    """The end of a title's span with the bracket printed right after it (its English name or acronym)."""
    m = _AFTER_BRACKET.match(text, end)
    return m.end() if m else end


def extract_mentions(ex: Extraction, lines: list[str], spec: dict) -> None:
    """Append a ``policy_mentions`` row to ``ex`` for every policy instrument the prose of ``lines`` names,
    and a ``policy_relations`` row for every lifecycle link a sentence states between two of them.

    ``ex`` is a :class:`extractors.core.records.Extraction`; ``lines`` the snapshot lines (1-based locators
    ``L<first>-<last>``); ``spec`` the parsed ``specs/<source_id>.prose.yaml`` ({} when absent): ``mode``
    (prose | slide), ``jurisdiction`` (default when neither sentence nor headings name one),
    ``heading_levels`` / ``heading_patterns`` / ``not_headings`` (what a heading looks like),
    ``skip_sections`` (heading patterns of sections to skip: contents, reference list ...), ``stop``
    (a line pattern after which nothing is read), ``footnote_lines`` / ``skip_lines`` (line patterns to
    ignore), ``lists`` (sections whose lines are instrument names: ``heading``, optional ``status``,
    ``columns`` for tab-separated lists) and ``self`` (the document's own title block, when the document
    is itself an instrument). The rules are in ``rules/prose.yaml``; the method is the package docstring.
    A naming without a readable jurisdiction is not a row but an ``jurisdiction_unknown`` quality flag.
    Raises nothing for unreadable text: dates it cannot read become quality flags (core.records.add_mention).
    """
    doc = _Document(ex, lines, spec)
    lists = [(re.compile(x["heading"]), x) for x in spec.get("lists") or []]
    if spec.get("self"):
        self_title(ex, lines, spec, doc.seen)
    read = []                   # (unit, its list, names known then, spans it named): for names given later
    for unit in units(lines, spec):
        add_known(doc.known, ex.rows["policy_mentions"][doc.known_read:])     # names given so far
        doc.known_read = len(ex.rows["policy_mentions"])
        in_list = next((x for p, x in lists if any(p.search(h.text) for h in unit.stack)), None)
        mentions, named = _unit_mentions(doc, unit, in_list)
        read.append((unit, in_list, set(doc.known), [(s, _bracket_end(unit.text, e)) for s, e, _ in named]))
        relations(ex, unit, mentions)
        # a body is set up, not published or adopted: an institution named in the clause is no stage's target
        # (000 L1241 該國家 AI 委員會在 2024 年 9 月進一步發布「國家 AI 戰略政策方向」: the direction was published)
        instruments = [n for n in named if n[2]["instrument_type"] != "institution"]
        stages(ex, unit.text, unit.locator, instruments, slide=unit.context == "slide")
    for p, x in lists:
        if x.get("columns"):
            tab_list(ex, lines, p, x, spec, doc.seen)
    _named_later(doc, read)


def _named_later(doc: _Document, read: list) -> None:
    """Mentions of names the document gives an instrument only after a unit prints them (003 L429 國科會 TAIDE
    模型 before L824 TAIDE 計畫; 002's slide L436 "1. AI on Chip 計畫發展策略" before L651 introduces AI on chip
    計畫): :func:`.again.printed_again` on every unit read before the name was known, outside the spans it named;
    only a mention row, as any name printed again (no stages or relations are read for it)."""
    add_known(doc.known, doc.ex.rows["policy_mentions"][doc.known_read:])
    for unit, in_list, known_then, taken in read:
        later = {n: k for n, k in doc.known.items() if n not in known_then}
        bracket = (0, 0)       # a name and the acronym in its bracket (數位技能標準(…, DSS)) are one naming
        for cand in printed_again(unit.text, later, taken) if later else []:
            if bracket[0] <= cand.start < bracket[1] or (unit.context == "prose"
                                                         and recommended(unit.text, cand.start)):
                continue
            _add(doc, unit, cand, cand.title, [], in_list)
            bracket = (cand.end, _bracket_end(unit.text, cand.end))
