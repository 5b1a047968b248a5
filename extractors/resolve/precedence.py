"""Which value a policy keeps when its sources disagree (rule 3 of :mod:`extractors.resolve.policies`).

**Precedence of sources** (``sources.role``): a primary legal record (the Federal Register), then a registry
(AGORA), then a secondary report (the seed documents). A source the resolver is given no role for is a report.

- **Date** (``issued_on``): the legal record's date when one is printed (among the open mentions, below);
  within one role the most precise printed date, a table's before prose. A date of another role that
  disagrees with it (a different year, or month or day where both print it) raises one ``sources_disagree``
  flag naming both printed values, their sources and locators; disagreement within one role stays a
  ``dates_disagree`` flag.
- **Status**: the statuses the mentions print and ``revoked`` for every ``revokes`` relation naming the policy;
  each role's status is the furthest stage its rows state (revoked, adopted, proposed), and the highest role
  that says anything decides, so a legal record's revocation beats a report's "adopted". A lower role whose
  status differs raises one ``sources_disagree`` flag.
- **Relations**: every stated relation is kept. When a legal record or registry and a report name different
  instruments as revoking (replacing, superseding) one policy, a ``sources_disagree`` flag names both; the
  legal record's is canonical.
- **Title, issuer, summary**: the primary mention's (a report's table row first, so policies the reports name
  keep their printed Chinese titles), else the first other mention printing one, report mentions before live
  records, a legal record before a registry. ``title_en``: the same order, so a live record's English title
  (its ``title_en``, else its title in Latin script) fills it only when no report prints one. ``url``: a
  legal record's, else a registry's, else the link a report's note prints for it
  (:mod:`extractors.report_text.prose.notes`); ``url_source`` names where it is.
- **Open values only, when there are any** (:func:`value_pool`): a policy that some open mention names (one
  that may be used commercially) takes its title, title_en, issuer, date, summary and url from open mentions
  only; a value only a ``non_commercial`` mention (AGORA's) supplies stays on that mention's row, and the
  policy row leaves it empty (the AGORA link of a policy the reports also name is not its url). A policy that
  only non-commercial mentions name takes their values and is ``non_commercial``. So
  ``WHERE NOT non_commercial`` never loses a policy an open source names, and keeps only open values.
  Disagreement flags still compare every mention. ``licence``: the licences of the mentions the values were
  taken from, the primary mention's first, distinct, joined by `` | ``. Identifiers and status are facts
  about the instrument, taken from every mention; they do not make a policy non-commercial.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from extractors.core.records import flag_row
from extractors.resolve.joins import CJK_RE, is_document

ROLE_ORDER = ("legal_record", "registry", "report")
PRECEDENCE = "open sources only where there are any; a legal record, then a registry, then a report"
EXCLUSIVE_RELATIONS = ("revokes", "replaces", "supersedes")    # one instrument ends another
STAGES = ("revoked", "adopted", "proposed")                        # furthest lifecycle stage first
PRECISION_RANK = {"day": 3, "month": 2, "year": 1, None: 0}


@dataclass(frozen=True)
class Roles:
    """``{source_id: role}`` (the ``sources.role`` column); a source not listed is a report."""

    by_source: Mapping[str, str] = field(default_factory=dict)

    def of(self, row: dict) -> str:
        """The role of the row's source."""
        return self.by_source.get(row["source_id"]) or "report"

    def rank(self, row: dict) -> int:
        """0 for a legal record, 1 a registry, 2 a report (3 any other role)."""
        role = self.of(row)
        return ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)

    def where(self, row: dict) -> str:
        """``report tier-2025-genai-global-economy 表 3-1 L810-810``: role, source and locator of a row."""
        return f"{self.of(row)} {row['source_id']} {row['source_locator']}"


def _nc(row: dict) -> bool:
    return bool(row.get("non_commercial"))


def value_pool(group: list[dict]) -> list[dict]:
    """The mentions a policy's values may come from: its open (not non_commercial) mentions, or all of them
    when every one is non-commercial."""
    return [m for m in group if not _nc(m)] or group


def _first(candidates: list[dict], value: Callable[[dict], str | None]) -> tuple[str | None, dict | None]:
    """(value, mention) of the first candidate with a value."""
    m = next((m for m in candidates if value(m)), None)
    return (value(m), m) if m else (None, None)


def english_title(mention: dict) -> str | None:
    """The English title a mention gives: its ``title_en``, or a live record's title printed in Latin script
    (a Federal Register title); None otherwise."""
    if mention.get("title_en"):
        return mention["title_en"]
    return mention["title"] if not is_document(mention) and not CJK_RE.search(mention["title"]) else None


def canonical_values(pool: list[dict], first: dict, roles: Roles) -> tuple[dict, list[dict]]:
    """(title_en, issuer, summary, url and url_source of a policy; the mentions they were taken from), per the
    module docstring; ``url_source`` is ``<source_id> <locator>`` of the record or printed line the url is from.
    ``pool`` is :func:`value_pool` of its mentions, ``first`` the primary mention (the title's)."""
    order = [first, *sorted(pool, key=lambda m: (not is_document(m), roles.rank(m)))]
    picked = {"title_en": _first(order, english_title), "issuer": _first(order, lambda m: m.get("issuer_printed")),
              "summary": _first(order, lambda m: m.get("text")),
              "url": _first(sorted(pool, key=roles.rank), lambda m: m.get("url"))}
    values = {k: v for k, (v, _) in picked.items()}
    url_from = picked["url"][1]
    values["url_source"] = (f"{url_from['source_id']} {url_from.get('url_locator') or url_from['source_locator']}"
                            if url_from else None)
    return values, [m for _, m in picked.values() if m is not None]


def terms(used: list[dict]) -> tuple[str | None, bool]:
    """(licence, non_commercial) of a policy from the mentions its values were taken from (primary first)."""
    licences = list(dict.fromkeys(m["licence"] for m in used if m.get("licence")))
    return (" | ".join(licences) or None), any(_nc(m) for m in used)


def _date_disagrees(a: dict, b: dict) -> bool:
    da, db = a["issued_on"], b["issued_on"]
    if da is None or db is None:
        return False
    if da.year != db.year:
        return True
    both = min(PRECISION_RANK[a["issued_precision"]], PRECISION_RANK[b["issued_precision"]])
    if both >= 2 and da.month != db.month:
        return True
    return both >= 3 and da.day != db.day


def pick_date(group: list[dict], pid: str, title: str, roles: Roles, flags: list[dict]) -> dict | None:
    """The mention whose date the policy keeps (module docstring; chosen from :func:`value_pool`), or None;
    appends the ``dates_disagree`` and ``sources_disagree`` flags of the mentions (of the whole group) whose
    dates disagree with it."""
    dated = sorted((m for m in value_pool(group) if m["issued_on"] is not None),
                   key=lambda m: (roles.rank(m), -PRECISION_RANK[m["issued_precision"]],
                                  m["context"] != "table", m["source_id"], m["source_locator"]))
    if not dated:
        return None
    date = dated[0]
    odd = [m for m in group if m["issued_on"] is not None and _date_disagrees(date, m)]
    odd.sort(key=lambda m: (roles.rank(m), -PRECISION_RANK[m["issued_precision"]], m["context"] != "table",
                            m["source_id"], m["source_locator"]))
    same = [m for m in odd if roles.of(m) == roles.of(date)]
    if same:
        printed = "; ".join(f"{m['issued_printed']!r} ({m['source_id']} {m['source_locator']})"
                            for m in [date, *same])
        flags.append(flag_row(date["source_id"], "policies", pid, "dates_disagree",
                              f"{title}: mentions print different dates: {printed}; kept "
                              f"{date['issued_printed']!r} (most precise, table first)", date["source_locator"]))
    other = [m for m in odd if roles.of(m) != roles.of(date)]
    if other:
        printed = "; ".join(f"{m['issued_printed']!r} ({roles.where(m)})" for m in [date, *other])
        flags.append(flag_row(date["source_id"], "policies", pid, "sources_disagree",
                              f"{title}: sources print different dates: {printed}; kept "
                              f"{date['issued_printed']!r} ({PRECEDENCE})", date["source_locator"]))
    return date


def _furthest(said: list[tuple[str, dict, str]]) -> str:
    return next(s for s in STAGES if any(v == s for v, _, _ in said))


def pick_status(group: list[dict], revocations: list[dict], pid: str, title: str, roles: Roles,
                flags: list[dict]) -> str | None:
    """The policy's status (module docstring): ``revocations`` are the final ``revokes`` relations naming it
    as the revoked policy. Each role's status is the furthest stage its rows state; the highest role's is
    kept. Appends one ``sources_disagree`` flag when a lower role's status differs, naming the rows that state
    each value (a report that also printed an earlier stage, e.g. a bill's proposal, does not disagree)."""
    said = [(m["status"], m, "prints") for m in group if m.get("status")]
    said += [("revoked", r, "states a revokes relation") for r in revocations]
    if not said:
        return None
    by_rank: dict[int, list] = defaultdict(list)
    for item in said:
        by_rank[roles.rank(item[1])].append(item)
    top = min(by_rank)
    kept = _furthest(by_rank[top])
    stated = [(v, row, how) for rank in sorted(by_rank) for v, row, how in by_rank[rank]
              if v == _furthest(by_rank[rank])]
    if any(v != kept for v, _, _ in stated):
        printed = "; ".join(f"{roles.where(row)} {how} {v!r}" for v, row, how in stated)
        source = stated[0][1]
        flags.append(flag_row(source["source_id"], "policies", pid, "sources_disagree",
                              f"{title}: sources state different statuses: {printed}; kept {kept!r} "
                              f"(a legal record, then a registry, then a report)", source["source_locator"]))
    return kept


def relation_disagreements(rels: list[dict], roles: Roles, titles: dict[str, str], flags: list[dict]) -> None:
    """A ``sources_disagree`` flag (table ``policy_relations``, key: the lower role's relation) for every
    relation of a lower role that names another instrument as revoking (replacing, superseding) a policy than
    the highest role that states one; both relations are kept, the highest role's is canonical. ``titles``
    maps policy ids to titles."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in rels:
        if r["relation"] in EXCLUSIVE_RELATIONS:
            groups[(r["related_policy_id"], r["relation"])].append(r)
    for (target, relation), rs in sorted(groups.items()):
        top = min(roles.rank(r) for r in rs)
        canon = sorted((r for r in rs if roles.rank(r) == top), key=lambda r: (r["source_id"], r["source_locator"]))
        subjects = {r["policy_id"] for r in canon}
        for r in rs:
            if roles.rank(r) == top or r["policy_id"] in subjects:
                continue
            c = canon[0]
            flags.append(flag_row(
                c["source_id"], "policy_relations", r["relation_id"], "sources_disagree",
                f"what {relation} {titles[target]}: the {roles.where(c)} states {titles[c['policy_id']]} "
                f"({c['evidence']!r}); the {roles.where(r)} states {titles[r['policy_id']]} ({r['evidence']!r}); "
                f"both relations kept, the {roles.of(c)}'s is canonical", c["source_locator"]))
