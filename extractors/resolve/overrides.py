"""Reviewed curation (``curation/overrides.yaml``, rule 2 of :mod:`extractors.resolve.policies`): entries that
drop a naming, join variant titles (``same_as``) or set fields of a resolved policy. Each entry has a reason and
a source line; an entry that matches nothing raises OverrideError (a stale entry must be removed, not ignored).
"""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import schemas
from extractors.core.config import ConfigError, YamlDoc, check_keys, location, read_yaml
from extractors.resolve.keys import canonical, policy_key_id, title_key

OVERRIDES_FILE = Path(__file__).resolve().parents[2] / "curation" / "overrides.yaml"
# action -> the table it changes (the header of curation/overrides.yaml)
_ACTIONS = {"same_as": "policies", "drop": "policy_mentions", "set": "policies"}
_KEYS = frozenset({"table", "action", "match", "same_as", "jurisdiction_to", "values", "reason", "source_line"})
_NEEDS = {"same_as": ("same_as",), "drop": (), "set": ("values",)}


class OverrideError(ConfigError):
    """A malformed overrides entry, or one that matches nothing; the message names the file, line and entry."""


def load_overrides(path: Path | None = None) -> list[dict]:
    """Reviewed curation entries (``path``, default ``$ATLAS_OVERRIDES_FILE`` or ``curation/overrides.yaml``), each
    with ``_where`` (file, line
    and entry, for later errors). Raises OverrideError naming file, line and entry for invalid YAML, an entry
    without action, table, match, reason or source line, an unknown key, a table that is not the one its action
    changes, or a ``set`` of a column the ``policies`` table does not have."""
    path = Path(path or os.environ.get("ATLAS_OVERRIDES_FILE") or OVERRIDES_FILE)
    if not path.exists():
        return []
    doc = read_yaml(path, OverrideError)
    if doc.data is None:
        return []
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("overrides") or [], list):
        raise doc.error((), None, "expected a mapping with a list 'overrides'")
    out = []
    for i, e in enumerate(doc.data.get("overrides") or []):
        entry = _entry_name(i, e)
        _check_entry(doc, i, entry)
        out.append({**e, "_where": location(path, entry, doc.line("overrides", i))})
    return out


def _entry_name(i: int, e: object) -> str:
    if not isinstance(e, dict):
        return f"entry {i + 1}"
    if e.get("action") == "same_as" and e.get("same_as"):
        return f"entry {i + 1}, same_as {e['same_as']!r}"
    title = e.get("match", {}).get("title") if isinstance(e.get("match"), dict) else None
    return f"entry {i + 1}, {e.get('action')} {title!r}" if e.get("action") and title else f"entry {i + 1}"


def _check_entry(doc: YamlDoc, i: int, entry: str) -> None:
    e = doc.data["overrides"][i]
    if not isinstance(e, dict):
        raise doc.error(("overrides", i), entry, "expected a mapping (table, action, match, reason, source_line)")
    check_keys(doc, ("overrides", i), entry, _KEYS, OverrideError)
    action = e.get("action")
    if action not in _ACTIONS:
        raise doc.error(("overrides", i, "action"), entry,
                        f"action must be one of {sorted(_ACTIONS)}, got {action!r}")
    for key in ("table", "reason", "source_line", "match", *_NEEDS[action]):
        if not e.get(key):
            raise doc.error(("overrides", i), entry,
                            f"missing {key!r} (every override needs a reason and source line)")
    if e["table"] != _ACTIONS[action]:
        raise doc.error(("overrides", i, "table"), entry,
                        f"action {action!r} changes table {_ACTIONS[action]!r}, not {e['table']!r}")
    for key in ("match", *(("values",) if action == "set" else ())):
        if not isinstance(e[key], dict):
            raise doc.error(("overrides", i, key), entry, f"{key!r} must be a mapping")
    if action == "set":
        _check_set(doc, i, entry)


def _check_set(doc: YamlDoc, i: int, entry: str) -> None:
    columns = schemas.table("policies").column_names
    for col in doc.data["overrides"][i]["values"]:
        if col not in columns:
            raise doc.error(("overrides", i, "values", col), entry,
                            f"set names {col!r}, not a column of table 'policies'")


def _stale(e: dict, cause: str) -> OverrideError:
    """An entry that matches nothing; ``_where`` is the file, line and entry (see :func:`load_overrides`)."""
    return OverrideError(e["_where"], None, cause)


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
            raise _stale(e, f"matches no mention: {e['match']}")
        mentions = [m for m in mentions if not _matches(m, e["match"])]
        applied["policy_mentions"] += 1
    return mentions


def reviewed_aliases(overrides: list[dict], mentions: list[dict], key_of: dict[str, tuple],
                     applied: Counter) -> dict[tuple, tuple]:
    """Rule 2: ``same_as`` entries, key -> the key it joins. An entry whose match names a ``source_id`` (a live
    source's record joined to a report's naming) takes only that source's mentions, and is skipped, not
    counted, when the run has no mention of that source at all (a build without it). Raises OverrideError for
    a key no (such) mention has."""
    alias: dict[tuple, tuple] = {}
    present = {m["source_id"] for m in mentions}
    for e in [o for o in overrides if o["action"] == "same_as"]:
        juris, source = e["match"]["jurisdiction"], e["match"].get("source_id")
        if source and source not in present:
            continue
        src = (juris, title_key(e["match"]["title"]))
        dst = (e.get("jurisdiction_to", juris), title_key(e["same_as"]))
        if not any(key_of[m["mention_id"]] == src for m in mentions if source in (None, m["source_id"])):
            raise _stale(e, f"no mention of {e['match']} to merge")
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
            raise _stale(e, f"no policy {e['match']}")
        by_id[pid].update(e["values"])
        applied["policies"] += 1
