"""Lists: instruments named by a list rather than a sentence: a spec's declared list sections (``lists``), a
tab-separated list of guidelines (``lists[].columns``) and the document's own title block (``self``)."""
from __future__ import annotations

import re

from extractors.core.identifiers import identifier_in
from extractors.core.records import add_mention
from extractors.report_text.prose.layout import BULLET_RE, Unit
from extractors.report_text.prose.places import juris_of, orgs_in
from extractors.report_text.prose.rules import CJK
from extractors.report_text.prose.titles import accept


def list_item(title: str) -> bool:
    """A line of a declared instrument list: a name, not an organisation or a status line."""
    core = re.sub(r"\s", "", title)
    return len(core) >= 8 and not orgs_in(title) and not re.search(r"預計|已發布|生效", core)


def list_issuer(unit: Unit, lines: list[str]) -> str | None:
    """In a list, the issuer is the nearest preceding line that is only an organisation (``- 金管會``)."""
    top = unit.stack[-1].line if unit.stack else 0
    for n in range(unit.lines[0] - 1, max(top, unit.lines[0] - 15), -1):
        s = BULLET_RE.sub("", lines[n - 1]).strip()
        orgs = orgs_in(s)
        if orgs and orgs[0][2] == s:
            return s
    return None


def tab_list(ex, lines, heading_re, spec_list, spec, seen) -> None:
    """A tab-separated list of instruments under a heading (a study guide's list of guidelines): a
    ``policy_mentions`` row per accepted title (``reference_list``), or a ``jurisdiction_unknown`` flag.
    ``spec_list["columns"]``: the cell index of ``title`` and of ``issuer`` (which may print a date);
    ``seen``: (locator, title) pairs already written, updated."""
    cols = spec_list["columns"]
    inside = False
    for idx, raw in enumerate(lines):
        s = raw.strip()
        if s.startswith("#"):
            inside = bool(heading_re.search(s))
            continue
        if not inside or "\t" not in raw:
            continue
        cells = [c.strip() for c in raw.split("\t")]
        title = cells[cols["title"]] if cols["title"] < len(cells) else ""
        name = re.sub(r"^[^,]*,\s*(?=[A-Z])", "", title) if re.search(r"[A-Za-z]", title) else title
        if not title or not accept(name, True, "list"):
            continue
        issuer_cell = cells[cols["issuer"]] if cols["issuer"] < len(cells) else ""
        juris = juris_of(title) or juris_of(issuer_cell) or spec.get("jurisdiction")
        if juris_of(title) is None and juris_of(issuer_cell) is None and re.search(r"[A-Za-z]{4}", title):
            juris = None                     # a foreign guideline whose country the list does not print
        n = idx + 1
        if not juris:
            ex.flag("policy_mentions", None, "jurisdiction_unknown", f"{title!r}: no country printed",
                    f"L{n}-{n}", severity="info")
            continue
        date = re.search(r"(\d{3}\s*年\s*\d{1,2}\s*月|[A-Z][a-z]+\.? ?\d{1,2}, \d{4}|\d{4})", issuer_cell)
        issued = date.group(1) if date and re.search(r"年", date.group(1)) else None
        # an English date (``Nov. 22, 2023``) is not read by normalise.parse_date: left out
        issuer = re.sub(r"\s*(?:\d{3}\s*年\s*\d{1,2}\s*月版|\(.*\)|（.*）)\s*", "", issuer_cell).strip() or None
        prefix = re.match(r"^([^,]+),\s*(?=[A-Z])", title) if name != title else None
        if prefix:
            issuer = prefix.group(1)           # ``Cabinet Office of UK, Guidance ...``: the issuer prints first
        if (f"L{n}-{n}", name) in seen:
            continue
        seen.add((f"L{n}-{n}", name))
        add_mention(ex, jurisdiction=juris, title_printed=name, locator=f"L{n}-{n}", context="reference_list",
                    title_en=name if not re.search(rf"[{CJK}]", name) else None,
                    issuer=issuer, issued_printed=issued, text=raw.strip(),
                    status="proposed" if "草案" in title else None, identifier=identifier_in(name))


def self_title(ex, lines: list[str], spec: dict, seen: set) -> None:
    """The document's own title block (``self: {until: <line pattern>, issuer: <line pattern>, status}``): a
    programme plan names itself; one ``heading`` mention of the spec's ``jurisdiction``, added to ``seen``."""
    cfg = spec["self"]
    until = re.compile(cfg["until"])
    parts, first, last = [], None, None
    for idx, raw in enumerate(lines):
        s = raw.strip()
        if not s:
            continue
        if until.search(s):
            break
        first = first or idx + 1
        last = idx + 1
        parts.append(s)
    if not parts:
        return
    issuer_re = re.compile(cfg.get("issuer", r"^$"))
    title_parts = [p for p in parts if not issuer_re.search(p) and not re.search(r"^\(.*\)$|^\d{3}年", p)]
    title = "".join(title_parts)
    issuer = next((p for p in parts if issuer_re.search(p)), None)
    date = next((p for p in parts if re.search(r"^\d{3}\s*年\s*\d{1,2}\s*月$", p)), None)
    locator = f"L{first}-{last}"
    seen.add((locator, title))
    add_mention(ex, jurisdiction=spec.get("jurisdiction"), title_printed=title, locator=locator,
                context="heading", issuer=issuer, issued_printed=date, text=" ".join(parts),
                status=cfg.get("status"), identifier=identifier_in(title))
