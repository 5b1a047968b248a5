"""The stages of an act (``policy_events``) and the links between acts, from what a version records.

Stages of one act, each with its date as recorded and the file (and JSON pointer) stating it:

- ``adopted``: the date of the document (CELLAR ``cdm:work_date_document``; Formex ``DOC.MAIN.PUB/DATE``; a
  related row's ``date``); ``signed``: CELLAR's ``cdm:resource_legal_date_signature`` where recorded;
- ``published``: the Official Journal date (Formex ``BIB.OJ/DATE`` of the issue, else the document's
  ``PUBLICATION.REF/DATE``; else a related row's ``published``);
- ``entered_into_force``: the earliest of CELLAR's ``cdm:resource_legal_date_entry-into-force`` dates;
  ``applies_from``: each later one. CELLAR records several dates for an act whose provisions apply in stages
  (the AI Act: 2024-08-01, then 2025-02-02, 2025-08-02, 2026-08-02, 2027-08-02) but not which provisions each
  date concerns, so ``scope`` stays NULL (the stage is stated for the act, not for a named part);
- ``expired``: CELLAR's end of validity when it is a date (``9999-12-31``, the settings' open end, is none).

Links (:func:`links`): a row of ``related/<base>.json`` (``?act cdm:<property> ?base``) and an amending act's
printed title ("amending Regulations (EU) 2024/1689, ...", when the named act is tracked) give ``<act> amends
<base>`` and so on; the first statement of a link is kept, CELLAR's before a title's. Each link gives the base act
the ``relations`` entry's stage (``amended``, ``corrected``, ``repealed``), dated with the linked act's date of the
document and naming it in ``related_identifier`` (``CELEX:32026R1744``), and a ``policy_relations`` row where the
entry names one. A corrigendum (``32024R1689R(01)``) is a stage of the act it corrects, never an act of its own.

CELLAR does not rewrite a base act's entry-into-force dates when a later act amends it: the dates above are those
of the act as adopted. An amended act therefore gets a ``dates_as_adopted`` flag naming the amending act.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from extractors.core.records import Extraction, add_event

from extractors.eur_lex.acts import Act, Cell, Related
from extractors.eur_lex.config import Settings

_ISO = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})")


def day(value: str | None) -> dt.date | None:
    """The date of a recorded value (``2024-08-01``, ``2024-08-01+02:00``, Formex ``20240712``); None otherwise."""
    m = _ISO.match(value or "")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


def _stage(ex: Extraction, pid: str, event: str, cell: Cell | None, text: str, **extra) -> None:
    if cell is not None:
        on = day(cell.value)
        add_event(ex, policy_id=pid, event=event, printed=cell.value, locator=cell.locator, text=text,
                  on=on, precision="day" if on else None, **extra)


def dated(act: Act) -> tuple[Cell | None, str]:
    """(date of the document, the text stating it) of an act, from the first record that has it."""
    if act.date:
        return act.date, f"cdm:work_date_document {act.date.value}"
    if act.document and act.document.dated:
        return Cell(act.document.dated.iso, act.document_file), act.document.title
    if act.related and act.related.date:
        return Cell(act.related.date, f"{act.related.locator}/date"), f"cdm:work_date_document {act.related.date}"
    return None, ""


def _published(act: Act) -> tuple[Cell | None, str]:
    if act.issue:
        i = act.issue
        return Cell(i.published.iso, act.issue_file), f"OJ {i.collection}, {i.year}/{i.number}, {i.published.printed}"
    if act.document:
        d = act.document
        return Cell(d.published.iso, act.document_file), f"OJ {d.collection}, {d.year}/{d.number}"
    if act.related and act.related.published:
        r = act.related
        return Cell(r.published, f"{r.locator}/published"), f"cdm:official-journal-act_date_publication {r.published}"
    return None, ""


def stages(ex: Extraction, act: Act, pid: str, settings: Settings) -> None:
    """The ``policy_events`` rows of one act's own stages (module docstring)."""
    _stage(ex, pid, "adopted", *dated(act))
    if act.signature:
        _stage(ex, pid, "signed", act.signature, f"cdm:resource_legal_date_signature {act.signature.value}")
    _stage(ex, pid, "published", *_published(act))
    dates = act.entry_force_dates()
    for n, cell in enumerate(dates):
        _stage(ex, pid, "applies_from" if n else "entered_into_force", cell,
               f"cdm:resource_legal_date_entry-into-force {cell.value} ({n + 1} of {len(dates)} recorded dates)")
    end = act.end_validity
    if end and end.value[:10] != settings.open_end:
        _stage(ex, pid, "expired", end, f"cdm:resource_legal_date_end-of-validity {end.value}")


@dataclass(frozen=True)
class Link:
    """``celex`` <relation> ``base`` (a ``relations`` name of the settings), where it is stated and how."""

    base: str
    celex: str
    relation: str
    locator: str
    evidence: str
    date: Cell | None


def oj_number(celex: str) -> str | None:
    """``2024/1689`` for CELEX 32024R1689 (year/number as the Official Journal prints it since 2015)."""
    m = re.fullmatch(r"3(\d{4})[A-Z]{1,2}(\d{4})", celex)
    return f"{m[1]}/{int(m[2])}" if m else None


def links(acts: dict[str, Act], related: list[Related], settings: Settings,
          ex: Extraction) -> list[Link]:
    """The links a version states (module docstring), first statement of each kept; flags: ``relation_unknown``
    (a related row whose relation the settings do not list) and ``untracked_related_documents`` (acts a title
    says the act amends that are not tracked)."""
    out: dict[tuple[str, str, str], Link] = {}
    for row in related:
        rel = settings.relations.get(row.relation)
        if rel is None:
            ex.flag("policy_relations", f"CELEX:{row.celex}", "relation_unknown", f"CELLAR relates {row.celex} to "
                    f"{row.base} as {row.relation!r}, which settings.yaml relations do not list; not read",
                    row.locator)
            continue
        date = Cell(row.date, f"{row.locator}/date") if row.date else None
        out.setdefault((row.base, row.relation, row.celex), Link(
            row.base, row.celex, row.relation, row.locator, f"{row.celex} cdm:{rel.cdm} {row.base}", date))
    by_number = {oj_number(c): c for c in acts if oj_number(c)}
    for celex, act in sorted(acts.items()):
        if act.document is None or "amends" not in settings.relations:
            continue
        untracked = [n for n in act.document.amended if n not in by_number]
        for n in act.document.amended:
            if n in by_number and by_number[n] != celex:
                out.setdefault((by_number[n], "amends", celex), Link(
                    by_number[n], celex, "amends", act.document_file, act.document.title, dated(act)[0]))
        if untracked:
            ex.flag("policy_relations", f"CELEX:{celex}", "untracked_related_documents", f"the title of {celex} "
                    f"says it amends {len(untracked)} act(s) this source does not track, so no policy_relations "
                    f"rows: {', '.join(untracked)}", act.document_file, severity="info")
    return list(out.values())
