"""Federal Register snapshot -> ``policy_mentions``, ``policy_relations`` and ``quality_flags`` (offline).

**Mentions.** One ``policy_mentions`` row per tracked document (context ``record``, jurisdiction ``US``), from
its document JSON when the version has one (locator ``documents/<n>.json``), else from its full-text XML
(locator ``full_text/<n>.xml L<line of "Executive Order N of ...">``):

| column | from the document JSON | from the full text alone |
|---|---|---|
| title_printed | ``title`` | ``<HD SOURCE="HED">`` |
| identifier | ``EO <executive_order_number>`` (a string in the API) | ``EO <n>`` of ``<EXECORDR>`` |
| issued_printed | ``signing_date`` (ISO, as the API gives it) | the ``<EXECORDR>`` date ("October 30, 2023") in ISO |
| issuer_printed | ``agencies[].name`` ("Executive Office of the President") | ``<PRES>`` ("The President") if printed |
| text | ``abstract``, else ``toc_doc`` | ``<EXECORDR>`` and the citation: "... (90 FR 8741)" |
| url | ``html_url`` | the full text's URL |
| instrument_type | ``subtype`` via ``rules.yaml`` | the document element (``EXECORD``) via ``rules.yaml`` |
| status | ``revoked`` when its disposition notes say "Revoked by", else ``adopted`` | ``adopted`` |

The citation of a full text read alone is composed: volume = publication year - 1935 (``rules.yaml``; the
publication date is in the full text's URL), page = its first ``<PRTPAGE>``.

**Events.** ``policy_events`` rows: signed, published and revoked (:mod:`.events`).

**Relations.** ``policy_relations`` rows (``revokes``, ``supersedes``, ``amends``) come from the full texts
(:mod:`.fulltext`: EO 14148 sec. 2 revokes EO 14110) and from the disposition notes (:mod:`.notes`: "Revoked
by: EO 14148"), full texts first; one link stated in both places is one row (same ``relation_id``), with the
full text's evidence. A relation row is written only between two documents this source has mentions for: the
related document is often one the searches do not track (EO 14148 revokes 66 other orders and 11 memoranda,
none about AI). Those are listed in one ``untracked_related_documents`` quality flag (severity info) per
paragraph or note that states them, rather than as mentions made up from a list item.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from extractors.core.records import Extraction, add_mention, relation_id
from extractors.core.snapshots import Snapshot
from extractors.federal_register import events, fulltext, notes
from extractors.federal_register.config import SOURCE_ID, rules
from extractors.federal_register.fetch import DOCUMENT_FILE, FULL_TEXT_FILE

JURISDICTION = "US"


@dataclass
class Document:
    """One tracked document of a version: its number and what its files say."""

    number: str
    json_name: str | None = None
    data: dict | None = None
    xml_name: str | None = None
    xml_url: str | None = None
    text: fulltext.FullText | None = None

    @property
    def eo_number(self) -> str | None:
        if self.data is not None:
            n = self.data.get("executive_order_number")
            return str(n) if n not in (None, "") else None
        return self.text.eo_number if self.text else None


def read_documents(snapshot: Snapshot) -> dict[str, Document]:
    """{document number: Document} of the version's ``documents/*.json`` and ``full_text/*.xml``."""
    r = rules()
    docs: dict[str, Document] = {}
    for entry in snapshot.files:
        name = entry["name"]
        if m := DOCUMENT_FILE.match(name):
            doc = docs.setdefault(m.group("n"), Document(m.group("n")))
            doc.json_name, doc.data = name, json.loads(snapshot.file(name).read_bytes().decode("utf-8-sig"))
        elif m := FULL_TEXT_FILE.match(name):
            doc = docs.setdefault(m.group("n"), Document(m.group("n")))
            doc.xml_name, doc.xml_url = name, entry.get("url")
            doc.text = fulltext.read(snapshot.file(name).read_bytes(), name, r["subtypes_by_element"],
                                     r["text_cues"])
    return docs


def citation(text: fulltext.FullText, url: str | None) -> str | None:
    """``90 FR 8741`` for a full text published in 2025 (year in its URL ``.../xml/2025/01/31/...``) whose
    first page is 8741; None when either is unknown."""
    parts = urlsplit(url or "").path.split("/")
    year = next((p for p in parts if len(p) == 4 and p.isdigit()), None)
    if year is None or text.first_page is None:
        return None
    return f"{int(year) - int(rules()['first_volume_year']) + 1} FR {text.first_page}"


def _kind(subtype: str | None) -> str:
    types = rules()["instrument_types"]
    return types.get(subtype or "", types["default"])


def _note_statements(doc: Document) -> tuple[list[fulltext.Statement], list[str]]:
    if doc.data is None:
        return [], []
    return notes.read_notes(doc.data.get("disposition_notes"), doc.eo_number,
                            f"{doc.json_name} #/disposition_notes")


def _mention(ex: Extraction, doc: Document) -> dict:
    eo = doc.eo_number
    identifier = f"EO {eo}" if eo else None
    if doc.data is not None:
        d = doc.data
        revoked = any(s.relation == "revokes" and s.object == eo and not s.partial and s.subject != eo
                      for s in _note_statements(doc)[0])
        agencies = "; ".join(a["name"] for a in d.get("agencies") or [] if a.get("name")) or None
        return add_mention(ex, jurisdiction=JURISDICTION, title_printed=d["title"], locator=doc.json_name,
                           context="record", issuer=agencies, issued_printed=d.get("signing_date"),
                           text=d.get("abstract") or d.get("toc_doc"), status="revoked" if revoked else "adopted",
                           instrument_type=_kind(d.get("subtype")), identifier=identifier, url=d.get("html_url"))
    t = doc.text
    cite = citation(t, doc.xml_url)
    line = f" L{t.order_line_no}" if t.order_line_no else ""
    return add_mention(ex, jurisdiction=JURISDICTION, title_printed=t.title or t.order_line or doc.number,
                       locator=f"{doc.xml_name}{line}", context="record", issuer=t.president,
                       issued_printed=fulltext.iso_date(t.signed_printed),
                       text=f"{t.order_line} ({cite})" if t.order_line and cite else t.order_line,
                       status="adopted", instrument_type=_kind(t.subtype), identifier=identifier, url=doc.xml_url)


def _check(ex: Extraction, doc: Document, row: dict) -> None:
    """Flags for a document whose files disagree or lack what a mention needs."""
    if doc.data is not None and doc.text is not None and doc.text.eo_number != doc.eo_number:
        ex.flag("policy_mentions", row["mention_id"], "eo_number_disagrees",
                f"the document JSON gives executive_order_number {doc.eo_number!r}, the full text prints "
                f"{doc.text.order_line!r}", row["source_locator"])
    if doc.eo_number is None and row["instrument_type"] == "executive_order" and (
            (doc.data or {}).get("subtype") == "Executive Order" or (doc.text and doc.text.subtype == "Executive "
                                                                     "Order")):
        ex.flag("policy_mentions", row["mention_id"], "eo_number_missing",
                "an executive order without an executive order number (a correction?)", row["source_locator"])


def extract(snapshot: Snapshot) -> Extraction:
    """Rows of one verified version (module docstring). Deterministic: documents in number order."""
    ex = Extraction(snapshot.source_id or SOURCE_ID)
    docs = read_documents(snapshot)
    by_eo: dict[str, dict] = {}
    docs_by_eo: dict[str, Document] = {}
    statements: list[fulltext.Statement] = []
    note_statements: list[fulltext.Statement] = []
    for number in sorted(docs):
        doc = docs[number]
        row = _mention(ex, doc)
        _check(ex, doc, row)
        events.add_document_events(ex, doc, row, citation(doc.text, doc.xml_url) if doc.text else None)
        if doc.eo_number:
            by_eo.setdefault(doc.eo_number, row)
            docs_by_eo.setdefault(doc.eo_number, doc)
        statements += doc.text.statements if doc.text else []
        found, unread = _note_statements(doc)
        note_statements += found
        for label in unread:
            ex.flag("policy_mentions", row["mention_id"], "disposition_note_unread",
                    f"disposition note label {label!r} is not in rules.yaml note_labels; not read",
                    f"{doc.json_name} #/disposition_notes", severity="info")
    relations(ex, statements + note_statements, by_eo)
    events.add_revocations(ex, statements + note_statements, by_eo, docs_by_eo)
    return ex


def relations(ex: Extraction, statements: list[fulltext.Statement], by_eo: dict[str, dict]) -> None:
    """``policy_relations`` rows for statements between two mentioned orders (first statement of a link kept);
    one ``untracked_related_documents`` flag per stating paragraph or note for the rest."""
    seen: set[str] = set()
    untracked: dict[tuple, list[str]] = defaultdict(list)
    for s in statements:
        a, b = by_eo.get(s.subject or ""), by_eo.get(s.object or "")
        if a is None or b is None:
            known, missing = (a, s.object) if a is not None else (b, s.subject)
            untracked[(s.group, known["mention_id"] if known else None, s.relation)].append(
                f"EO {missing}" if missing else s.related_printed)
            continue
        rid = relation_id(a["policy_id"], s.relation, b["policy_id"])
        if rid in seen or a["policy_id"] == b["policy_id"]:
            continue
        seen.add(rid)
        ex.rows["policy_relations"].append({
            "relation_id": rid, "policy_id": a["policy_id"], "relation": s.relation,
            "related_policy_id": b["policy_id"], "evidence": s.evidence, "source_id": ex.source_id,
            "source_locator": s.locator, "licence": None, "non_commercial": None})
    for (group, mention, relation), names in untracked.items():
        ex.flag("policy_relations", mention, "untracked_related_documents",
                f"'{relation}' stated for {len(names)} document(s) this source does not track, so no "
                f"policy_relations rows: {', '.join(names)}", group, severity="info")
