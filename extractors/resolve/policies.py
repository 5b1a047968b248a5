"""One record per real-world instrument: ``policy_mentions`` of all sources -> ``policies`` rows.

Runs after every source is extracted (the DAG's normalise step), because one act is often named in several
documents. Rules, in order:

1. **Title key.** Mentions of one jurisdiction whose titles share a key are one instrument. The key is the
   title in Traditional script (OpenCC), upper-cased, without spaces, punctuation or title marks, with the
   AI synonyms 人工智慧 / 人工智能 / 智能 written ``AI`` and a trailing 草案 / (草案) dropped (a bill and the
   act it becomes are one instrument; its status says which stage the sources saw). AIGC, GenAI and
   生成式 AI are one term. 1b: titles of one jurisdiction printing the same bracketed acronym of three or more
   capitals (``(TAIDE)``, ``(GENIAC)``) are one instrument.
2. **Reviewed aliases.** ``curation/overrides.yaml`` entries with ``action: same_as`` join variant titles the
   key cannot see (an abbreviation, a translated name). Each entry has a reason and a source line, and is
   counted in the release manifest.
   Bills of one title tabled by different sponsors stay separate (:func:`_split_bills`).
3. **Canonical values.** The title, issuer and summary come from the primary mention: one printing the
   group's key (the ``same_as`` target of a reviewed alias), then a table row
   (tables are the report's own comparison), then the most frequent printed title, then the longest. The
   date is the most precise printed one, a table's before prose; mentions whose dates disagree (different
   day, month or year where both print it) raise a ``dates_disagree`` quality flag naming every printed date.
4. ``genai_specific`` is true when any mention's title, or the summary cell of a table mention, meets the
   rule of :func:`extractors.normalise.genai_specific` (prose sentences do not decide: they often name GenAI
   next to a general instrument).
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from pathlib import Path

import yaml

from extractors.core import normalise as nz

OVERRIDES_FILE = Path(__file__).resolve().parents[2] / "curation" / "overrides.yaml"
_ACTIONS = {"same_as", "drop", "set"}
_PRECISION_RANK = {"day": 3, "month": 2, "year": 1, None: 0}


class OverrideError(ValueError):
    """A malformed overrides entry, or one that matches nothing; the message names the entry."""


def title_key(title: str) -> str:
    """Comparison key of a title (rule 1 above). ``《人工智慧基本法》草案`` -> ``AI基本法``."""
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
    return "pol-" + hashlib.sha1(f"{jurisdiction}|{key}".encode()).hexdigest()[:12]


def relation_id(policy: str, relation: str, related: str) -> str:
    return "rel-" + hashlib.sha1(f"{policy}|{relation}|{related}".encode()).hexdigest()[:12]


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


def _date_disagrees(a: dict, b: dict) -> bool:
    da, db = a["issued_on"], b["issued_on"]
    if da is None or db is None:
        return False
    if da.year != db.year:
        return True
    both = min(_PRECISION_RANK[a["issued_precision"]], _PRECISION_RANK[b["issued_precision"]])
    if both >= 2 and da.month != db.month:
        return True
    return both >= 3 and da.day != db.day


def _flag(flags: list[dict], record_key: str, check: str, detail: str, source_id: str, locator: str,
          severity: str = "warning") -> None:
    key = f"{source_id}|policies|{record_key}|{check}|{locator}|{detail}"
    flags.append({"flag_id": "flag-" + hashlib.sha1(key.encode()).hexdigest()[:12], "table_name": "policies",
                  "record_key": record_key, "check_name": check, "severity": severity, "detail": detail,
                  "source_id": source_id, "source_locator": locator})


def _primary(group: list[dict], key: str) -> dict:
    counts = Counter(m["title"] for m in group)
    return sorted(group, key=lambda m: (title_key(m["title"]) != key, m["context"] != "table",
                                        -counts[m["title"]], -len(m["title"]),
                                        m["source_id"], m["source_locator"]))[0]


def _split_bills(gkey: tuple, group: list[dict], flags: list[dict]) -> dict[tuple, list[dict]]:
    """Bills of one title tabled by different sponsors are different bills (表 3-10 prints two
    「促進AI產業和確保可靠性的法案」, by 趙寅喆 and by 金成願, both on 2024-06-19): split the group by the
    sponsor printed in table rows. A mention without a sponsor joins the sponsor named in its sentence,
    else the first sponsor's bill, with an ``ambiguous_bill_mention`` flag."""
    sponsors = list(dict.fromkeys(m["issuer_printed"] for m in group if m["instrument_type"] == "bill"
                                  and m["context"] == "table" and m["issuer_printed"]))
    if len(sponsors) < 2:
        return {gkey: group}
    juris, key = gkey
    out: dict[tuple, list[dict]] = {(juris, f"{key}|{s}"): [] for s in sponsors}
    for m in sorted(group, key=lambda m: (m["source_id"], m["source_locator"])):
        sponsor = m["issuer_printed"] if m["issuer_printed"] in sponsors else next(
            (s for s in sponsors if s in (m["text"] or "")), None)
        if sponsor is None:
            sponsor = sponsors[0]
            _flag(flags, m["mention_id"], "ambiguous_bill_mention",
                  f"{m['title_printed']} names one of {len(sponsors)} bills with this title "
                  f"({', '.join(sponsors)}); attached to {sponsor}'s", m["source_id"], m["source_locator"],
                  severity="info")
        out[(juris, f"{key}|{sponsor}")].append(m)
    return out


def resolve(mentions: list[dict], relations: list[dict] | None = None,  # noqa: C901  (over the complexity budget: to be split, issue 9)
            overrides: list[dict] | None = None) -> dict:
    """Mentions of all sources -> ``{"policies", "policy_mentions", "policy_relations", "quality_flags",
    "overrides_applied"}``: rows per table (mentions and relations with their final policy ids) and the
    number of override entries applied per dataset table.

    Raises OverrideError when an override matches no mention (a stale entry must be removed, not ignored).
    """
    overrides = load_overrides() if overrides is None else overrides
    applied: Counter = Counter()
    mentions = [dict(m) for m in mentions]
    # drops: a reviewed decision that a naming is not a policy instrument (e.g. a report title)
    for e in [o for o in overrides if o["action"] == "drop" and o["table"] == "policy_mentions"]:
        hit = [m for m in mentions if _matches(m, e["match"])]
        if not hit:
            raise OverrideError(f"{e['_where']}: matches no mention: {e['match']}")
        mentions = [m for m in mentions if not _matches(m, e["match"])]
        applied["policy_mentions"] += 1
    # keys, then reviewed aliases
    key_of = {m["mention_id"]: (m["jurisdiction"], title_key(m["title"])) for m in mentions}
    alias: dict[tuple, tuple] = {}
    for e in [o for o in overrides if o["action"] == "same_as"]:
        juris = e["match"]["jurisdiction"]
        src = (juris, title_key(e["match"]["title"]))
        dst = (e.get("jurisdiction_to", juris), title_key(e["same_as"]))
        if src not in key_of.values():
            raise OverrideError(f"{e['_where']}: no mention of {e['match']} to merge")
        alias[src] = dst
        applied["policies"] += 1

    def canonical(key: tuple) -> tuple:
        seen = set()
        while key in alias and key not in seen:
            seen.add(key)
            key = alias[key]
        return key

    # rule 1b: a bracketed acronym joins the keys that print it (the first key in sort order leads)
    by_acronym: dict[tuple, list[tuple]] = defaultdict(list)
    for m in mentions:
        acro = title_acronym(m["title"])
        if acro:
            k = canonical(key_of[m["mention_id"]])
            if k not in by_acronym[(m["jurisdiction"], acro)]:
                by_acronym[(m["jurisdiction"], acro)].append(k)
    for keys in by_acronym.values():
        lead = sorted(keys)[0]
        for k in keys:
            if k != lead and k not in alias:
                alias[k] = lead

    groups: dict[tuple, list[dict]] = defaultdict(list)
    for m in mentions:
        groups[canonical(key_of[m["mention_id"]])].append(m)

    flags: list[dict] = []
    split: dict[tuple, list[dict]] = {}
    for gkey, group in groups.items():
        for sub_key, sub in _split_bills(gkey, group, flags).items():
            split[sub_key] = sub
    provisional_to_final: dict[str, str] = {}
    policies = []
    for (juris, key), group in sorted(split.items()):
        pid = policy_key_id(juris, key)
        for m in group:
            provisional_to_final[m["policy_id"]] = pid
            m["policy_id"] = pid
        first = _primary(group, key.split("|")[0])
        dated = sorted((m for m in group if m["issued_on"] is not None),
                       key=lambda m: (-_PRECISION_RANK[m["issued_precision"]], m["context"] != "table",
                                      m["source_id"], m["source_locator"]))
        date = dated[0] if dated else None
        if date:
            odd = [m for m in dated if _date_disagrees(date, m)]
            if odd:
                printed = "; ".join(f"{m['issued_printed']!r} ({m['source_id']} {m['source_locator']})"
                                    for m in [date, *odd])
                _flag(flags, pid, "dates_disagree",
                      f"{first['title']}: mentions print different dates: {printed}; kept "
                      f"{date['issued_printed']!r} (most precise, table first)", date["source_id"],
                      date["source_locator"])
        issuer = next((m["issuer_printed"] for m in [first, *group] if m["issuer_printed"]), None)
        statuses = {m["status"] for m in group if m["status"]}
        status = "revoked" if "revoked" in statuses else ("adopted" if "adopted" in statuses else
                                                          ("proposed" if "proposed" in statuses else None))
        summary = first["text"] or next((m["text"] for m in group if m["text"]), None)
        kind = first["instrument_type"]
        if kind == "bill" and status == "adopted":
            kind = "law"        # 法案 also translates "Act": a sentence says it was passed
        title_en = next((m["title_en"] for m in [first, *group] if m.get("title_en")), None)
        genai = any(nz.genai_specific(m["title"], m["text"] if m["context"] == "table" else None)
                    for m in group)
        policies.append({
            "policy_id": pid, "jurisdiction": juris, "title": first["title"], "title_en": title_en,
            "issuer": issuer, "issued_on": date["issued_on"] if date else None,
            "issued_precision": date["issued_precision"] if date else None,
            "issued_printed": date["issued_printed"] if date else None,
            "instrument_type": kind, "status": status, "summary": summary,
            "genai_specific": genai, "mention_count": len(group),
            "source_count": len({m["source_id"] for m in group}),
            "source_id": first["source_id"], "source_locator": first["source_locator"],
        })
    # field overrides on the resolved rows
    by_id = {p["policy_id"]: p for p in policies}
    for e in [o for o in overrides if o["action"] == "set" and o["table"] == "policies"]:
        pid = policy_key_id(e["match"]["jurisdiction"], canonical(
            (e["match"]["jurisdiction"], title_key(e["match"]["title"])))[1])
        if pid not in by_id:
            raise OverrideError(f"{e['_where']}: no policy {e['match']}")
        by_id[pid].update(e["values"])
        applied["policies"] += 1
    rels = []
    for r in relations or []:
        a, b = provisional_to_final.get(r["policy_id"]), provisional_to_final.get(r["related_policy_id"])
        if a is None or b is None or a == b:
            continue
        rels.append({**r, "policy_id": a, "related_policy_id": b,
                     "relation_id": relation_id(a, r["relation"], b)})
        if r["relation"] == "revokes":
            by_id[b]["status"] = "revoked"
    return {"policies": policies, "policy_mentions": mentions, "policy_relations": rels,
            "quality_flags": flags, "overrides_applied": dict(applied)}
