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

The keys and ids are in :mod:`extractors.resolve.keys`, the reviewed curation in
:mod:`extractors.resolve.overrides`.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from extractors.core import normalise as nz
from extractors.core.records import flag_row
from extractors.core.records import relation_id
from extractors.resolve.keys import canonical, policy_key_id, title_acronym, title_key
from extractors.resolve.overrides import apply_drops, apply_field_overrides, load_overrides, reviewed_aliases

_PRECISION_RANK = {"day": 3, "month": 2, "year": 1, None: 0}


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
    flags.append(flag_row(source_id, "policies", record_key, check, detail, locator, severity))


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


def resolve(mentions: list[dict], relations: list[dict] | None = None,
            overrides: list[dict] | None = None) -> dict:
    """Mentions of all sources -> ``{"policies", "policy_mentions", "policy_relations", "quality_flags",
    "overrides_applied"}``: rows per table (mentions and relations with their final policy ids) and the
    number of override entries applied per dataset table.

    Steps: drop reviewed non-instruments, key the mentions and apply reviewed aliases and shared acronyms
    (rules 1, 1b, 2), group by key, split bills by sponsor, one policy per group with canonical values and
    date disagreements flagged (rules 3, 4), field overrides, relations between final policies.
    Raises OverrideError when an override matches no mention (a stale entry must be removed, not ignored).
    """
    overrides = load_overrides() if overrides is None else overrides
    applied: Counter = Counter()
    mentions = apply_drops([dict(m) for m in mentions], overrides, applied)
    key_of = {m["mention_id"]: (m["jurisdiction"], title_key(m["title"])) for m in mentions}
    alias = reviewed_aliases(overrides, key_of, applied)
    _join_acronyms(mentions, key_of, alias)
    flags: list[dict] = []
    split = _split_all_bills(_group_by_key(mentions, key_of, alias), flags)
    provisional_to_final: dict[str, str] = {}
    policies = [_policy_row(juris, key, group, flags, provisional_to_final)
                for (juris, key), group in sorted(split.items())]
    by_id = {p["policy_id"]: p for p in policies}
    apply_field_overrides(by_id, overrides, alias, applied)
    rels = _final_relations(relations or [], provisional_to_final, by_id)
    return {"policies": policies, "policy_mentions": mentions, "policy_relations": rels,
            "quality_flags": flags, "overrides_applied": dict(applied)}


def _join_acronyms(mentions: list[dict], key_of: dict[str, tuple], alias: dict[tuple, tuple]) -> None:
    """Rule 1b: a bracketed acronym joins the keys that print it (the first key in sort order leads); adds
    to ``alias`` in place, never over a reviewed alias."""
    by_acronym: dict[tuple, list[tuple]] = defaultdict(list)
    for m in mentions:
        acro = title_acronym(m["title"])
        if acro:
            k = canonical(key_of[m["mention_id"]], alias)
            if k not in by_acronym[(m["jurisdiction"], acro)]:
                by_acronym[(m["jurisdiction"], acro)].append(k)
    for keys in by_acronym.values():
        lead = sorted(keys)[0]
        for k in keys:
            if k != lead and k not in alias:
                alias[k] = lead


def _group_by_key(mentions: list[dict], key_of: dict[str, tuple],
                  alias: dict[tuple, tuple]) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for m in mentions:
        groups[canonical(key_of[m["mention_id"]], alias)].append(m)
    return groups


def _split_all_bills(groups: dict[tuple, list[dict]], flags: list[dict]) -> dict[tuple, list[dict]]:
    split: dict[tuple, list[dict]] = {}
    for gkey, group in groups.items():
        for sub_key, sub in _split_bills(gkey, group, flags).items():
            split[sub_key] = sub
    return split


def _pick_date(group: list[dict], pid: str, first: dict, flags: list[dict]) -> dict | None:
    """Rule 3: the mention with the most precise printed date, a table's before prose; other mentions whose
    dates disagree with it raise one ``dates_disagree`` flag naming every printed date."""
    dated = sorted((m for m in group if m["issued_on"] is not None),
                   key=lambda m: (-_PRECISION_RANK[m["issued_precision"]], m["context"] != "table",
                                  m["source_id"], m["source_locator"]))
    if not dated:
        return None
    date = dated[0]
    odd = [m for m in dated if _date_disagrees(date, m)]
    if odd:
        printed = "; ".join(f"{m['issued_printed']!r} ({m['source_id']} {m['source_locator']})"
                            for m in [date, *odd])
        _flag(flags, pid, "dates_disagree",
              f"{first['title']}: mentions print different dates: {printed}; kept "
              f"{date['issued_printed']!r} (most precise, table first)", date["source_id"],
              date["source_locator"])
    return date


def _status(group: list[dict]) -> str | None:
    """The furthest stage any mention prints: revoked, else adopted, else proposed."""
    statuses = {m["status"] for m in group if m["status"]}
    return next((s for s in ("revoked", "adopted", "proposed") if s in statuses), None)


def _first_printed(field: str, first: dict, group: list[dict]) -> str | None:
    """The primary mention's value of ``field``, else the first one a mention of the group prints."""
    return next((m[field] for m in [first, *group] if m.get(field)), None)


def _policy_row(juris: str, key: str, group: list[dict], flags: list[dict],
                provisional_to_final: dict[str, str]) -> dict:
    """One policies row for a group of mentions (rules 3 and 4); gives the mentions their final policy id
    and records provisional -> final ids for the relations."""
    pid = policy_key_id(juris, key)
    for m in group:
        provisional_to_final[m["policy_id"]] = pid
        m["policy_id"] = pid
    first = _primary(group, key.split("|")[0])
    date = _pick_date(group, pid, first, flags) or {}
    status = _status(group)
    kind = first["instrument_type"]
    if kind == "bill" and status == "adopted":
        kind = "law"        # 法案 also translates "Act": a sentence says it was passed
    genai = any(nz.genai_specific(m["title"], m["text"] if m["context"] == "table" else None)
                for m in group)
    return {
        "policy_id": pid, "jurisdiction": juris, "title": first["title"],
        "title_en": _first_printed("title_en", first, group),
        "issuer": _first_printed("issuer_printed", first, group), "issued_on": date.get("issued_on"),
        "issued_precision": date.get("issued_precision"), "issued_printed": date.get("issued_printed"),
        "instrument_type": kind, "status": status,
        "summary": first["text"] or next((m["text"] for m in group if m["text"]), None),
        "identifiers": None, "url": None,
        "licence": first.get("licence"), "non_commercial": bool(first.get("non_commercial")),
        "genai_specific": genai, "mention_count": len(group),
        "source_count": len({m["source_id"] for m in group}),
        "source_id": first["source_id"], "source_locator": first["source_locator"],
    }


def _final_relations(relations: list[dict], provisional_to_final: dict[str, str],
                     by_id: dict[str, dict]) -> list[dict]:
    """Relations between final policies (one within a policy is dropped); ``revokes`` sets the revoked
    policy's status."""
    rels = []
    for r in relations:
        a, b = provisional_to_final.get(r["policy_id"]), provisional_to_final.get(r["related_policy_id"])
        if a is None or b is None or a == b:
            continue
        rels.append({**r, "policy_id": a, "related_policy_id": b,
                     "relation_id": relation_id(a, r["relation"], b)})
        if r["relation"] == "revokes":
            by_id[b]["status"] = "revoked"
    return rels
