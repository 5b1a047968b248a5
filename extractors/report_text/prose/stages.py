"""Stages: what a sentence says happened to an instrument it names, and when (2021 年推出《歐盟 AI 法案》草案,
本法案在 2024 年完成立法, 同年 8 月上路 ...) -> ``policy_events`` rows, each attached to the mention of the
title it is stated of. The cues and why each is there: ``rules/stages.yaml``.

The reading of one sentence (its mentions' titles known):

1. **Clauses.** The sentence is cut at , ; : outside brackets and title marks; a ; also ends what a date or a
   subject carries over (step 4).
2. **Mask.** Each title of a mention becomes the mark Ⓣ (with an English name in brackets right after it), so
   that cues are written around titles and a date printed inside a title (統合創新戰略2024) is never read.
3. **Cues.** Every cue of ``stages.yaml`` is matched on each clause. A cue with a group ``t`` states the stage of
   that title; one without states it of the only title of its clause, or, in a clause without a title that opens
   with an ``elided`` subject (本法案 ..., 同年 ...), of the only instrument the sentence named before it;
   anything else (two instruments, no verb linking the cue to one) gives nothing. A clause with a ``veto`` word
   (預計, 建議 ...) gives nothing. A title followed by an amendment draft (修正提案) gives nothing; one followed
   by 草案 only ``proposed``. ``issued_by_type`` makes ``published`` precise for a law (promulgated) or an
   executive order (signed).
4. **Date.** The printed date of the clause nearest the cue (the last one before the cue's end, else the first
   after it); else one carried from an earlier clause of the same ;-part that has no title, cue or veto of its
   own (``2023 年 7 月 13 日,由網信辦領頭,共 7 部門聯合發布《…》``). ``同年 8 月`` takes the year of the date
   printed before it (printed as is, read as 2024-08). Targets and periods (至 2025 年, 2030 年前: prose.yaml)
   are no dates. On a slide line a bracketed ROC date after the title counts (「…」(111.9)). No readable year,
   no row (``1月23日川普簽署…`` gives none).
5. **Scope.** Articles or parts the clause names (第 5 條, 第二章): as printed; else NULL (the whole).
6. **Related.** For revoked / repealed / amended, the instrument the sentence's relation row (context.relations)
   says did it.

The row's locator is the sentence's line range, its text the sentence, its date as printed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import schemas
from extractors.core import normalise as nz
from extractors.core.config import require_keys
from extractors.core.records import Extraction, add_event
from extractors.report_text.prose.rules import RULES_DIR, rules

_OPEN, _CLOSE = "(（《「『〈【", ")）》」』〉】"
_SAME_YEAR_RE = re.compile(r"同年\s*(\d{1,2})\s*月")
_ENGLISH_AFTER_RE = re.compile(r"\s*[(（][A-Za-z][^()（）]*[)）]")
_REL_EVENTS = {"revoked": "revokes", "repealed": "revokes", "amended": "amends"}


@dataclass(frozen=True)
class StageRules:
    """``rules/stages.yaml`` compiled."""

    mark: str
    veto: re.Pattern
    elided: re.Pattern
    amendment_draft: re.Pattern
    draft: re.Pattern
    scope: re.Pattern
    slide_date: re.Pattern
    cues: tuple         # (event, pattern, not_types)
    by_type: dict


@lru_cache(maxsize=1)
def stage_rules() -> StageRules:
    """``rules/stages.yaml`` compiled once. Raises RulesError (file, line, key) for a missing key or an event
    outside the contract's stages."""
    doc = nz.rules_doc("stages", RULES_DIR)
    keys = ("mark", "veto", "elided", "amendment_draft", "draft", "scope", "slide_date", "cues", "issued_by_type")
    require_keys(doc, (), None, keys, nz.RulesError)
    d = doc.data
    events = set(_events())
    for i, cue in enumerate(d["cues"]):
        if cue.get("event") not in events or not cue.get("pattern"):
            raise nz.RulesError(doc.path, f"cues item {i + 1}", f"event {cue.get('event')!r} is not a stage of "
                                f"policy_events, or no pattern", doc.line("cues", i))
    for kind, event in d["issued_by_type"].items():
        if event not in events:
            raise nz.RulesError(doc.path, f"issued_by_type.{kind}", f"{event!r} is not a stage of policy_events",
                                doc.line("issued_by_type", kind))
    return StageRules(
        mark=d["mark"], veto=re.compile(d["veto"]), elided=re.compile(d["elided"]),
        amendment_draft=re.compile(d["amendment_draft"]), draft=re.compile(d["draft"]),
        scope=re.compile(d["scope"]), slide_date=re.compile(d["slide_date"]),
        cues=tuple((c["event"], re.compile(c["pattern"]), tuple(c.get("not_types") or ())) for c in d["cues"]),
        by_type=dict(d["issued_by_type"]))


def _events() -> tuple[str, ...]:
    return schemas.tables()["policy_events"].column("event").enum or ()


def refine(event: str, instrument_type: str | None) -> str:
    """``published`` of a law is ``promulgated``, of an executive order ``signed`` (``issued_by_type``)."""
    return stage_rules().by_type.get(instrument_type or "", event) if event == "published" else event


@dataclass
class _Clause:
    start: int
    end: int
    masked: str
    titles: list        # (index in the masked clause, mention row, text after the title)
    part: int           # index of the ;-part of the sentence


def _clauses(text: str) -> list[tuple[int, int, int]]:
    """(start, end, ;-part) of each clause: cut at , ; : (full or half width) outside brackets and marks."""
    out, depth, start, part = [], 0, 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ",，;；:：。":
            out.append((start, i, part))
            start = i + 1
            part += ch in ";；。"
    out.append((start, len(text), part))
    return [c for c in out if c[1] > c[0]]


def _mask(text: str, start: int, end: int, spans: list[tuple[int, int, dict]], part: int) -> _Clause:
    """The clause text[start:end] with each title span inside it replaced by the mark."""
    mark = stage_rules().mark
    pieces, titles, pos = [], [], start
    for s, e, row in sorted(spans, key=lambda x: x[0]):
        if s < start or e > end:
            continue
        m = _ENGLISH_AFTER_RE.match(text, e, end)
        e = m.end() if m else e
        pieces.append(text[pos:s])
        titles.append((sum(map(len, pieces)), row, text[e:end]))
        pieces.append(mark)
        pos = e
    pieces.append(text[pos:end])
    return _Clause(start, end, "".join(pieces), titles, part)


def _dates(masked: str) -> list[tuple[int, int, str]]:
    """(start, end, printed) of the dates in a masked clause that are not targets or periods (prose.yaml)."""
    r = rules()
    found = [(m.start(), m.end(), m.group(0).strip()) for m in r.date.finditer(masked)
             if not r.date_not_after.match(masked[m.end():]) and not r.date_not_before.search(masked[:m.start()])]
    found += [(m.start(), m.end(), m.group(0)) for m in _SAME_YEAR_RE.finditer(masked)]
    return sorted(found)


def _cue_date(clause: _Clause, m: re.Match) -> str | None:
    dates = _dates(clause.masked)
    before = [d for d in dates if d[0] < m.end()]
    if before:
        return before[-1][2]
    return dates[0][2] if dates else None


def _cue_hits(clause: _Clause) -> list[tuple[str, re.Match, int | None]]:
    """(event, match, index of its title in the clause or None) for each cue matching the clause."""
    hits = []
    for event, pattern, _ in stage_rules().cues:
        for m in pattern.finditer(clause.masked):
            if "t" in pattern.groupindex:
                idx = next((k for k, t in enumerate(clause.titles) if t[0] == m.start("t")), None)
                if idx is not None:
                    hits.append((event, m, idx))
            else:
                hits.append((event, m, None))
    return hits


def _carried(clauses: list[_Clause], k: int) -> str | None:
    """A date carried to clause ``k`` from the earlier clauses of its ;-part with no title, cue or veto."""
    sr = stage_rules()
    for c in reversed(clauses[:k]):
        if c.part != clauses[k].part or c.titles or sr.veto.search(c.masked) or _cue_hits(c):
            return None
        dates = _dates(c.masked)
        if dates:
            return dates[-1][2]
    return None


def _read_on(printed: str, clauses: list[_Clause], k: int) -> tuple[date, str] | None:
    """(date, precision) of a printed date; 同年 N 月 with the year of the last date printed before clause k."""
    m = _SAME_YEAR_RE.fullmatch(printed)
    if m:
        earlier = [d[2] for c in clauses[:k] for d in _dates(c.masked) if not _SAME_YEAR_RE.fullmatch(d[2])]
        year = nz.parse_date(earlier[-1]).value.year if earlier else None
        return (date(year, int(m.group(1)), 1), "month") if year and 1 <= int(m.group(1)) <= 12 else None
    try:
        parsed = nz.parse_date(printed)
    except nz.NormaliseError:
        return None
    return (parsed.value, parsed.precision) if parsed else None


def _target(clauses: list[_Clause], k: int, idx: int | None) -> tuple[dict, str] | None:
    """(mention row, text after its title) a cue of clause ``k`` is stated of (module docstring, step 3)."""
    clause = clauses[k]
    if idx is not None:
        _, row, after = clause.titles[idx]
        return row, after
    own = {t[1]["policy_id"]: t for t in clause.titles}
    if len(own) == 1:
        _, row, after = next(iter(own.values()))
        return row, after
    if own or not stage_rules().elided.match(clause.masked):
        return None
    earlier = {t[1]["policy_id"]: t for c in clauses[:k] if c.part == clause.part for t in c.titles}
    if len(earlier) != 1:
        return None
    return next(iter(earlier.values()))[1], ""     # referred back to: the instrument, not its draft


def _related(ex: Extraction, locator: str, row: dict, event: str) -> tuple[str | None, str | None]:
    """(related policy id, its identifier) from a relation row the same sentence gave (revokes, amends)."""
    relation = _REL_EVENTS.get(event)
    for r in ex.rows["policy_relations"]:
        if relation and r["source_locator"] == locator and r["relation"] == relation and \
                r["related_policy_id"] == row["policy_id"]:
            ident = next((m["identifier"] for m in ex.rows["policy_mentions"]
                          if m["policy_id"] == r["policy_id"] and m["identifier"]), None)
            return r["policy_id"], ident
    return None, None


def stages(ex: Extraction, text: str, locator: str, named: list[tuple[int, int, dict]],
           slide: bool = False) -> list[dict]:
    """Append a ``policy_events`` row to ``ex`` for each stage ``text`` (a sentence, slide line or table cell)
    states of one of its titles, and return them. ``named``: (start, end, mention row) of every title of a
    mention in ``text`` (repeats included); ``locator`` the rows' source_locator; ``slide``: a bracketed ROC
    date right after a title dates it. Method: module docstring. Raises nothing for unreadable dates (no row)."""
    if not named:
        return []
    sr = stage_rules()
    parts = _clauses(text)
    clauses = [_mask(text, s, e, named, p) for s, e, p in parts]
    out, seen = [], set()
    for k, clause in enumerate(clauses):
        if sr.veto.search(clause.masked):
            continue
        for event, m, idx in _cue_hits(clause):
            found = _target(clauses, k, idx)
            if found is None:
                continue
            row, after = found
            not_types = next(c[2] for c in sr.cues if c[1] is m.re)
            if sr.amendment_draft.match(after) or row["instrument_type"] in not_types or \
                    (event != "proposed" and (sr.draft.match(after) or "草案" in row["title"])):
                continue
            slide_m = sr.slide_date.match(after) if slide else None
            printed = slide_m.group(1) if slide_m else (_cue_date(clause, m) or _carried(clauses, k))
            on = _read_on(printed, clauses, k) if printed else None
            event = refine(event, row["instrument_type"])
            if on is None or (row["policy_id"], event) in seen:
                continue
            seen.add((row["policy_id"], event))
            scope = sr.scope.search(clause.masked)
            related, ident = _related(ex, locator, row, event)
            out.append(add_event(ex, policy_id=row["policy_id"], event=event, printed=printed, locator=locator,
                                 text=text, scope=scope.group(0) if scope else None, related_policy_id=related,
                                 related_identifier=ident, on=on[0], precision=on[1]))
    return out
