"""Reading the disposition notes of an executive order (document JSON ``disposition_notes``).

The Office of the Federal Register keeps, on each executive order, notes such as ``Revoked by: EO 14148,
January 20, 2025`` or ``See: EO 14313, July 3, 2025; EO 14276, April 17, 2025`` (EO 14430, document
2026-19417). They are written by hand: one label per line (sometimes several labels on a line, after a ";"),
targets separated by ";", spelling varies. A revocation appears here on the *revoked* order when the revoking
order is published, which is why the fetch re-reads every tracked order's JSON. The labels and what they mean
are ``rules.yaml`` ``note_labels``; a label not listed there is returned as unread (a quality flag), never
guessed.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.federal_register.config import rules
from extractors.federal_register.fulltext import Statement

# A label is the words before a ":" at the start of the notes, of a line or after a ";".
_LABEL_RE = re.compile(r"(?:^|[;\n])\s*([A-Za-z][A-Za-z() ]*?)\s*:", re.MULTILINE)
_EO_RE = re.compile(r"\bEO\s*(\d+)")


@lru_cache(maxsize=1)
def _labels() -> list[tuple[re.Pattern, dict]]:
    return [(re.compile(rf"^{r['label']}$", re.IGNORECASE), r) for r in rules()["note_labels"]]


def _rule(label: str) -> dict | None:
    label = " ".join(label.split())
    return next((r for pattern, r in _labels() if pattern.match(label)), None)


def read_notes(notes: str | None, own: str | None, locator: str) -> tuple[list[Statement], list[str]]:
    """(statements, unread labels) of one order's notes; ``own`` is its EO number, ``locator`` where the notes
    are (``documents/2023-24283.json #/disposition_notes``). ``Revoked by: EO 14148`` gives the statement
    14148 revokes ``own``; ``Revokes: EO 13985`` gives ``own`` revokes 13985; a partial one ("Revoked in part
    by", "(in part)" after a target) is kept as ``amends``; ``See:`` gives nothing."""
    if not notes:
        return [], []
    matches = list(_LABEL_RE.finditer(notes))
    statements, unread = [], []
    for i, m in enumerate(matches):
        label = m.group(1)
        rule = _rule(label)
        if rule is None:
            unread.append(" ".join(label.split()))
            continue
        if rule["relation"] is None:
            continue
        end = matches[i + 1].start() if i + 1 < len(matches) else len(notes)
        for target in notes[m.end():end].split(";"):
            statements += _statement(label, target.strip(), rule, own, locator)
    return statements, unread


def _statement(label: str, target: str, rule: dict, own: str | None, locator: str) -> list[Statement]:
    eo = _EO_RE.search(target)
    if not target:
        return []
    partial = bool(re.search(rules()["partial"], f"{label} {target}", re.IGNORECASE))
    relation = "amends" if partial and rule["relation"] in ("revokes", "supersedes") else rule["relation"]
    number = eo.group(1) if eo else None
    subject, obj = (own, number) if rule["direction"] == "out" else (number, own)
    return [Statement(subject, relation, obj, target, f"{' '.join(label.split())}: {target}", locator, locator,
                      partial)]
