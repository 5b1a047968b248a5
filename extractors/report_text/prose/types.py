"""Instrument type of a title named in running text: the title rule (:func:`extractors.core.normalise.instrument_type`)
refined by the words around the title, by the ``context`` rules of extractors/core/rules/instrument_types.yaml
(a programme money flows out of is funding; an untyped name in a sentence about compute is infrastructure)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.core import normalise as nz
from extractors.core.config import require_keys
from extractors.core.normalise import RulesError, rules_doc

_SENTENCE_END = re.compile(r"[。；;]")
_KEYS = ("before", "after", "clause")


@dataclass(frozen=True)
class ContextRule:
    """One ``context`` rule: the type it gives, the title types it refines and its patterns (None: not tested)."""

    type: str
    of: frozenset[str]
    before: re.Pattern | None
    after: re.Pattern | None
    clause: re.Pattern | None


@lru_cache(maxsize=1)
def context_rules() -> tuple[ContextRule, ...]:
    """The ``context`` rules, in order. Raises RulesError naming the rule for a missing key or a bad pattern."""
    doc = rules_doc("instrument_types")
    out = []
    for i, r in enumerate(doc.data.get("context") or []):
        where = f"context rule {i + 1}"
        require_keys(doc, ("context", i), where, ("type", "of"), RulesError)
        if not any(r.get(k) for k in _KEYS):
            raise doc.error(("context", i), where, "needs one of before, after, clause")
        try:
            pats = {k: re.compile(r[k]) if r.get(k) else None for k in _KEYS}
        except re.error as exc:
            raise doc.error(("context", i), where, f"bad pattern: {exc}") from exc
        out.append(ContextRule(r["type"], frozenset(r["of"]), **pats))
    return tuple(out)


def type_in_context(title: str, text: str, start: int, end: int) -> str:
    """The instrument type of ``title`` printed at ``text[start:end]`` (offsets in characters of the unit's
    text): its title type, or the type of the first ``context`` rule whose patterns all match. Never raises
    for valid rules."""
    kind = nz.instrument_type(title)
    before = _SENTENCE_END.split(text[:start])[-1]
    after = _SENTENCE_END.split(text[end:])[0]
    clause = before + text[start:end] + after
    for rule in context_rules():
        if kind not in rule.of:
            continue
        tests = ((rule.before, before), (rule.after, after), (rule.clause, clause))
        if all(p is None or p.search(s) for p, s in tests):
            return rule.type
    return kind


_EU_SECONDARY = re.compile(r"執行|施行|授權|Implementing|Delegated", re.IGNORECASE)


def type_for_jurisdiction(kind: str, jurisdiction: str | None, title: str) -> str:
    """An EU 規則 (Regulation) named in a report is a law: schemas/vocabularies/instrument_types.yaml counts a
    regulation of the Parliament and the Council as a law (通用資料保護規則, GDPR), unless the title says it is a
    Commission implementing or delegated regulation (執行 / 授權). Other types and jurisdictions pass through."""
    if kind == "regulation" and jurisdiction == "EU" and not _EU_SECONDARY.search(title):
        return "law"
    return kind
