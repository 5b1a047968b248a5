"""Scope of each policy: is it an AI instrument, and at which level of government does it apply.

Rules (data in ``extractors/core/rules/scope.yaml``; the contract's ``policies`` columns describe them too):

- ``ai_instrument`` is true when any mention of the policy names AI in its **title** or printed **English title**,
  or in the **summary cell of a report table** row: one of ``ai_terms.words`` (人工智慧, 人工知能, 인공지능, 生成式,
  演算法, 深度偽造, machine learning, deepfake ...) or a stand-alone ``ai_terms.acronyms`` (AI, AIGC, GenAI, LLM,
  AGI), on NFKC-normalised Traditional-script text; or when a registry whose scope is AI itself records it
  (``ai_registries``: every AGORA record is AI governance). Running-text sentences and a live record's other
  fields do not decide, so a general law named in passing (刑法, 毒品取締法, 武器等製造法, 基本權利憲章, GDPR,
  CCPA, 個人資料保護法, a fraud act with one deepfake article) is false.
- ``level``: ``international`` for jurisdiction INT (multilateral bodies, summits, OECD), ``supranational`` for
  EU, ``subnational`` when a mention's title, English title or issuer as printed names a place of ``places``
  (加州 / California -> US-CA, 臺北市 -> TW-TPE, 紐約市 -> US-NY; longest name first), else ``national``.
- ``subdivision``: that place's ISO 3166-2 code, kept only when pycountry knows it as a subdivision of the
  policy's jurisdiction (a code of another country is a rules error); NULL unless subnational.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

from extractors.core import normalise as nz
from extractors.core.normalise import RulesError

RULES = "scope"


def _norm(text: str) -> str:
    return nz.to_traditional(unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=1)
def _rules() -> tuple[re.Pattern, frozenset[str], list[tuple[str, str]]]:
    """(AI-term pattern, AI registries, places longest first); raises RulesError for a subdivision code that
    pycountry does not know."""
    import pycountry

    doc = nz.rules_doc(RULES)
    data = doc.data
    words = [re.escape(_norm(w)) for w in data["ai_terms"]["words"]]
    acronyms = [re.escape(a) for a in data["ai_terms"]["acronyms"]]
    pattern = re.compile("(?i:" + "|".join(words) + ")|(?<![A-Za-z])(?:" + "|".join(acronyms) + ")(?![A-Za-z])")
    for name, code in data["places"].items():
        if pycountry.subdivisions.get(code=code) is None:
            raise RulesError(doc.path, f"places {name!r}", f"{code!r} is not an ISO 3166-2 subdivision code",
                             doc.line("places", name))
    places = sorted(((_norm(n), c) for n, c in data["places"].items()), key=lambda p: -len(p[0]))
    return pattern, frozenset(data.get("ai_registries") or ()), places


def names_ai(text: str | None) -> bool:
    """Whether ``text`` names AI by the ``ai_terms`` of the rules (``人工智慧基本法`` -> True, ``刑法`` -> False)."""
    return bool(text) and bool(_rules()[0].search(_norm(text)))


def _printed(m: dict) -> list[str]:
    return [v for v in (m.get("title"), m.get("title_en"), m.get("issuer_printed")) if v]


def is_ai_instrument(mentions: list[dict]) -> bool:
    """The ``ai_instrument`` rule over one policy's mentions (dicts with title, title_en, context, text,
    source_id)."""
    registries = _rules()[1]
    return any(m["source_id"] in registries or names_ai(m.get("title")) or names_ai(m.get("title_en"))
               or (m.get("context") == "table" and names_ai(m.get("text"))) for m in mentions)


def subdivision(jurisdiction: str, mentions: list[dict]) -> str | None:
    """The ISO 3166-2 code of the first place (longest name first) a mention's title, English title or issuer
    prints, when it is a subdivision of ``jurisdiction``; else None."""
    places = _rules()[2]
    texts = [_norm(t) for m in mentions for t in _printed(m)]
    for name, code in places:
        if code.split("-")[0] == jurisdiction and any(name in t for t in texts):
            return code
    return None


def level(jurisdiction: str, subdivision_code: str | None) -> str:
    """``international`` (INT), ``supranational`` (EU), ``subnational`` (a subdivision), else ``national``."""
    if jurisdiction == "INT":
        return "international"
    if jurisdiction == "EU":
        return "supranational"
    return "subnational" if subdivision_code else "national"


def apply_scope(policies: list[dict], mentions: list[dict]) -> None:
    """Set ``ai_instrument``, ``level`` and ``subdivision`` on every policies row (in place) from the mentions
    that resolve to it (final policy ids)."""
    by_policy: dict[str, list[dict]] = defaultdict(list)
    for m in mentions:
        by_policy[m["policy_id"]].append(m)
    for p in policies:
        group = by_policy.get(p["policy_id"], [])
        p["ai_instrument"] = is_ai_instrument(group)
        p["subdivision"] = subdivision(p["jurisdiction"], group)
        p["level"] = level(p["jurisdiction"], p["subdivision"])
