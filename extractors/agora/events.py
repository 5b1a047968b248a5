"""AGORA's dates as ``policy_events``: the stages one row of ``agora/documents.csv`` records, attached to the row's
mention (its provisional policy id).

- ``proposed`` on the Proposed date, when printed, except for the instrument types of settings ``proposed_event``
  (an executive order is never proposed: its Proposed date is its signing) and when it is later than the most
  recent activity (``proposed_after_activity``: AGORA 1137);
- the most recent activity's stage (settings ``activities``: Enacted -> adopted, Proposed -> proposed, Defunct ->
  revoked) on the Most recent activity date; a Proposed activity already dated by the Proposed date gives no
  second ``proposed`` row.

A defunct bill (``bill_event`` null) gives no row at all: how it ended (veto, lapse, withdrawal) is not recorded
and not a stage the contract has, and its proposal alone would read as a bill still pending (the status rules
take the latest stage: SB 1047, vetoed 2024-09-30, would be "proposed").

Each row's text is the record's fields as ``<column>: <value>``, its date as recorded (ISO), its locator the row's.
Terms: AGORA's (settings ``source``), as for the mentions.
"""
from __future__ import annotations

from extractors.core import normalise as nz
from extractors.core.records import Extraction, add_event

from extractors.agora.config import Activity, Settings


def _later(first: str, second: str) -> bool:
    """``first`` is a later date than ``second`` (False when either cannot be read)."""
    try:
        a, b = nz.parse_date(first), nz.parse_date(second)
    except nz.NormaliseError:
        return False
    return bool(a and b and a.value > b.value)


def add_row_events(ex: Extraction, mention: dict, row: dict[str, str], act: Activity | None, settings: Settings,
                   locator: str) -> list[dict]:
    """The ``policy_events`` rows of one AGORA row (module docstring); returns them. A date that cannot be read
    gives a ``date_unreadable`` flag and a NULL date (core.records.add_event)."""
    proposed, latest = row["Proposed date"].strip(), row["Most recent activity date"].strip()
    activity = row["Most recent activity"].strip()
    kind = mention["instrument_type"]
    stage = None if act is None else (act.bill_event if kind == "bill" else act.event)
    if act is not None and stage is None and act.event is not None:
        return []                                   # an end that is no stage: nothing rather than "pending"
    out = []
    if proposed and kind not in settings.no_proposed_event and not (latest and _later(proposed, latest)):
        out.append(add_event(ex, policy_id=mention["policy_id"], event="proposed", printed=proposed,
                             locator=locator, text=f"Proposed date: {proposed}"))
    if stage and latest and not (stage == "proposed" and out):
        out.append(add_event(ex, policy_id=mention["policy_id"], event=stage, printed=latest, locator=locator,
                             text=f"Most recent activity: {activity}; Most recent activity date: {latest}"))
    for e in out:
        e.update(licence=settings.source["licence"], non_commercial=bool(settings.source.get("non_commercial")))
    return out
