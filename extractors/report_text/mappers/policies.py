"""Policy tables: one ``policy_mentions`` row per printed row (表 3-1, 3-4, 3-6, 3-7, 3-10 of document 000)
or per instrument a slide's bullet item names (document 002, 各部會AI法制項目進展), with the ``policy_events``
row of the stage its date column states (spec key ``event``: 表 3-1 發布時間 -> published, 表 3-10 提出時間 ->
introduced) or its item's words state (核備…修訂「…」(111.9) -> amended, read as in prose: prose/stages.py).

Registered in :data:`extractors.report_text.extract.MAPPERS` under ``("policies", None)`` and
``("policies", "bullets")``.
"""
from __future__ import annotations

import re

from extractors.core import normalise as nz
from extractors.core.identifiers import identifier_in
from extractors.core.records import Extraction, SpecError, add_event, add_mention
from extractors.report_text.prose.rules import rules
from extractors.report_text.prose.stages import refine, stages
from extractors.report_text.tables import ReportTable, cell, fill_merged

_ACTION_CELL_RE = re.compile(r"核備|修正|修訂|提報|完成|發布|訂定|公告|研議|推動")
_QUOTED_RE = re.compile(r"「([^「」]+)」|《([^《》]+)》")
_TRAILING_DATE_RE = re.compile(
    r"\s*[((]\s*(?P<date>\d{2,4}\s*[./年]\s*\d{1,2}(?:\s*[./月]\s*\d{1,2})?\s*日?)\s*[))]\s*$")


def instruments_in_cell(text: str) -> list[str]:
    """The instrument names a table cell prints. A cell that reports an action on quoted instruments
    (002's slide rows: ``核備投信投顧公會修正「…作業要點」``, ``期交所及期貨公會完成修正「A」及「B」``) names
    the quoted titles, each returned with its marks as printed; any other cell is one name, returned whole."""
    quoted = [m.group(0) for m in _QUOTED_RE.finditer(text)]
    outside = _QUOTED_RE.sub("", text)
    if quoted and _ACTION_CELL_RE.search(outside):
        return quoted
    return [text]


def map_policies(ex: Extraction, table: ReportTable, spec: dict) -> None:
    """A policy table: one mention per row (issuer merged cells resolved by printed height); a title cell that
    is a meeting's papers (rules/prose.yaml ``meeting_records``: 表 3-7 L1209 會議文件) is flagged, not a row.

    Spec options: ``status`` and ``instrument_type`` for every row (表 3-10: bills, proposed);
    ``issued_pattern``, a regex with groups ``issuer`` and ``issued`` for a date cell that also names the
    sponsor (表 3-10 ``由安哲秀議員作為主要提案人於 2024 年 5 月 31 日提出``); a cell it does not match is
    kept whole as the printed date and flagged ``issued_unsplit``; ``event``, the stage the date column states
    (its header: 發布日期 -> published, 提出時間 -> introduced): see :func:`_date_event`.
    """
    cols = spec["columns"]
    split = re.compile(spec["issued_pattern"]) if spec.get("issued_pattern") else None
    juris = spec.get("jurisdiction") or nz.jurisdiction_in(table.caption.title)
    if not juris:
        raise SpecError(f"source {ex.source_id}: 表 {table.table_id}: no jurisdiction in the caption "
                        f"{table.caption.title!r} and none in the spec")
    issuers = {c: fill_merged(table.rows, cols[c]) for c in spec.get("merged", [])}
    for i, row in enumerate(table.rows):
        title_printed = cell(row, cols["title"])
        locator = table.locator(row)
        if not title_printed:
            ex.flag("policy_mentions", None, "missing_title", f"row without a title: {row.cells}", locator)
            continue
        if rules().meeting_records.search(re.sub(r"\s", "", title_printed)):
            ex.flag("policy_mentions", None, "not_instrument",
                    f"title cell {title_printed!r} is a meeting's papers (rules/prose.yaml meeting_records)", locator,
                    severity="info")
            continue
        issuer = issuers["issuer"][i] if "issuer" in issuers else cell(row, cols.get("issuer"))
        issued = cell(row, cols.get("issued"))
        if split and issued:
            parts = split.fullmatch(issued)
            if parts:
                issuer, issued = parts.group("issuer"), parts.group("issued")
            else:
                ex.flag("policy_mentions", None, "issued_unsplit",
                        f"date cell {issued!r} does not read as sponsor and date; kept whole", locator)
        m = add_mention(ex, jurisdiction=juris, title_printed=title_printed, locator=locator, context="table",
                        issuer=issuer, issued_printed=issued, text=cell(row, cols.get("summary")),
                        status=spec.get("status"), instrument_type=spec.get("instrument_type"),
                        identifier=identifier_in(title_printed))
        if spec.get("event") and issued:
            _date_event(ex, m, spec["event"], issued, cell(row, cols.get("issued")), locator)
        if "issuer" in issuers and not cell(row, cols["issuer"]) and issuer:
            ex.flag("policy_mentions", m["policy_id"], "merged_cell_resolved",
                    f"issuer not printed on this row; assigned {issuer!r} from its merged cell", locator,
                    severity="info")


def _date_event(ex: Extraction, mention: dict, event: str, issued: str, printed_cell: str, locator: str) -> None:
    """The ``policy_events`` row of a row's date (``issued``, the date part of ``printed_cell``): the stage the
    spec names for the column, ``published`` made precise by the mention's type (an executive order's 發布時間
    is its signing: prose/stages.py ``refine``). A date that cannot be read, or prints two dates (表 3-1 NSF
    ``2020年、2023年7月``: which stage is which is not said), gives no row (the mention has a flag)."""
    try:
        parsed = nz.parse_date(issued)
    except nz.NormaliseError:
        return
    if parsed is None or "multiple_dates" in parsed.issues:
        return
    add_event(ex, policy_id=mention["policy_id"], event=refine(event, mention["instrument_type"]), printed=issued,
              locator=locator, text=printed_cell, on=parsed.value, precision=parsed.precision)


def map_policy_bullets(ex: Extraction, table: ReportTable, spec: dict) -> None:
    """A slide that is a real table of policies (document 002, 各部會AI法制項目進展: rows ``[agency, item]``
    from :func:`extractors.report_text.tables.bullet_rows`): one policy mention (context ``table``) per
    instrument the item names (:func:`instruments_in_cell`), the agency as issuer, a trailing ``(112.10)`` as
    the issued date (ROC year.month). Spec keys: ``jurisdiction``, ``status``. The item's words may state a
    stage of a name (``核備…修訂「…」(111.9)``: amended in 111.9), read as in prose (prose/stages.py)."""
    for row in table.rows:
        agency, item = row.cells
        m = _TRAILING_DATE_RE.search(item)
        title = item[:m.start()].strip() if m else item
        named = []
        for name in instruments_in_cell(title):
            mention = add_mention(ex, jurisdiction=spec["jurisdiction"], title_printed=name,
                                  locator=table.locator(row), context="table", issuer=agency,
                                  issued_printed=m.group("date") if m else None, status=spec.get("status"),
                                  text=item, identifier=identifier_in(name))
            at = item.find(name)
            if name != title and at >= 0:        # a name quoted in an action cell: the cell's words may say
                named.append((at, at + len(name), mention))
        stages(ex, item, table.locator(row), named, slide=True)


MAPPERS = {
    ("policies", None): map_policies,
    ("policies", "bullets"): map_policy_bullets,
}
