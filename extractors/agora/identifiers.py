"""The one identifier an AGORA mention carries (``policy_mentions.identifier``): the official one where AGORA's
names print it, else the AGORA ID.

A mention has one identifier column, and resolution joins mentions that share one, so the official number wins:
an AGORA row naming "EO 14110" joins the Federal Register's record of the order and a report's mention of it;
the AGORA ID stays in the mention's text ("AGORA ID: 307") and its locator names the row. Read, in this order:

- an executive order number printed in the Official name, else in the Casual name: "Executive Order 14110",
  "E.O. 14110", "(EO 14141)" -> ``EO 14110`` (the Federal Register's executive_order_number);
- an EU act whose Official name starts with its number: "REGULATION (EU) 2024/1689 OF ..." ->
  ``CELEX:32024R1689`` (CELEX sector 3, year, R regulation / L directive / D decision, number padded to 4
  digits; "(EU) No 1025/2012", the pre-2015 order, is number/year). Acts named later in the title (the ones it
  amends) are not the document's own number.
"""
from __future__ import annotations

import re

EO_RE = re.compile(r"\b(?:Executive Order|E\.O\.|EO)(?: No\.?)? ?(\d{4,5})\b", re.IGNORECASE)
EU_ACT_RE = re.compile(r"^\s*(REGULATION|DIRECTIVE|DECISION) \((?:EU|EC|EU, Euratom)\) (No )?(\d+)/(\d+)\b",
                       re.IGNORECASE)
CELEX_TYPES = {"regulation": "R", "directive": "L", "decision": "D"}


def executive_order(*names: str) -> str | None:
    """``EO <n>`` from the first name that prints an executive order number, else None."""
    for name in names:
        m = EO_RE.search(name or "")
        if m:
            return f"EO {int(m.group(1))}"
    return None


def celex(official_name: str) -> str | None:
    """``CELEX:3<year><R|L|D><number>`` of an EU act whose official name starts with its number, else None."""
    m = EU_ACT_RE.match(official_name or "")
    if not m:
        return None
    kind, old_order, a, b = m.groups()
    year, number = (b, a) if old_order else (a, b)
    if len(year) != 4:
        return None
    return f"CELEX:3{year}{CELEX_TYPES[kind.lower()]}{int(number):04d}"


def identifier(agora_id: str, official_name: str, casual_name: str) -> str:
    """The mention's identifier: ``EO <n>``, else ``CELEX:...``, else ``AGORA:<id>`` (see module docstring)."""
    return executive_order(official_name, casual_name) or celex(official_name) or f"AGORA:{int(agora_id)}"
