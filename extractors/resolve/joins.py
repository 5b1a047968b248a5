"""Joins of title keys that name one instrument: shared identifiers (rule 0 of :mod:`extractors.resolve.policies`),
shared bracketed acronyms (rule 1b), names printed again (rule 1e), names printed shorter (rule 1f),
a successor and the next generation (rule 1g) and a live record's English title printed by a report (rule 1c), and which
key leads a joined group (its policy id).

**The lead key.** A joined group's policy id hashes its jurisdiction and its lead key
(:func:`extractors.resolve.keys.policy_key_id`). Among the joined keys, a key held by a document mention (a
report's naming: any context but ``record``) leads, then the first in sort order. So a live record (context
``record``: a Federal Register document, an AGORA row) that joins a group of report mentions never changes the
report policy's id, and a policy only live sources name takes its id from its own key. Joins add to the alias
map (key -> the key it is joined to) in place, never over a reviewed ``same_as`` alias.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from extractors.core.shortened import ACRONYM_WITH_KIND, MIN_LETTERS, SHARE, is_shortened
from extractors.resolve.keys import canonical, title_acronym, title_key

CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")     # kana and CJK ideographs


def is_document(mention: dict) -> bool:
    """True for a report's naming (context table, prose, heading, slide, reference_list), False for a live
    source's record (context ``record``)."""
    return mention.get("context") != "record"


def _join(mentions: list[dict], key_of: dict[str, tuple], alias: dict[tuple, tuple],
          values_of: Callable[[dict], Iterable[str]], with_record: bool = False, tables_lead: bool = False,
          longest_leads: bool = False) -> None:
    """Join the keys of the mentions of one jurisdiction that share a value of ``values_of(mention)``: every
    key of a group is aliased to the group's lead (see the module docstring). ``with_record``: only groups
    holding a live record and a report mention are joined. ``tables_lead``: among report keys, a table row's
    leads (rule 1d: the table prints the document's title, the prose names it by its kind). ``longest_leads``:
    among those, the longest key leads (rule 1e: the full name, not the acronym printed again)."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for m in mentions:
        for value in values_of(m):
            groups[(m["jurisdiction"], value)].append(m)
    for _, group in sorted(groups.items()):
        if with_record and (all(is_document(m) for m in group) or not any(is_document(m) for m in group)):
            continue
        keys = {canonical(key_of[m["mention_id"]], alias) for m in group}
        if len(keys) < 2:
            continue
        documented = {canonical(key_of[m["mention_id"]], alias) for m in mentions if is_document(m)}
        tabled = {canonical(key_of[m["mention_id"]], alias) for m in group if m.get("context") == "table"}
        lead = min(keys, key=lambda k: (k not in documented, tables_lead and k not in tabled,
                                        -len(k[1]) if longest_leads else 0, k))
        for k in keys - {lead}:
            alias[k] = lead


def join_identifiers(mentions: list[dict], key_of: dict[str, tuple], alias: dict[tuple, tuple]) -> None:
    """Rule 0: mentions of one jurisdiction that carry the same identifier (``EO 14110``, ``CELEX:32024R1689``,
    ``AGORA:1780``) name one instrument, whatever their titles; their keys are joined (lead: module
    docstring)."""
    _join(mentions, key_of, alias, lambda m: [m["identifier"]] if m.get("identifier") else [])


def join_acronyms(mentions: list[dict], key_of: dict[str, tuple], alias: dict[tuple, tuple]) -> None:
    """Rule 1b: titles of one jurisdiction printing the same bracketed acronym (``(TAIDE)``), or an acronym and
    its one-letter part (``(DSS)``, ``(DSS-L)``), name one instrument; their keys are joined (lead: module
    docstring)."""
    _join(mentions, key_of, alias, _acronyms)


def _acronyms(m: dict) -> list[str]:
    """The bracketed acronym of a title, and for a one-letter part of it (``DSS-L``, the literacy part of
    ``DSS``, 000 L979-981) its base: the printed variant names the same standard."""
    a = title_acronym(m["title"])
    if not a:
        return []
    base = re.fullmatch(r"([A-Z]{2,})-[A-Z]", a)
    return [base.group(1)] if base else [a]


_BARE_ACRONYM_RE = re.compile(r"[A-Z][A-Za-z0-9]*(?:[ -][A-Z0-9][A-Za-z0-9]*)*")
_EN_TAIL_RE = re.compile(r",\s*([A-Z][A-Za-z0-9]*(?:[ -][A-Z0-9][A-Za-z0-9.]*)*)\s*$")
_TRAILING_BRACKET_RE = re.compile(r"\s*[(（](?![^()（）]*草案)[^()（）]*[)）]\s*$")


def _is_acronym(text: str) -> bool:
    return (bool(_BARE_ACRONYM_RE.fullmatch(text)) and len(text) >= 3 and sum(c.isupper() for c in text) >= 2
            and text.upper() not in ("AI", "GENAI", "AIGC"))


def _names_again(m: dict) -> list[str]:
    """The names a report mention gives its instrument besides its title key: the key of its title without a
    trailing bracket holding no digit (GenAI 加速器挑戰 (GENIAC) -> GenAI 加速器挑戰; a bracket of years or an
    edition names a version of its own), its bracketed acronym, the acronym ending its
    English name (…, EuroHPC JU), its title itself when that is a bare acronym (SSDP, printed again in 000's
    conclusions: :mod:`extractors.report_text.prose.again`), or the acronym of a title that is an acronym and a
    kind word (003 L824 TAIDE 計畫)."""
    title = m["title"].strip()
    names = [title_key(title)]
    core = _TRAILING_BRACKET_RE.sub("", title)
    if core != title and not re.search(r"\d", title[len(core):]):      # not an edition: 臺灣 AI 行動計畫(2018-2021)
        names.append(title_key(core))
    tail = _EN_TAIL_RE.search(m.get("title_en") or "")
    kind = ACRONYM_WITH_KIND.fullmatch(title)          # TAIDE 計畫 (003 L824): the acronym with its kind word
    acronyms = _acronyms(m) + ([tail.group(1)] if tail else []) + ([title] if _is_acronym(title) else []) + \
        ([kind.group(1)] if kind else [])
    names += ["acronym:" + title_key(a) for a in acronyms if _is_acronym(a)]
    return list(dict.fromkeys(n for n in names if n))


def join_names_again(mentions: list[dict], key_of: dict[str, tuple], alias: dict[tuple, tuple]) -> None:
    """Rule 1e: report mentions of one jurisdiction that share a name (:func:`_names_again`: a title printed
    with and without its bracket, an acronym printed in a title's brackets, at the end of its English name or
    alone) name one instrument; their keys are joined (lead: module docstring)."""
    _join([m for m in mentions if is_document(m)], key_of, alias, _names_again, longest_leads=True)


_QUOTED_NAME_RE = re.compile(r"「([^「」]{2,40})」")
_KIND_ONLY_RE = re.compile(r"\s*(?:計畫|計劃|工程|專案|倡議)?\s*")
_ABOUT_RE = re.compile(r"^關於.*」\s*的\s*(?:推進|推動|整備|開發)$")


def _quoted_name(m: dict) -> list[str]:
    """The key of the one name a title quotes when the title is that name with at most a kind word after it
    (「富岳 NEXT」計畫, 000 L995) or a document about it, titled 關於…「X」的推進 (000 表 3-4 L1014, a rendering
    of a Japanese 「…」の推進について), or a title printed as the quoted name alone (「東數西算」, 000 L2794);
    [] for any other title (《「十四五」數位經濟發展規劃》 is a plan of its own)."""
    title = m["title"].strip()
    names = _QUOTED_NAME_RE.findall(title)
    printed = (m.get("title_printed") or "").strip()
    if not names and _QUOTED_NAME_RE.fullmatch(printed):     # 000 L2794 「東數西算」政策: the quoted name alone
        return [title_key(printed)]
    if len(names) != 1:
        return []
    rest = _QUOTED_NAME_RE.sub("", title)
    if _KIND_ONLY_RE.fullmatch(rest) or _ABOUT_RE.match(re.sub(r"\s", "", title)):
        return [title_key(names[0])]
    return []


def join_quoted_names(mentions: list[dict], key_of: dict[str, tuple], alias: dict[tuple, tuple]) -> None:
    """Rule 1d: report titles of one jurisdiction quoting the same name, each either that name with a kind word
    or a document about it (:func:`_quoted_name`), name one instrument; their keys are joined, a table row's
    key leading (000 表 3-4 L1014 關於次世代運算基盤「富岳 NEXT」的推進 over the L995 heading's 「富岳 NEXT」
    計畫), else the longest (「東數西算」工程 over 「東數西算」)."""
    _join([m for m in mentions if is_document(m)], key_of, alias, _quoted_name, tables_lead=True, longest_leads=True)


_SHORT_TITLE_RE = re.compile(r"\(([^()]*\bAct)\)\s*$")     # "... (Artificial Intelligence Act)" ending a name


def _english_keys(m: dict) -> list[str]:
    keys = [title_key(m["title_en"])] if m.get("title_en") else []
    if not is_document(m) and not CJK_RE.search(m["title"]):
        keys.append(title_key(m["title"]))
        short = _SHORT_TITLE_RE.search(m["title"])
        if short:
            keys.append(title_key(short.group(1)))
    return list(dict.fromkeys(k for k in keys if k))


def join_english_titles(mentions: list[dict], key_of: dict[str, tuple], alias: dict[tuple, tuple]) -> None:
    """Rule 1c: a live record whose English title (or ``title_en``, or the short title in brackets ending its
    official name: ``REGULATION (EU) 2024/1689 … (Artificial Intelligence Act)``) has the title key of the
    English title a report prints with a mention of the same jurisdiction (001 L325 AI法案(Artificial
    Intelligence Act); 000 L675 《…行政命令》(Executive Order on the Safe, Secure, and Trustworthy Development
    and Use of Artificial Intelligence), AGORA's official name of EO 14110) names that instrument; their keys
    are joined (lead: module docstring). Report mentions sharing an English title among themselves are not
    joined by it (rule 2 decides those)."""
    _join(mentions, key_of, alias, _english_keys, with_record=True)


def identifiers_of(group: list[dict]) -> str | None:
    """``policies.identifiers``: the distinct identifiers of a group's mentions, sorted, joined by ``"; "``
    (``AGORA:1780; EO 14110``); None when no mention carries one."""
    return "; ".join(sorted({m["identifier"] for m in group if m.get("identifier")})) or None


def identifier_conflicts(group: list[dict]) -> list[str]:
    """The executive-order numbers of a group when it carries more than one: a number names exactly one order,
    so two in one policy mean a wrong join (a title key or reviewed alias joined two instruments), raised as an
    ``identifiers_conflict`` flag. Other schemes may legitimately repeat (AGORA records a draft and the final
    text as two documents, CELEX numbers a corrigendum apart)."""
    orders = sorted({m["identifier"] for m in group if (m.get("identifier") or "").startswith("EO ")})
    return orders if len(orders) > 1 else []


def join_shortened(mentions: list[dict], key_of: dict[str, tuple], alias: dict[tuple, tuple]) -> None:
    """Rule 1f: within one report and jurisdiction, a title key that is another's with one run of characters
    left out inside it (and maybe its leading words; :func:`extractors.core.shortened.is_shortened`:
    000 L2636 AI安全研究所 of L1094 AI 安全性研究所) names that instrument; the longer key's group leads. Every
    key of the report is compared (a group joined before may hold the longer form: 000's 國家 AI 研究資源試點計畫
    beside 表 3-1's 國家人工智慧資源試點計畫). A key shortening keys of two groups is left alone (which one it
    names cannot be told)."""
    by_source: dict[tuple, set[tuple]] = defaultdict(set)
    for m in mentions:
        if is_document(m):
            by_source[(m["source_id"], m["jurisdiction"])].add(key_of[m["mention_id"]])
    for _, keys in sorted(by_source.items()):
        for short in sorted(keys):
            own = canonical(short, alias)
            longer = {canonical(k, alias) for k in keys if is_shortened(short[1], k[1], SHARE, MIN_LETTERS)} - {own}
            if len(longer) == 1 and own not in alias:
                alias[own] = longer.pop()


# rule 1g: the words of a successor (rules/prose.yaml named_by_context.successor) and of a next generation
_SUCCESSOR_WORDS = r"之?\s*(?:後繼|後續)(?:機型|機|系統)"
_SUCCESSOR_RE = re.compile(rf"^「([^「」]{{2,20}})」\s*{_SUCCESSOR_WORDS}$|^([^「」\s]{{2,20}}){_SUCCESSOR_WORDS}$")
_GENERATION_RE = re.compile(r"「([^「」]{2,20}?)\s*(?:NEXT|Next)」|「(?:次世代|下一代|新一代)\s*([^「」]{2,20})」")


def _successor_of(m: dict) -> list[str]:
    """``successor:<key>`` for a title naming the successor of a system (「富岳」後繼機型, 富岳後繼機型) or quoting
    its next generation (「富岳 NEXT」計畫, 關於次世代運算基盤「富岳 NEXT」的推進); [] otherwise."""
    title = m["title"].strip()
    found = _SUCCESSOR_RE.match(title) or _GENERATION_RE.search(title)
    if not found:
        return []
    return ["successor:" + title_key(found.group(1) or found.group(2))]


def join_successors(mentions: list[dict], key_of: dict[str, tuple], alias: dict[tuple, tuple]) -> None:
    """Rule 1g: report titles of one jurisdiction naming the successor of one system (000 L2604 超級電腦「富岳」
    後繼機型) or its next generation (000 L995 「富岳 NEXT」計畫, 表 3-4 L1014 關於次世代運算基盤「富岳 NEXT」的推進:
    NEXT, 次世代, 下一代, 新一代 with the name in marks) name one instrument; their keys are joined, a table
    row's leading."""
    _join([m for m in mentions if is_document(m)], key_of, alias, _successor_of, tables_lead=True)
