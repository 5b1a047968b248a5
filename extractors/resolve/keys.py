"""Keys that decide which mentions name one instrument (rules 1 and 1b of :mod:`extractors.resolve.policies`),
and the stable ids of policies and relations."""
from __future__ import annotations

import re

from extractors.core import normalise as nz
from extractors.core.records import stable_id


def title_key(title: str) -> str:
    """Comparison key of a title (rule 1 of :mod:`extractors.resolve.policies`):
    ``《人工智慧基本法》草案`` -> ``AI基本法``."""
    t = nz.to_traditional(title).upper()
    t = re.sub(r"[\s《》「」『』〈〉()()\[\]【】、,,.。:: ·・\-–—_/\"'“”‘’]", "", t)
    t = re.sub(r"人工智慧|人工智能", "AI", t)
    t = re.sub(r"AIGC|GENAI|生成式AI", "生成式AI", t)
    t = re.sub(r"草案$", "", t)
    return t


_ACRONYM_RE = re.compile(r"[((]\s*([A-Z][A-Z0-9-]{2,})\s*[))]")


def title_acronym(title: str) -> str | None:
    """The acronym a title prints in brackets (``可信任生成式 AI 對話引擎(TAIDE)計畫`` -> ``TAIDE``), or None.
    Two titles of one jurisdiction with the same bracketed acronym name one instrument (rule 1b)."""
    m = _ACRONYM_RE.search(nz.to_traditional(title))
    return m.group(1) if m else None


def policy_key_id(jurisdiction: str, key: str) -> str:
    """Stable id of a resolved policy: its jurisdiction and title key."""
    return stable_id("pol", jurisdiction, key)


def canonical(key: tuple, alias: dict[tuple, tuple]) -> tuple:
    """The key a key is joined to, following aliases (a cycle stops the walk)."""
    seen = set()
    while key in alias and key not in seen:
        seen.add(key)
        key = alias[key]
    return key
