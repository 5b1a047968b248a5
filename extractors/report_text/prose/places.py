"""Organisations and countries named in text, and the jurisdiction a name implies (``rules/prose.yaml``
``organisations`` / ``jurisdiction_aliases``, pycountry's Chinese country names)."""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.core import normalise as nz
from extractors.report_text.prose.rules import CJK, rules


def orgs_in(text: str) -> list[tuple[int, int, str, str | None]]:
    """Organisations named in text: (start, end, name, jurisdiction), non-overlapping, longest first."""
    taken: list[tuple[int, int]] = []
    out = []
    for name, juris in rules().orgs:
        for m in re.finditer(re.escape(name), text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            out.append((m.start(), m.end(), name, juris))
    return sorted(out)


@lru_cache(maxsize=1)
def _place_pattern() -> tuple[re.Pattern, dict[str, str]]:
    """One alternation of every country name (pycountry zh names + aliases), longest first, and its codes."""
    codes: dict[str, str] = {}
    for name, code in list(nz._country_names().items()) + list(rules().aliases.items()):
        if len(name) < 2 or not re.search(rf"[{CJK}]", name) and name not in rules().aliases:
            continue
        codes.setdefault(name, code)
    alternation = "|".join(re.escape(n) for n in sorted(codes, key=lambda n: (-len(n), n)))
    return re.compile(alternation), codes


def places_in(text: str) -> list[tuple[int, str]]:
    """Countries / jurisdictions named in text: (position, jurisdiction), by position (organisations count
    with theirs)."""
    orgs = orgs_in(text)
    out = [(s, j) for s, _, _, j in orgs if j]
    taken = [(s, e) for s, e, _, _ in orgs]
    pattern, codes = _place_pattern()
    for m in pattern.finditer(nz.to_traditional(text)):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        out.append((m.start(), codes[m.group(0)]))
    return sorted(out)


def juris_of(text: str) -> str | None:
    """The jurisdiction a text names (an alias, an organisation with a country, a country), or None."""
    r = rules()
    key = nz.to_traditional(text)
    for alias, code in r.aliases.items():
        if alias in key:
            return code
    for name, juris in r.orgs:
        if juris and name in key:
            return juris
    return nz.jurisdiction_in(key)
