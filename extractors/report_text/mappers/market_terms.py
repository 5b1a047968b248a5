"""Comparable market figures: the publisher's English name, the forecast's publication date, the printed row group.

Rules in ``extractors/report_text/rules/market.yaml``:

- ``publisher`` becomes the English name the document prints beside the Chinese one (彭博資訊 and Bloomberg
  Intelligence -> Bloomberg Intelligence); ``publisher_printed`` keeps the name as printed. A name the rules do not
  list stays as printed, with an info flag ``publisher_unmapped``.
- ``published_on`` / ``published_precision`` / ``published_printed`` / ``published_locator``: the first document
  line saying the publisher (as printed in the row) published or forecast on a date (``published``), else the year
  of the table's 資料來源 line (``source_note_year``); NULL when neither is printed.
- ``row_group`` / ``row_group_printed``: the group label of the row (表 2-3: merged first column) or column
  (表 2-4: spanning header), see :func:`groups`.

:func:`finish_source` runs after a source's tables are mapped (``extract._SOURCE_STEPS``).
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.core import normalise as nz
from extractors.core.config import require_keys
from extractors.report_text.prose.rules import RULES_DIR


@lru_cache(maxsize=1)
def rules() -> dict:
    """``rules/market.yaml``: ``publishers`` (printed name -> (English name)), ``published`` (a pattern template),
    ``source_note_year`` and ``row_groups`` (printed label -> code). Raises RulesError for a missing key."""
    doc = nz.rules_doc("market", RULES_DIR)
    require_keys(doc, (), None, ("publishers", "published", "source_note_year", "row_groups", "qualifiers"),
                 nz.RulesError)
    names = {printed: p["name"] for p in doc.data["publishers"] for printed in p["printed"]}
    return {"publishers": names, "published": doc.data["published"],
            "source_note_year": re.compile(doc.data["source_note_year"]), "row_groups": doc.data["row_groups"],
            "qualifiers": {k: re.compile(v) for k, v in doc.data["qualifiers"].items()}}


def qualifier_of(before: str, after: str) -> dict:
    """``{"qualifier", "bound"}`` of a running-text figure: the ``qualifiers`` words (``rules/market.yaml``) printed
    at the end of ``before`` (its clause up to the figure) and at the start of ``after``, space-joined as printed,
    and ``lower`` / ``upper`` when they make the printed value a bound (皆超過 5% -> lower); None when none."""
    q = rules()["qualifiers"]
    words = [m.group("q") for m in (q["before"].search(before), q["after"].match(after)) if m]
    text = " ".join(words) or None
    bound = next((b for b in ("lower", "upper") if text and q[b].search(text)), None)
    return {"qualifier": text, "bound": bound}


def groups(labels: list[str | None]) -> list[tuple[str | None, str | None]]:
    """Per row (or column) the (row_group, label as printed) that applies, from the cells that may print a group
    label: a cell naming a label of ``row_groups`` (white space ignored) starts its group; a row without one
    belongs to the last label above it, and rows above the first label to the first label (the merged cell is
    printed on a middle row: 表 2-3 L414 宏觀經濟影響 labels L413-416). (None, None) when no label is printed."""
    known = rules()["row_groups"]
    found = [(i, re.sub(r"\s+", "", c or "")) for i, c in enumerate(labels)]
    found = [(i, lab) for i, lab in found if lab in known]
    out = []
    for i in range(len(labels)):
        above = [lab for j, lab in found if j <= i]
        label = above[-1] if above else (found[0][1] if found else None)
        out.append((known[label], label) if label else (None, None))
    return out


def _note_line(lines: list[str], note: str | None, near: int) -> int | None:
    """The 1-based line printing the table's 資料來源 note nearest to line ``near`` (the same note may be printed
    under several tables and figures)."""
    hits = [n for n, line in enumerate(lines, 1) if note and line.startswith("資料來源") and note in line]
    return min(hits, key=lambda n: abs(n - near)) if hits else None


@lru_cache(maxsize=64)
def _dated_lines(text: str, printed: str) -> tuple[tuple[int, str], ...]:
    """(line number, date as printed) of every line saying ``printed`` published or forecast on a date."""
    pattern = re.compile(rules()["published"].replace("{name}", re.escape(printed)))
    return tuple((n, m.group("date")) for n, line in enumerate(text.split("\n"), 1)
                 if (m := pattern.search(line)))


def _published(lines: list[str], printed: str, note: str | None, near: int) -> dict:
    """The publication date columns for one publisher as printed (see the module docstring)."""
    dated = _dated_lines("\n".join(lines), printed)
    if dated:
        n, printed_date = dated[0]
        date = nz.parse_date(printed_date)
        return {"published_on": date.value, "published_precision": date.precision,
                "published_printed": printed_date, "published_locator": f"L{n}"}
    m = rules()["source_note_year"].search(note or "")
    line = _note_line(lines, note, near)
    if m and line:
        return {"published_on": nz.parse_date(m.group("year") + "年").value, "published_precision": "year",
                "published_printed": m.group(0), "published_locator": f"L{line}"}
    return {"published_on": None, "published_precision": None, "published_printed": None,
            "published_locator": None}


def _date(ex, row: dict, lines: list[str], printed: str, notes: dict) -> None:
    """Fill a row's publication date columns (module docstring); flag a publisher dated differently by lines."""
    note, near = notes.get(row["source_locator"].split(" ")[1], (None, 0)) \
        if row["source_locator"].startswith("表 ") else (None, 0)
    row.update(_published(lines, printed, note, near))
    dated = _dated_lines("\n".join(lines), printed)
    if len({re.sub(r"\s+", "", d) for _, d in dated}) > 1:
        ex.flag("market_figures", row["record_id"], "published_dates_differ",
                f"{printed} is said to publish on " + ", ".join(f"{d} (L{n})" for n, d in dated)
                + f"; published_on uses L{dated[0][0]}", row["source_locator"], severity="info")


def finish_source(ex, tables, tspecs, lines, spec) -> None:
    """Give every ``market_figures`` row of the source its English publisher and publication date; rows a
    mapper gave no group get NULL ``row_group``."""
    notes = {t.table_id: (t.source_note, t.body_lines[0]) for t in tables}
    names = rules()["publishers"]
    for row in ex.rows.get("market_figures", []):
        printed = row["publisher"]
        row["publisher_printed"] = printed
        row["publisher"] = names.get(printed, printed)
        if printed not in names:
            ex.flag("market_figures", row["record_id"], "publisher_unmapped",
                    f"publisher {printed!r} has no English name in rules/market.yaml; kept as printed",
                    row["source_locator"], severity="info")
        if "published_on" not in row:      # market_clauses dates its rows from their own paragraphs
            _date(ex, row, lines, printed, notes)
        row.setdefault("row_group", None)
        row.setdefault("qualifier", None)
        row.setdefault("bound", None)
        row.setdefault("row_group_printed", None)
