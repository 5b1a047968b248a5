"""Reviewed curation (``curation/overrides.yaml``, rule 2 of :mod:`extractors.resolve.policies`): entries that
drop a naming, join variant titles (``same_as``) or set fields of a resolved policy. Each entry has a reason and
a source line; an entry that matches nothing raises OverrideError (a stale entry must be removed, not ignored).
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from extractors.resolve.keys import canonical, policy_key_id, title_key

OVERRIDES_FILE = Path(__file__).resolve().parents[2] / "curation" / "overrides.yaml"
_ACTIONS = {"same_as", "drop", "set"}


class OverrideError(ValueError):
    """A malformed overrides entry, or one that matches nothing; the message names the entry."""


def load_overrides(path: Path | None = None) -> list[dict]:
    """Reviewed curation entries. Raises OverrideError for an entry without action, reason or source line."""
    path = path or OVERRIDES_FILE
    if not path.exists():
        return []
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for i, e in enumerate(entries.get("overrides") or []):
        where = f"{path.name} entry {i + 1}"
        if e.get("action") not in _ACTIONS:
            raise OverrideError(f"{where}: action must be one of {sorted(_ACTIONS)}, got {e.get('action')!r}")
        for key in ("table", "reason", "source_line", "match"):
            if not e.get(key):
                raise OverrideError(f"{where}: missing {key!r} (every override needs a reason and source line)")
        out.append({**e, "_where": where})
    return out


def _matches(mention: dict, match: dict) -> bool:
    for k, v in match.items():
        if k == "title":
            if title_key(mention["title"]) != title_key(v):
                return False
        elif mention.get(k) != v:
            return False
    return True


def apply_drops(mentions: list[dict], overrides: list[dict], applied: Counter) -> list[dict]:
    """Drops: a reviewed decision that a naming is not a policy instrument (e.g. a report title). Returns the
    mentions left, counts each entry in ``applied``; raises OverrideError for an entry that matches no mention."""
    for e in [o for o in overrides if o["action"] == "drop" and o["table"] == "policy_mentions"]:
        hit = [m for m in mentions if _matches(m, e["match"])]
        if not hit:
            raise OverrideError(f"{e['_where']}: matches no mention: {e['match']}")
        mentions = [m for m in mentions if not _matches(m, e["match"])]
        applied["policy_mentions"] += 1
    return mentions


def reviewed_aliases(overrides: list[dict], key_of: dict[str, tuple], applied: Counter) -> dict[tuple, tuple]:
    """Rule 2: ``same_as`` entries, key -> the key it joins. Raises OverrideError for a key no mention has."""
    alias: dict[tuple, tuple] = {}
    for e in [o for o in overrides if o["action"] == "same_as"]:
        juris = e["match"]["jurisdiction"]
        src = (juris, title_key(e["match"]["title"]))
        dst = (e.get("jurisdiction_to", juris), title_key(e["same_as"]))
        if src not in key_of.values():
            raise OverrideError(f"{e['_where']}: no mention of {e['match']} to merge")
        alias[src] = dst
        applied["policies"] += 1
    return alias


def apply_field_overrides(by_id: dict[str, dict], overrides: list[dict], alias: dict[tuple, tuple],
                           applied: Counter) -> None:
    """``set`` entries on the resolved policies rows. Raises OverrideError for an entry naming no policy."""
    for e in [o for o in overrides if o["action"] == "set" and o["table"] == "policies"]:
        pid = policy_key_id(e["match"]["jurisdiction"], canonical(
            (e["match"]["jurisdiction"], title_key(e["match"]["title"])), alias)[1])
        if pid not in by_id:
            raise OverrideError(f"{e['_where']}: no policy {e['match']}")
        by_id[pid].update(e["values"])
        applied["policies"] += 1
