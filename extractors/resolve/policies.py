"""One record per real-world instrument: ``policy_mentions`` of all sources -> ``policies`` rows.

Runs after every source is extracted (the DAG's resolve step), because one act is often named in several
documents and recorded by live sources. Rules, in order:

0. **Identifiers.** Mentions of one jurisdiction that carry the same official identifier (``EO 14110``,
   ``CELEX:32024R1689``, ``AGORA:1780``; reports print some as titles, ``第 14110 號行政命令``, read by
   :mod:`extractors.core.identifiers`) are one instrument whatever their titles: a Federal Register record
   titled in English joins the reports' Chinese namings. The joined group keeps the policy id of its report
   mentions' key (:mod:`extractors.resolve.joins`: a key held by a report mention leads, so a live record
   never changes the id of a policy the reports name; a policy only live sources name takes its id from its
   own key).
1. **Title key.** Mentions of one jurisdiction whose titles share a key are one instrument. The key is the
   title in Traditional script (OpenCC), upper-cased, without spaces, punctuation or title marks, with the
   AI synonyms 人工智慧 / 人工智能 / 智能 written ``AI`` and a trailing 草案 / (草案) dropped (a bill and the
   act it becomes are one instrument; its status says which stage the sources saw). AIGC, GenAI and
   生成式 AI are one term. 1b: titles of one jurisdiction printing the same bracketed acronym of three or more
   capitals (``(TAIDE)``, ``(GENIAC)``), or an acronym and its one-letter part (``(DSS)``, ``(DSS-L)``), are
   one instrument (lead key as in rule 0). 1d: report titles quoting one name, each the name with a kind
   word (「富岳 NEXT」計畫) or a document about it (關於次世代運算基盤「富岳 NEXT」的推進), are one instrument.
   1e: report mentions sharing a name printed again (a title with and without its trailing bracket, an
   acronym in a title's brackets, ending its English name or printed alone: SSDP) are one instrument.
   1f: within one report and jurisdiction, a title printed shorter (one run left out inside it: AI安全研究所
   of AI 安全性研究所; :mod:`extractors.core.shortened`) names the instrument of the longer title. 1g: report
   titles naming a system's successor (「富岳」後繼機型) or its next generation (「富岳 NEXT」計畫) are one instrument.
   1c: a live record whose English title has the key of the English title a report prints with a mention
   (``title_en``) names that instrument (AGORA's official name of EO 14110 and 000 L675's bracketed English
   name).
2. **Reviewed aliases.** ``curation/overrides.yaml`` entries with ``action: same_as`` join variant titles the
   key cannot see (an abbreviation, a translated name). Each entry has a reason and a source line, and is
   counted in the release manifest. (They are applied first: rules 0 and 1b join the keys they lead to.)
   Bills of one title tabled by different sponsors stay separate (:func:`_split_bills`).
3. **Canonical values.** The title comes from the primary mention: an open one (not non_commercial) when
   the group has any, then one printing the group's key (the ``same_as`` target of a reviewed alias), a
   report's before a live record's, then a table row (tables are the report's own comparison), then the most
   frequent printed title, then the longest. Where sources disagree, a primary legal record's value beats a
   registry's, and a registry's a report's: date, status, relations, url, and which source fills title_en
   (:mod:`extractors.resolve.precedence`, with the ``sources_disagree`` flags and the licence and
   non_commercial rules). Within one role the date is the most precise printed one, a table's before prose;
   mentions whose dates disagree raise a ``dates_disagree`` quality flag naming every printed date.
   ``identifiers``: every identifier of the group's mentions; two executive order numbers raise
   ``identifiers_conflict``.
4. ``genai_specific`` is true when any mention's title, or the summary cell of a table mention, meets the
   rule of :func:`extractors.normalise.genai_specific` (prose sentences do not decide: they often name GenAI
   next to a general instrument).
4b. **Scope** (:mod:`extractors.resolve.scope`): ``ai_instrument`` (the instrument names AI in a title or a
   table's summary, or an AI registry records it), ``level`` and ``subdivision`` (a place printed in a title or
   issuer: 加州 -> US-CA, 臺北市 -> TW-TPE).
5. **Field overrides.** ``set`` entries of ``curation/overrides.yaml`` change the resolved rows last.

The keys and ids are in :mod:`extractors.resolve.keys`, the joins in :mod:`extractors.resolve.joins`, the
precedence of sources in :mod:`extractors.resolve.precedence`, the reviewed curation in
:mod:`extractors.resolve.overrides`.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping

from extractors.core import normalise as nz
from extractors.core.records import flag_row, relation_id
from extractors.resolve.joins import (identifier_conflicts, identifiers_of, is_document, join_acronyms,
                                      join_english_titles, join_identifiers, join_names_again, join_quoted_names,
                                      join_shortened, join_successors)
from extractors.resolve.keys import canonical, policy_key_id, title_key
from extractors.resolve.overrides import apply_drops, apply_field_overrides, load_overrides, reviewed_aliases
from extractors.resolve.scope import apply_scope
from extractors.resolve.precedence import (Roles, canonical_values, pick_date, pick_status,
                                           relation_disagreements, terms, value_pool)


_MARKED = re.compile(r"[《》]")


def _primary(pool: list[dict], key: str, roles: Roles) -> dict:
    """The mention whose title the policy takes: of its key, a report's, by source role, a table row's; a
    name printed bare does not outvote the same name printed in 《》 (000 L2416 《人工智慧基本法》 over L2788 and
    L2790's AI 基本法, printed again); then the most printed, the longest."""
    counts = Counter(m["title"] for m in pool)
    again = {m["mention_id"] for m in pool if not _MARKED.search(m.get("title_printed") or "")
             and any(_MARKED.search(o.get("title_printed") or "") and title_key(o["title"]) == title_key(m["title"])
                     for o in pool)}
    return sorted(pool, key=lambda m: (title_key(m["title"]) != key,
                                        not is_document(m), roles.rank(m), m["context"] != "table",
                                        m["mention_id"] in again,
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
            flags.append(flag_row(
                m["source_id"], "policies", m["mention_id"], "ambiguous_bill_mention",
                f"{m['title_printed']} names one of {len(sponsors)} bills with this title "
                f"({', '.join(sponsors)}); attached to {sponsor}'s", m["source_locator"], "info"))
        out[(juris, f"{key}|{sponsor}")].append(m)
    return out


def resolve(mentions: list[dict], relations: list[dict] | None = None,
            overrides: list[dict] | None = None, roles: Mapping[str, str] | None = None,
            events: list[dict] | None = None) -> dict:
    """Mentions of all sources -> ``{"policies", "policy_mentions", "policy_relations", "quality_flags",
    "overrides_applied"}``: rows per table (mentions and relations with their final policy ids) and the
    number of override entries applied per dataset table.

    ``roles`` maps source ids to their ``sources.role`` (legal_record, registry, report); a source it does
    not list (or all, when it is None) is a report. Steps: drop reviewed non-instruments, key the mentions and
    join them by reviewed aliases, identifiers, shared acronyms and English titles (rules 2, 0, 1b, 1c),
    group by key, split bills by sponsor, give each group its policy id, relations between final policies,
    one policy per group with canonical values and disagreements flagged (rules 3, 4), field overrides
    (rule 5).
    Raises OverrideError when an override matches no mention (a stale entry must be removed, not ignored).
    """
    overrides = load_overrides() if overrides is None else overrides
    applied: Counter = Counter()
    mentions = apply_drops([dict(m) for m in mentions], overrides, applied)
    key_of = {m["mention_id"]: (m["jurisdiction"], title_key(m["title"])) for m in mentions}
    alias = reviewed_aliases(overrides, mentions, key_of, applied)
    join_identifiers(mentions, key_of, alias)
    join_acronyms(mentions, key_of, alias)
    join_quoted_names(mentions, key_of, alias)
    join_names_again(mentions, key_of, alias)
    join_shortened(mentions, key_of, alias)
    join_successors(mentions, key_of, alias)
    join_english_titles(mentions, key_of, alias)
    flags: list[dict] = []
    split = _split_all_bills(_group_by_key(mentions, key_of, alias), flags)
    final_of = _assign_ids(split)
    rels = _final_relations(relations or [], final_of)
    stages = final_events(events or [], final_of, flags)
    revoked_by: dict[str, list[dict]] = defaultdict(list)
    for r in rels:
        if r["relation"] == "revokes":
            revoked_by[r["related_policy_id"]].append(r)
    by_role = Roles(roles or {})
    policies = [_policy_row(juris, key, group, revoked_by, by_role, flags)
                for (juris, key), group in sorted(split.items())]
    apply_scope(policies, mentions)
    by_id = {p["policy_id"]: p for p in policies}
    apply_field_overrides(by_id, overrides, alias, applied)
    relation_disagreements(rels, by_role, {p["policy_id"]: p["title"] for p in policies}, flags)
    return {"policies": policies, "policy_mentions": mentions, "policy_relations": rels, "policy_events": stages,
            "quality_flags": flags, "overrides_applied": dict(applied)}


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


def _assign_ids(split: dict[tuple, list[dict]]) -> dict[str, str]:
    """Give every mention its final policy id (jurisdiction + the group's lead key); returns provisional ->
    final ids, for the relations."""
    final_of: dict[str, str] = {}
    for (juris, key), group in split.items():
        pid = policy_key_id(juris, key)
        for m in group:
            final_of[m["policy_id"]] = pid
            m["policy_id"] = pid
    return final_of


def _policy_row(juris: str, key: str, group: list[dict], revoked_by: dict[str, list[dict]], roles: Roles,
                flags: list[dict]) -> dict:
    """One policies row for a group of mentions (rules 0, 3 and 4)."""
    pid = policy_key_id(juris, key)
    pool = value_pool(group)
    first = _primary(pool, key.split("|")[0], roles)
    date = pick_date(group, pid, first["title"], roles, flags) or {}
    status = pick_status(group, revoked_by.get(pid, []), pid, first["title"], roles, flags)
    kind = first["instrument_type"]
    if kind == "other":     # the primary title tells no type, another mention's does (NDIF 研究協作平台)
        kind = next((m["instrument_type"] for m in group if m["instrument_type"] != "other"), kind)
    if kind == "bill" and status == "adopted":
        kind = "law"        # 法案 also translates "Act": a sentence says it was passed
    elif kind == "law" and status == "proposed":
        kind = "bill"       # a 法 the sources only say is drafted or to be enacted (將制定《數位金融安全法》)
    genai = any(nz.genai_specific(m["title"], m["text"] if m["context"] == "table" else None)
                for m in group)
    values, used = canonical_values(pool, first, roles)
    licence, non_commercial = terms([first, *used, *([date] if date else [])])
    orders = identifier_conflicts(group)
    if orders:
        flags.append(flag_row(first["source_id"], "policies", pid, "identifiers_conflict",
                              f"{first['title']}: mentions carry different executive order numbers: "
                              f"{', '.join(orders)}", first["source_locator"]))
    return {
        "policy_id": pid, "jurisdiction": juris, "title": first["title"], "title_en": values["title_en"],
        "issuer": values["issuer"], "issued_on": date.get("issued_on"),
        "issued_precision": date.get("issued_precision"), "issued_printed": date.get("issued_printed"),
        "instrument_type": kind, "status": status, "status_basis": "mentions", "status_as_of": None,
        "status_stated": status, "summary": values["summary"],
        "identifiers": identifiers_of(group), "url": values["url"], "url_source": values["url_source"],
        "licence": licence, "non_commercial": non_commercial,
        "genai_specific": genai, "mention_count": len(group),
        "source_count": len({m["source_id"] for m in group}),
        "source_id": first["source_id"], "source_locator": first["source_locator"],
    }


def final_events(events: list[dict], final_of: dict[str, str], flags: list[dict]) -> list[dict]:
    """``policy_events`` rows with final policy ids (the event's and the related instrument's); an event whose
    policy has no mention left (e.g. a dropped one) is left out with an ``event_without_policy`` flag, and a
    related id that resolves to no policy is cleared (its ``related_identifier`` stays)."""
    out = []
    for e in events:
        pid = final_of.get(e["policy_id"])
        if pid is None:
            flags.append(flag_row(e["source_id"], "policy_events", e["event_id"], "event_without_policy",
                                  f"{e['event']} {e['event_printed']!r}: no mention of its instrument",
                                  e["source_locator"], severity="info"))
            continue
        related = final_of.get(e["related_policy_id"]) if e.get("related_policy_id") else None
        out.append({**e, "policy_id": pid, "related_policy_id": related if related != pid else None})
    return out


def _final_relations(relations: list[dict], final_of: dict[str, str]) -> list[dict]:
    """Relations between final policies (one within a policy is dropped)."""
    rels = []
    for r in relations:
        a, b = final_of.get(r["policy_id"]), final_of.get(r["related_policy_id"])
        if a is None or b is None or a == b:
            continue
        rels.append({**r, "policy_id": a, "related_policy_id": b, "relation_id": relation_id(a, r["relation"], b)})
    return rels
