"""Official identifiers printed as a policy title: ``第 14110 號行政命令`` -> ``EO 14110``.

The rules are data (``rules/identifiers.yaml``: pattern, identifier template and where a source prints the
form); this module applies them. Extractors pass the result to
:func:`extractors.core.records.add_mention` (``identifier=``), and extractors/resolve joins the mentions of
one jurisdiction that share an identifier, whatever their titles (a Federal Register record titled in English
and a report's Chinese naming of the same order).
"""
from __future__ import annotations

import re
from functools import lru_cache

import schemas
from extractors.core import normalise as nz
from extractors.core.config import require_keys
from extractors.core.records import strip_title_marks


@lru_cache(maxsize=1)
def _rules() -> list[tuple[re.Pattern, str]]:
    """(pattern, identifier template) of ``rules/identifiers.yaml``. Raises RulesError naming the file, the rule
    and its line for a missing key, a pattern that does not compile, or a template whose value (filled with the
    pattern's groups set to 1) does not fit the contract's ``policy_mentions.identifier`` pattern."""
    doc = nz.rules_doc("identifiers")
    require_keys(doc, (), None, ("rules",), nz.RulesError)
    contract = re.compile(schemas.table("policy_mentions").column("identifier").pattern)
    out = []
    for i, r in enumerate(doc.data["rules"] or []):
        entry = f"rule {i + 1}"
        require_keys(doc, ("rules", i), entry, ("pattern", "identifier", "printed"), nz.RulesError)
        try:
            pattern = re.compile(r["pattern"])
        except (re.error, TypeError) as exc:
            raise doc.error(("rules", i, "pattern"), entry, f"bad pattern: {exc}") from exc
        sample = r["identifier"].format(**{g: "1" for g in pattern.groupindex})
        if not contract.fullmatch(sample):
            raise doc.error(("rules", i, "identifier"), entry,
                            f"{r['identifier']!r} does not fit policy_mentions.identifier ({contract.pattern})")
        out.append((pattern, r["identifier"]))
    return out


def identifier_in(title: str | None) -> str | None:
    """The official identifier a title prints as the whole title (``第 14110 號行政命令``,
    ``《14110號行政命令》`` -> ``EO 14110``), or None. ``title`` as printed or without its marks (enclosing
    title marks are removed as :func:`extractors.core.records.strip_title_marks` does); the first rule of
    ``rules/identifiers.yaml`` that matches the whole title gives the value."""
    text = strip_title_marks(title or "")
    for pattern, template in _rules():
        m = pattern.fullmatch(text)
        if m:
            return template.format(**m.groupdict())
    return None
