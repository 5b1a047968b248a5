"""The vocabulary of ``rules/prose.yaml`` (instrument words, organisations, cues), compiled once."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extractors.core import normalise as nz
from extractors.core.config import require_keys

RULES_DIR = Path(__file__).parent.parent / "rules"
CJK = r"\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"     # kana and CJK ideographs, for character classes


def _flat(pattern: str) -> str:
    return re.sub(r"\s+", "", pattern) if pattern else pattern


@dataclass(frozen=True)
class Rules:
    """``rules/prose.yaml`` compiled: instrument words as regex alternations, cues as patterns."""

    strong: str
    weak: str
    not_instrument: re.Pattern
    generic: re.Pattern
    triggers: str
    recommendation: re.Pattern
    proposed: re.Pattern
    adopted: re.Pattern
    in_force_before: re.Pattern
    relations: list
    date: re.Pattern
    date_not_after: re.Pattern
    date_not_before: re.Pattern
    orgs: list          # (name, jurisdiction or None), longest first
    private: re.Pattern
    aliases: dict
    subtitle: str
    english_heads: str
    institutions: str
    acronyms: dict
    original_heads: str
    views: str
    view_issuer: re.Pattern
    public_consortium: re.Pattern
    funding_source: re.Pattern
    appositive: re.Pattern
    platform_before: re.Pattern
    platform_after: re.Pattern
    meeting_records: re.Pattern
    named: dict         # ``named_by_context``: key -> pattern (words: an alternation)


_KEYS = ("instrument_words", "not_instrument", "generic_titles", "unquoted_triggers", "recommendation", "status",
         "relations", "date", "date_not_issue_after", "date_not_issue_before", "organisations", "private",
         "subtitle_separators", "institution_words", "view_issuer", "public_consortium", "funding_source",
         "appositive", "operated_platform", "meeting_records", "named_by_context")
_NAMED_KEYS = ("issuer_year", "set_up_verbs", "set_up_size", "set_up_words", "list_lead", "list_tail", "successor",
               "built_verbs", "built_kinds", "built_not_names", "system_kind", "ranked", "convened")


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The vocabulary of ``rules/prose.yaml``, compiled once. Raises RulesError (file, line, key) when a
    required key is missing or a pattern does not compile."""
    doc = nz.rules_doc("prose", RULES_DIR)
    require_keys(doc, (), None, _KEYS, nz.RulesError)
    require_keys(doc, ("instrument_words",), "instrument_words",
                 ("strong", "weak", "english_heads", "original_heads", "views"), nz.RulesError)
    require_keys(doc, ("status",), "status", ("proposed", "adopted", "in_force_before"), nz.RulesError)
    require_keys(doc, ("organisations",), "organisations", (), nz.RulesError)
    require_keys(doc, ("named_by_context",), "named_by_context", _NAMED_KEYS, nz.RulesError)
    try:
        return _compile(doc.data)
    except (re.error, TypeError, AttributeError) as exc:
        keys = _key_of(doc.data, getattr(exc, "pattern", None))
        raise nz.RulesError(doc.path, ".".join(keys) or None, f"cannot be compiled ({type(exc).__name__}: {exc})",
                            doc.line(*keys) if keys else None) from exc


def _key_of(raw: dict, pattern: str | None, keys: tuple = ()) -> tuple:
    """The keys of the value that reads as ``pattern`` (as written or flattened), or () when none does."""
    for k, v in raw.items():
        if isinstance(v, dict):
            found = _key_of(v, pattern, (*keys, k))
            if found:
                return found
        elif pattern is not None and isinstance(v, str) and pattern in (v, _flat(v)):
            return (*keys, k)
    return ()


def _compile(raw: dict) -> Rules:
    words = raw["instrument_words"]
    strong = re.sub(r"\s*\|\s*", "|", words["strong"].strip()).replace("\\s+", r"\s*")
    # a line-wrap space may split an instrument word (000 L2422 "風險分級框 架"): tolerate one between
    # the characters of a plain CJK word
    strong = "|".join(" ?".join(w) if re.fullmatch(rf"[{CJK}]{{2,4}}", w) else w for w in strong.split("|"))
    orgs = [(name, None if juris in (None, "null") else juris)
            for juris, names in raw["organisations"].items() for name in names]
    orgs.sort(key=lambda o: -len(o[0]))
    return Rules(
        strong=strong, weak=_flat(words["weak"]),
        not_instrument=re.compile(_flat(raw["not_instrument"]), re.IGNORECASE),
        generic=re.compile(_flat(raw["generic_titles"]), re.IGNORECASE),
        triggers=_flat(raw["unquoted_triggers"]),
        recommendation=re.compile(raw["recommendation"]),
        proposed=re.compile(raw["status"]["proposed"]), adopted=re.compile(raw["status"]["adopted"]),
        in_force_before=re.compile(raw["status"]["in_force_before"]),
        relations=raw["relations"], date=re.compile(raw["date"]),
        date_not_after=re.compile(raw["date_not_issue_after"]),
        date_not_before=re.compile(raw["date_not_issue_before"]),
        orgs=orgs, private=re.compile(_flat(raw["private"]).replace("SK海力士", r"SK\s*海力士")),
        aliases=raw.get("jurisdiction_aliases") or {}, subtitle=raw["subtitle_separators"],
        english_heads=_flat(words["english_heads"]), institutions=raw["institution_words"],
        acronyms=raw.get("acronym_jurisdictions") or {}, original_heads=_flat(words["original_heads"]),
        views=_flat(words["views"]), view_issuer=re.compile(raw["view_issuer"]),
        public_consortium=re.compile(raw["public_consortium"]), funding_source=re.compile(raw["funding_source"]),
        appositive=re.compile(raw["appositive"]), platform_before=re.compile(raw["operated_platform"]["before"]),
        platform_after=re.compile(raw["operated_platform"]["after"]),
        meeting_records=re.compile(raw["meeting_records"]),
        named={k: re.compile(_flat(raw["named_by_context"][k])) for k in _NAMED_KEYS},
    )
