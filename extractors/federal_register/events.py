"""Federal Register documents -> ``policy_events``: the stages the records state, each attached to the mention of
its document (the provisional policy id of :func:`extractors.federal_register.extract._mention`'s row).

- **signed**: the document JSON's ``signing_date`` (locator ``#/signing_date``); from a full text alone, the
  ``<EXECORDR>`` date ("Executive Order 14110 of October 30, 2023", its line).
- **published**: the JSON's ``publication_date``, with its ``citation`` in text (``#/publication_date``); from a
  full text alone, the date in its URL path (``.../xml/2023/11/01/2023-24283.xml``: the file prints none), with
  the citation composed as for the mention (88 FR 75191).
- **revoked**: from the revoked order's disposition note ("Revoked by: EO 14148, January 20, 2025"), dated as the
  note prints; from the revoking order's full text (EO 14148 sec. 2, item (ggg) names EO 14110), dated the
  revoking order's signing date.

A revocation is an event of the *revoked* order, so it is written only for an order this source has a mention of
(EO 14148 revokes 77 documents; one, EO 14110, is tracked); ``related_policy_id`` is the revoking order's
provisional id when it is tracked too, ``related_identifier`` its number (``EO 14148``) in any case. A revocation
"in part" (``notes.py``: kept as ``amends``) is ``amended``; supersession is not a stage of the contract and
gives no event (its relation row says it). One revocation stated by both the full text and a note is one event,
the full text's (it is read first).
"""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from extractors.core.records import Extraction, add_event
from extractors.federal_register import fulltext

_URL_DATE_RE = re.compile(r"/(\d{4})/(\d{2})/(\d{2})/")
_STAGES = {"revokes": "revoked", "amends": "amended"}


def signed(doc) -> tuple[str, date, str, str] | None:
    """(printed, date, locator, text) of a document's signing, or None when its files give no date."""
    if doc.data is not None:
        printed = doc.data.get("signing_date")
        return (printed, date.fromisoformat(printed), f"{doc.json_name} #/signing_date",
                f"signing_date: {printed}") if printed else None
    t = doc.text
    iso = fulltext.iso_date(t.signed_printed) if t else None
    if not iso:
        return None
    line = f" L{t.order_line_no}" if t.order_line_no else ""
    return t.signed_printed, date.fromisoformat(iso), f"{doc.xml_name}{line}", t.order_line or t.signed_printed


def _published(ex: Extraction, doc, policy: str, cite: str | None) -> None:
    if doc.data is not None:
        printed = doc.data.get("publication_date")
        if printed:
            citation = doc.data.get("citation")
            add_event(ex, policy_id=policy, event="published", printed=printed,
                      locator=f"{doc.json_name} #/publication_date", on=date.fromisoformat(printed), precision="day",
                      text=f"publication_date: {printed}" + (f"; citation: {citation}" if citation else ""))
        return
    m = _URL_DATE_RE.search(urlsplit(doc.xml_url or "").path)
    if m:
        add_event(ex, policy_id=policy, event="published", printed="/".join(m.groups()), locator=doc.xml_name,
                  on=date(*map(int, m.groups())), precision="day",
                  text=f"{doc.xml_url}" + (f" ({cite})" if cite else ""))


def add_document_events(ex: Extraction, doc, mention: dict, cite: str | None) -> None:
    """The signed and published events of one document (module docstring)."""
    s = signed(doc)
    if s:
        add_event(ex, policy_id=mention["policy_id"], event="signed", printed=s[0], locator=s[2], text=s[3],
                  on=s[1], precision="day")
    _published(ex, doc, mention["policy_id"], cite)


def _revocation_date(s: fulltext.Statement, docs_by_eo: dict) -> tuple[str, date] | None:
    """The date of a revocation: the one a note prints after the revoking order ("EO 14148, January 20, 2025"),
    else the revoking order's signing date when this source has its files."""
    iso = fulltext.iso_date(s.related_printed) if s.locator.endswith("#/disposition_notes") else None
    if iso:
        return fulltext.printed_date(s.related_printed), date.fromisoformat(iso)
    revoking = docs_by_eo.get(s.subject or "")
    found = signed(revoking) if revoking is not None else None
    return (found[0], found[1]) if found else None


def add_revocations(ex: Extraction, statements: list[fulltext.Statement], by_eo: dict[str, dict],
                    docs_by_eo: dict) -> None:
    """A ``revoked`` (or ``amended``) event on each tracked order another order revokes (module docstring).
    ``statements``: full texts' first, then the notes'; ``by_eo``: EO number -> mention row; ``docs_by_eo``:
    EO number -> Document."""
    seen: set[tuple] = set()
    for s in statements:
        stage, target = _STAGES.get(s.relation), by_eo.get(s.object or "")
        if stage is None or target is None or s.subject == s.object:
            continue
        key = (s.object, s.subject, stage)
        when = _revocation_date(s, docs_by_eo)
        if key in seen or when is None:
            continue
        seen.add(key)
        revoking = by_eo.get(s.subject or "")
        add_event(ex, policy_id=target["policy_id"], event=stage, printed=when[0], locator=s.locator,
                  text=s.evidence, related_policy_id=revoking["policy_id"] if revoking else None,
                  related_identifier=f"EO {s.subject}" if s.subject else s.related_printed, on=when[1],
                  precision="day")
