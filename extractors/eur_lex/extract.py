"""The rows of one ``eur_lex`` version: one ``policy_mentions`` row per act, its ``policy_events``, the
``policy_relations`` between tracked acts, and quality flags. Deterministic and offline (acts in CELEX order).

A mention (context ``record``, jurisdiction ``EU``):

- ``title_printed`` / ``title`` / ``title_en``: the title the Official Journal prints (Formex, without the "Text
  with EEA relevance" footnote) where the version has it, else CELLAR's English expression title, else a related
  row's title; as printed (a NO-BREAK SPACE stays). The AI Act's OJ title ends "(Artificial Intelligence Act)",
  the short title the reports print in English (001 L325), so the resolver's rule 1c joins it to them as well as
  rule 0 does through AGORA's CELEX:32024R1689;
- ``identifier`` ``CELEX:<celex>``; ``url`` the ELI as recorded (``http://data.europa.eu/eli/reg/2024/1689/oj``,
  CELLAR's, else Formex's ``NO.ELI``), else the settings' EUR-Lex page by CELEX;
- ``issued_printed``: the date of the document in ISO form (CELLAR records it so; a Formex ``20260708`` is
  written ``2026-07-08``, as the Federal Register source writes a printed date);
- ``instrument_type``: the settings' table on CELLAR's resource type (or Formex ``LEGAL.VALUE``): REG ->
  regulation;
- ``status``: ``revoked`` when a tracked act repeals it or CELLAR says it is not in force and records an end of
  validity; else ``adopted``;
- ``text``: the record's facts as ``<field>: <value>`` pairs (CELEX, ELI, resource type, in force, date of the
  document, every entry-into-force date, end of validity, Official Journal), values as recorded.

Stages and links: :mod:`extractors.eur_lex.lifecycle`. An act without any title is left out with a
``record_incomplete`` flag. Flags: ``dates_as_adopted`` (info) on an amended act; ``formex_number_disagrees``
(warning) when the Formex OJ number is not the act's CELEX number; ``relation_unknown``,
``untracked_related_documents`` (:func:`lifecycle.links`).
"""
from __future__ import annotations

from extractors.core.records import Extraction, add_event, add_mention, relation_id
from extractors.core.snapshots import Snapshot

from extractors.eur_lex import config, lifecycle
from extractors.eur_lex.acts import Act, read
from extractors.eur_lex.config import SOURCE_ID, Settings

JURISDICTION = "EU"
NOT_IN_FORCE = ("0", "false")


def _title(act: Act) -> tuple[str | None, str | None]:
    """(title as printed, locator) from the Official Journal, else CELLAR, else a related row."""
    if act.document and act.document.title:
        return act.document.title, act.document_file
    if act.title:
        return act.title.value, act.title.locator
    if act.related and act.related.title:
        return act.related.title, f"{act.related.locator}/title"
    return None, None


def _facts(act: Act) -> str:
    facts = [f"CELEX: {act.celex}"]
    eli = act.eli.value if act.eli else (act.document.eli if act.document else None)
    pairs = (("ELI", eli), ("resource type", act.rtype), ("in force", act.force.value if act.force else None),
             ("date of the document", date.value if (date := lifecycle.dated(act)[0]) else None),
             ("entry into force", ", ".join(c.value for c in act.entry_force_dates()) or None),
             ("end of validity", act.end_validity.value if act.end_validity else None))
    facts += [f"{k}: {v}" for k, v in pairs if v]
    if act.issue:
        facts.append(f"Official Journal: {act.issue.collection} {act.issue.year}/{act.issue.number}, "
                     f"{act.issue.published.printed}")
    return "; ".join(facts)


def _status(act: Act, repealed: bool, settings: Settings) -> str:
    ended = act.end_validity is not None and act.end_validity.value[:10] != settings.open_end
    not_in_force = act.force is not None and act.force.value.strip().lower() in NOT_IN_FORCE
    return "revoked" if repealed or (not_in_force and ended) else "adopted"


def _mention(ex: Extraction, act: Act, repealed: bool, settings: Settings) -> dict | None:
    title, locator = _title(act)
    if not title:
        where = act.record or (act.related.locator if act.related else act.celex)
        ex.flag("policy_mentions", f"CELEX:{act.celex}", "record_incomplete", f"no title recorded for "
                f"{act.celex}; left out", where.split(" #")[0])
        return None
    date = lifecycle.dated(act)[0]
    issued = lifecycle.day(date.value) if date else None
    eli = act.eli.value if act.eli else (act.document.eli if act.document else None)
    kind = act.rtype or (act.document.legal_value if act.document else None) or (
        act.related.type if act.related else None)
    return add_mention(ex, jurisdiction=JURISDICTION, title_printed=title, locator=locator, context="record",
                       issued_printed=issued.isoformat() if issued else None, text=_facts(act),
                       status=_status(act, repealed, settings), instrument_type=settings.instrument_type(kind),
                       title_en=title, identifier=f"CELEX:{act.celex}",
                       url=eli or settings.celex_url.format(celex=act.celex))


def _check_number(ex: Extraction, act: Act, row: dict) -> None:
    expected = lifecycle.oj_number(act.celex)
    for what, found, where in (("document", act.document, act.document_file), ("issue", act.issue, act.issue_file)):
        if found is not None and expected and f"{found.year}/{int(found.number)}" != expected:
            ex.flag("policy_mentions", row["mention_id"], "formex_number_disagrees", f"the Formex {what} is OJ "
                    f"{found.year}/{found.number}, not {expected} (CELEX {act.celex})", where)


def _link_rows(ex: Extraction, link: lifecycle.Link, mentions: dict[str, dict], settings: Settings) -> None:
    rel = settings.relations[link.relation]
    base, other = mentions.get(link.base), mentions.get(link.celex)
    if base is not None and rel.event:
        on = lifecycle.day(link.date.value) if link.date else None
        add_event(ex, policy_id=base["policy_id"], event=rel.event, printed=link.date.value if link.date else None,
                  locator=link.locator, text=link.evidence, related_policy_id=other["policy_id"] if other else None,
                  related_identifier=f"CELEX:{link.celex}", on=on, precision="day" if on else None)
    if base is not None and other is not None and rel.relation:
        ex.rows["policy_relations"].append({
            "relation_id": relation_id(other["policy_id"], rel.relation, base["policy_id"]),
            "policy_id": other["policy_id"], "relation": rel.relation, "related_policy_id": base["policy_id"],
            "evidence": link.evidence, "source_id": ex.source_id, "source_locator": link.locator,
            "licence": None, "non_commercial": None})
    if base is not None and link.relation == "amends":
        ex.flag("policy_mentions", base["mention_id"], "dates_as_adopted", f"amended by CELEX:{link.celex}: the "
                f"entry-into-force dates CELLAR records for {link.base} are those of the act as adopted; dates the "
                "amending act changes are not in this record", link.locator, severity="info")


def extract(snapshot: Snapshot) -> Extraction:
    """Rows of one verified version (module docstring). Raises SchemaDrift or FormexError when a recorded file
    cannot be read."""
    settings = config.load()
    ex = Extraction(SOURCE_ID)
    acts, related = read(snapshot, settings)
    found = lifecycle.links(acts, related, settings, ex)
    repealed = {k.base for k in found if settings.relations[k.relation].event == "repealed"}
    mentions: dict[str, dict] = {}
    for celex, act in sorted(acts.items()):
        row = _mention(ex, act, celex in repealed, settings)
        if row is None:
            continue
        mentions[celex] = row
        _check_number(ex, act, row)
        lifecycle.stages(ex, act, row["policy_id"], settings)
    for link in found:
        _link_rows(ex, link, mentions, settings)
    return ex
