"""Tidy stage: a source's spec + its snapshot -> report tables as printed -> dataset rows and quality flags.

``extract_source`` is the one entry point (one call per source, one Airflow mapped task per source).
The spec (``specs/<source_id>.yaml``) says which captioned tables feed which dataset table and what each
column means; the mappers below are shared by all sources.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

import schemas
from extractors import normalise as nz
from extractors.report_tables import (CAPTION_RE, ReportTable, Row, caption_id, fill_merged, find_captions,
                                     find_tables)
from extractors.snapshots import Snapshot

SPECS_DIR = Path(__file__).with_name("specs")
# Every table of the contract; ``policies`` is built later from all sources' mentions (extractors/resolve.py).
DATASET_TABLES = tuple(schemas.tables())
_TOTAL_TOLERANCE = 0.005    # relative; printed figures are rounded to one decimal


class SpecError(ValueError):
    """A spec that names an unknown target or column; the message names source and table."""


@dataclass
class Extraction:
    """Rows per dataset table for one source (plain dicts, keyed by contract column names)."""

    source_id: str
    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in DATASET_TABLES})

    def flag(self, table_name: str, record_key: str | None, check: str, detail: str, locator: str,
             severity: str = "warning") -> None:
        key = f"{self.source_id}|{table_name}|{record_key}|{check}|{locator}|{detail}"
        self.rows["quality_flags"].append({
            "flag_id": "flag-" + hashlib.sha1(key.encode()).hexdigest()[:12],
            "table_name": table_name, "record_key": record_key, "check_name": check,
            "severity": severity, "detail": detail, "source_id": self.source_id, "source_locator": locator,
        })


def load_spec(source_id: str) -> dict | None:
    """The spec of a source, or None when the source has no tables mapped yet."""
    path = SPECS_DIR / f"{source_id}.yaml"
    if not path.exists():
        return None
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    if spec.get("source_id") != source_id:
        raise SpecError(f"{path.name}: source_id {spec.get('source_id')!r} does not match the file name")
    return spec


def load_prose_spec(source_id: str) -> dict:
    """How a source's running text is read for policy mentions (``specs/<source_id>.prose.yaml``), or {}."""
    path = SPECS_DIR / f"{source_id}.prose.yaml"
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}


def policy_id(jurisdiction: str, title: str) -> str:
    """Stable id of a policy: jurisdiction + title in Traditional script without spaces or title marks."""
    key = re.sub(r"[\s《》「」『』〈〉()()]", "", nz.to_traditional(title))
    return "pol-" + hashlib.sha1(f"{jurisdiction}|{key}".encode()).hexdigest()[:12]


def _strip_title_marks(title: str) -> str:
    t = title.strip()
    pairs = {"《": "》", "「": "」", "『": "』"}
    if len(t) > 2 and t[0] in pairs and t.endswith(pairs[t[0]]) and t.count(t[0]) == 1:
        return t[1:-1].strip()
    return t


def _publisher(note: str | None) -> str | None:
    """Publisher from a 資料來源 line: ``WIPO (2024)。`` -> ``WIPO``; several names are kept joined."""
    if not note:
        return None
    text = re.sub(r"[((]\s*[\d、,\s]+[))]", "", note).strip(" 。.")
    return text or None


def _cell(row: Row, col: int | None) -> str | None:
    if col is None or col >= len(row.cells):
        return None
    return row.cells[col]


# --- mappers -----------------------------------------------------------------------------------

def mention_id(source_id: str, locator: str, title_printed: str) -> str:
    """Stable id of one naming of a policy: source, locator and the printed title."""
    return "men-" + hashlib.sha1(f"{source_id}|{locator}|{title_printed}".encode()).hexdigest()[:12]


def add_mention(ex: Extraction, *, jurisdiction: str, title_printed: str, locator: str, context: str,
                issuer: str | None = None, issued_printed: str | None = None, text: str | None = None,
                status: str | None = None, instrument_type: str | None = None,
                title_en: str | None = None) -> dict:
    """Append one ``policy_mentions`` row (date read, type inferred, provisional policy id); returns it.

    The provisional ``policy_id`` hashes jurisdiction + title; extractors/resolve.py merges variant titles of
    one instrument afterwards. A date that cannot be read, or reads with issues, becomes a quality flag.
    """
    title = _strip_title_marks(title_printed)
    pid = policy_id(jurisdiction, title)
    try:
        parsed = nz.parse_date(issued_printed)
    except nz.NormaliseError as exc:
        ex.flag("policy_mentions", pid, "date_unreadable", str(exc), locator)
        parsed = None
    for issue in parsed.issues if parsed else ():
        ex.flag("policy_mentions", pid, f"date_{issue}",
                f"issued date printed as {issued_printed!r}; read as {parsed.value.isoformat()} "
                f"({parsed.precision})", locator)
    kind = instrument_type or nz.instrument_type(title)
    row = {
        "mention_id": mention_id(ex.source_id, locator, title_printed), "policy_id": pid,
        "source_id": ex.source_id, "source_locator": locator, "context": context,
        "jurisdiction": jurisdiction, "title_printed": title_printed, "title": title, "title_en": title_en,
        "issuer_printed": issuer, "issued_printed": issued_printed,
        "issued_on": parsed.value if parsed else None, "issued_precision": parsed.precision if parsed else None,
        "instrument_type": kind, "status": status or ("proposed" if kind == "bill" else None), "text": text,
    }
    ex.rows["policy_mentions"].append(row)
    return row


_ACTION_CELL_RE = re.compile(r"核備|修正|修訂|提報|完成|發布|訂定|公告|研議|推動")
_QUOTED_RE = re.compile(r"「([^「」]+)」|《([^《》]+)》")


def instruments_in_cell(cell: str) -> list[str]:
    """The instrument names a table cell prints. A cell that reports an action on quoted instruments
    (002's slide rows: ``核備投信投顧公會修正「…作業要點」``, ``期交所及期貨公會完成修正「A」及「B」``) names
    the quoted titles, each returned with its marks as printed; any other cell is one name, returned whole."""
    quoted = [m.group(0) for m in _QUOTED_RE.finditer(cell)]
    outside = _QUOTED_RE.sub("", cell)
    if quoted and _ACTION_CELL_RE.search(outside):
        return quoted
    return [cell]


def _map_policies(ex: Extraction, table: ReportTable, spec: dict) -> None:
    """A policy table: one mention per row (issuer merged cells resolved by printed height).

    Spec options: ``status`` and ``instrument_type`` for every row (表 3-10: bills, proposed);
    ``issued_pattern``, a regex with groups ``issuer`` and ``issued`` for a date cell that also names the
    sponsor (表 3-10 ``由安哲秀議員作為主要提案人於 2024 年 5 月 31 日提出``); a cell it does not match is
    kept whole as the printed date and flagged ``issued_unsplit``.
    """
    cols = spec["columns"]
    split = re.compile(spec["issued_pattern"]) if spec.get("issued_pattern") else None
    juris = spec.get("jurisdiction") or nz.jurisdiction_in(table.caption.title)
    if not juris:
        raise SpecError(f"source {ex.source_id}: 表 {table.table_id}: no jurisdiction in the caption "
                        f"{table.caption.title!r} and none in the spec")
    issuers = {c: fill_merged(table.rows, cols[c]) for c in spec.get("merged", [])}
    for i, row in enumerate(table.rows):
        title_printed = _cell(row, cols["title"])
        locator = table.locator(row)
        if not title_printed:
            ex.flag("policy_mentions", None, "missing_title", f"row without a title: {row.cells}", locator)
            continue
        issuer = issuers["issuer"][i] if "issuer" in issuers else _cell(row, cols.get("issuer"))
        issued = _cell(row, cols.get("issued"))
        if split and issued:
            parts = split.fullmatch(issued)
            if parts:
                issuer, issued = parts.group("issuer"), parts.group("issued")
            else:
                ex.flag("policy_mentions", None, "issued_unsplit",
                        f"date cell {issued!r} does not read as sponsor and date; kept whole", locator)
        m = add_mention(ex, jurisdiction=juris, title_printed=title_printed, locator=locator, context="table",
                        issuer=issuer, issued_printed=issued, text=_cell(row, cols.get("summary")),
                        status=spec.get("status"), instrument_type=spec.get("instrument_type"))
        if "issuer" in issuers and not _cell(row, cols["issuer"]) and issuer:
            ex.flag("policy_mentions", m["policy_id"], "merged_cell_resolved",
                    f"issuer not printed on this row; assigned {issuer!r} from its merged cell", locator,
                    severity="info")


def _period_from_caption(table: ReportTable) -> tuple[int, int]:
    m = re.search(r"(\d{4})\s*年?\s*(?:至|-|–|~)\s*(\d{4})", table.caption.title)
    if not m:
        raise SpecError(f"表 {table.table_id}: no period (YYYY 年至 YYYY 年) in the caption")
    return int(m.group(1)), int(m.group(2))


def _map_patents(ex: Extraction, table: ReportTable, spec: dict) -> None:
    cols = spec["columns"]
    start, end = _period_from_caption(table)
    publisher = _publisher(table.source_note)
    if not publisher:
        raise SpecError(f"source {ex.source_id}: 表 {table.table_id}: no 資料來源 line for the publisher")
    for row in table.rows:
        locator = table.locator(row)
        applicant = None
        if "applicant" in cols:
            printed = _cell(row, cols["applicant"]) or ""
            m = re.fullmatch(r"(.+?)\s*[((]\s*([^()()]+?)\s*[))]", printed)
            if not m:
                ex.flag("patent_counts", None, "applicant_unreadable",
                        f"expected 'applicant (country)', printed {printed!r}", locator)
                continue
            applicant, country = m.group(1), m.group(2)
        else:
            country = _cell(row, cols["jurisdiction"]) or ""
        juris = nz.jurisdiction(country)
        rank_text = _cell(row, cols.get("rank"))
        ex.rows["patent_counts"].append({
            "record_id": f"{ex.source_id}:{table.table_id}:{juris}:{applicant or '*'}",
            "jurisdiction": juris, "applicant": applicant, "period_start": start, "period_end": end,
            "patent_families": int(nz.parse_number(_cell(row, cols["patent_families"]) or "")),
            "rank": int(nz.parse_number(rank_text)) if rank_text else None,
            "basis": spec["basis"], "publisher": publisher,
            "source_id": ex.source_id, "source_locator": locator,
        })


def _figure(ex: Extraction, table: ReportTable, row: Row, *, record_id: str, scope: str, metric: str,
            segment: str | None, printed: str, header_unit: str | None, period: tuple, publisher: str,
            direction: str | None = None) -> dict | None:
    locator = table.locator(row)
    try:
        low, high, unit_text = nz.parse_range(printed)
        unit = nz.parse_unit(unit_text or header_unit or "")
    except nz.NormaliseError as exc:
        ex.flag("market_figures", record_id, "value_unreadable", f"{exc} (printed {printed!r})", locator)
        return None
    base = unit.multiplier
    return {
        "record_id": record_id, "scope": scope, "metric": metric, "segment": segment,
        "period_start": period[0], "period_end": period[1], "period_basis": period[2],
        "value_low": low, "value_high": high, "unit": unit.printed, "currency": unit.currency,
        "value_low_base": low * base if base else None, "value_high_base": high * base if base else None,
        "direction": direction, "value_printed": printed, "publisher": publisher,
        "source_id": ex.source_id, "source_locator": locator,
    }


def _header_period_and_unit(header_text: str) -> tuple[tuple, str | None]:
    unit = None
    m = re.search(r"[((]\s*([^()()]+?)\s*[))]\s*$", header_text)
    if m:
        unit = m.group(1)
        header_text = header_text[:m.start()]
    years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", header_text)]
    if len(years) >= 2:
        return (years[0], years[1], "period"), unit
    if len(years) == 1:
        return (years[0], years[0], "point"), unit
    return (None, None, None), unit


def _check_totals(ex: Extraction, table: ReportTable, figures: list[dict], total_segment: str) -> None:
    """Compare the sum of segment figures with the printed total, per column; a mismatch is a flag."""
    by_col: dict[tuple, dict] = {}
    for fig in figures:
        key = (fig["metric"], fig["period_start"], fig["period_end"])
        slot = by_col.setdefault(key, {"parts": [], "total": None})
        if fig["segment"] is None:
            slot["total"] = fig
        else:
            slot["parts"].append(fig)
    for (metric, start, end), slot in sorted(by_col.items(), key=lambda kv: str(kv[0])):
        total = slot["total"]
        if total is None or total["unit"] == "%" or total["value_low"] != total["value_high"]:
            continue  # growth rates and ranges do not add up
        summed = sum(p["value_low"] for p in slot["parts"])
        if abs(summed - total["value_low"]) > _TOTAL_TOLERANCE * max(abs(total["value_low"]), 1):
            ex.flag("market_figures", total["record_id"], "total_mismatch",
                    f"{metric} {start}-{end}: segments sum to {summed:,.1f} {total['unit']} but the printed "
                    f"{total_segment} is {total['value_printed']}", total["source_locator"])


def _map_market_wide(ex: Extraction, table: ReportTable, spec: dict) -> None:
    scope = nz.scope(spec["scope"])
    publisher = _publisher(table.source_note)
    if not publisher:
        raise SpecError(f"source {ex.source_id}: 表 {table.table_id}: no 資料來源 line for the publisher")
    names = table.column_names()
    seg_col, total_label = spec["segment_column"], spec.get("total_row")
    figures = []
    for r_idx, row in enumerate(table.rows):
        segment = _cell(row, seg_col)
        for vc in spec["value_columns"]:
            col = vc["column"]
            printed = _cell(row, col)
            if printed is None:
                continue
            period, unit = _header_period_and_unit(names[col] or "")
            fig = _figure(ex, table, row, record_id=f"{ex.source_id}:{table.table_id}:r{r_idx}:c{col}",
                          scope=scope, metric=vc["metric"],
                          segment=None if segment == total_label else segment, printed=printed,
                          header_unit=unit, period=period, publisher=publisher)
            if fig:
                figures.append(fig)
    if total_label:
        _check_totals(ex, table, figures, total_label)
    ex.rows["market_figures"].extend(figures)


_DIRECTIONS = {"正": "positive", "負": "negative"}


def _map_market_long(ex: Extraction, table: ReportTable, spec: dict) -> None:
    cols = spec["columns"]
    for r_idx, row in enumerate(table.rows):
        locator = table.locator(row)
        record_id = f"{ex.source_id}:{table.table_id}:r{r_idx}"
        try:
            period = nz.parse_period(_cell(row, cols.get("period")))
            scope = nz.scope(_cell(row, cols["scope"]) or "")
        except nz.NormaliseError as exc:
            ex.flag("market_figures", record_id, "row_unreadable", str(exc), locator)
            continue
        fig = _figure(ex, table, row, record_id=record_id, scope=scope, metric=spec["metric"],
                      segment=_cell(row, cols.get("segment")), printed=_cell(row, cols["value"]) or "",
                      header_unit=None, period=period, publisher=_cell(row, cols["publisher"]) or "",
                      direction=_DIRECTIONS.get(_cell(row, cols.get("direction")) or ""))
        if fig:
            ex.rows["market_figures"].append(fig)


_MAPPERS = {
    ("policies", None): _map_policies,
    ("patent_counts", None): _map_patents,
    ("market_figures", "wide"): _map_market_wide,
    ("market_figures", "long"): _map_market_long,
}

# Programme budgets and KPI targets (documents 002, 003): mappers and source-wide checks in their own module.
from extractors import map_programme  # noqa: E402  (map_programme uses this module's helpers at call time)

_MAPPERS.update(map_programme.MAPPERS)
# Non-monetary indicators (表 1-1, 3-2, ...) and market tables printed transposed (表 2-4).
from extractors import map_indicators  # noqa: E402  (map_indicators uses this module's helpers at call time)

_MAPPERS.update(map_indicators.MAPPERS)
_SOURCE_STEPS = [map_programme.finish_source]   # run after all of a source's tables are mapped


# --- as printed --------------------------------------------------------------------------------

def _report_rows(ex: Extraction, table: ReportTable) -> None:
    names = table.column_names()
    if not names:   # printed as an image or chart (spec body: none): the caption alone, one empty cell
        ex.rows["report_tables"].append({
            "source_id": ex.source_id, "table_id": table.table_id, "caption": table.caption.text,
            "row_index": 0, "is_header": False, "column_index": 0, "column_name": None, "value": None,
            "line_start": table.caption.line, "line_end": table.caption.line,
        })
    for r_idx, row in enumerate(table.header + table.rows):
        for c_idx in range(len(names)):
            ex.rows["report_tables"].append({
                "source_id": ex.source_id, "table_id": table.table_id, "caption": table.caption.text,
                "row_index": r_idx, "is_header": r_idx < len(table.header), "column_index": c_idx,
                "column_name": names[c_idx], "value": _cell(row, c_idx),
                "line_start": row.line_start, "line_end": row.line_end,
            })
    for g in table.garbage:
        ex.flag("report_tables", f"{table.table_id}:L{g.line}:c{g.column}", "ocr_garbage",
                f"cell fragment {g.text!r} is OCR noise and was left out of the table",
                f"表 {table.table_id} L{g.line}-{g.line}")
    for line in table.page_breaks:
        ex.flag("report_tables", table.table_id, "page_break",
                f"table continues after a page break; repeated header at line {line} skipped",
                f"表 {table.table_id} L{line}-{line}", severity="info")


def _toc_entries(lines: list[str]) -> dict[str, tuple[str, int]]:
    """The list of tables: table id -> (title, 1-based line). Entries are tab-separated lines with a page
    number, in either caption style: ``表 1-1<TAB>title<TAB>6`` (document 000) or
    ``表 4、計畫分年經費表.....<TAB>115`` (document 003, dot leaders before the page number)."""
    toc: dict[str, tuple[str, int]] = {}
    for idx, line in enumerate(lines):
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 2 or not parts[0].startswith("表"):
            continue
        m = CAPTION_RE.match(parts[0])
        if m and m.group("single"):
            title = re.sub(r"[.．…·]+$", "", m.group("title")).strip()
        else:
            m = CAPTION_RE.match(parts[0] + " x")
            title = parts[1] if m else ""
        if m and title:
            toc.setdefault(caption_id(m), (title, idx + 1))
    return toc


def _check_list_of_tables(ex: Extraction, lines: list[str]) -> None:
    """Flag tables whose number in the list of tables names another title than the body caption.

    Document 003's list (L48-52) titles 表 4 計畫分年經費表 and 表 5 工作項目分年經費表, which the body
    captions 表 5 and 表 6 (the body's 表 4 is 分年經費規劃); the detail names the body caption that carries
    the listed title, when there is one.
    """
    toc = _toc_entries(lines)
    norm = lambda s: re.sub(r"\s+", "", nz.to_traditional(s))  # noqa: E731
    captions = find_captions(lines)
    body = {c.table_id: c for c in captions}
    for tid, (title, line) in toc.items():
        cap = body.get(tid)
        if cap is not None and norm(cap.title) != norm(title):
            other = next((c for c in captions if norm(c.title) == norm(title)), None)
            where = f"; that title is captioned 表 {other.table_id} (line {other.line})" if other else ""
            ex.flag("report_tables", tid, "list_of_tables_mismatch",
                    f"list of tables (line {line}) titles 表 {tid} {title!r}; the body caption "
                    f"(line {cap.line}) is {cap.title!r}{where}", f"表 {tid} L{cap.line}-{cap.line}",
                    severity="info")


def source_row(snapshot: Snapshot) -> dict:
    """The ``sources`` row of a snapshot, from its origin metadata."""
    m = snapshot.meta
    parsed = nz.parse_date(str(m["published_on"]))
    precision = m.get("published_precision") or (parsed.precision if parsed else None)
    return {
        "source_id": m["source_id"], "title": m["title"], "title_en": m.get("title_en"),
        "publisher": m["publisher"], "published_on": parsed.value if parsed else None,
        "published_precision": precision, "language": m["language"], "sha256": m["sha256"],
        "size_bytes": int(m["size_bytes"]), "licence": m.get("licence"), "origin": m["origin"],
        "snapshot_file": m["snapshot_file"],
    }


def extract_source(snapshot: Snapshot) -> Extraction:
    """All dataset rows one source yields: its ``sources`` row, its tables as printed, mapped rows, policy
    mentions found in its prose, and quality flags.

    A table spec with ``target: report_tables`` is kept as printed only. Raises TableError / SpecError
    (naming the source and table) when a table its spec names cannot be found or read: a malformed table
    stops the run rather than yielding partial data.
    """
    from extractors import prose  # noqa: PLC0415  (prose imports this module's helpers)

    ex = Extraction(source_id=snapshot.source_id)
    ex.rows["sources"].append(source_row(snapshot))
    spec = load_spec(snapshot.source_id) or {"source_id": snapshot.source_id, "tables": []}
    lines = snapshot.lines
    tspecs = spec.get("tables") or []
    tables = find_tables(snapshot.source_id, lines, tspecs)
    for table, tspec in zip(tables, tspecs, strict=True):
        _report_rows(ex, table)
        if tspec["target"] == "report_tables":
            continue
        mapper = _MAPPERS.get((tspec["target"], tspec.get("layout")))
        if mapper is None:
            raise SpecError(f"source {snapshot.source_id}: 表 {table.table_id}: no mapper for target "
                            f"{tspec['target']!r} with layout {tspec.get('layout')!r}")
        # source-wide keys of the spec (calendar, currency ...) are defaults for each table's spec
        mapper(ex, table, {**{k: v for k, v in spec.items() if k not in ("source_id", "tables")}, **tspec})
    for step in _SOURCE_STEPS:
        step(ex, tables, tspecs, lines, spec)
    if tspecs:
        _check_list_of_tables(ex, lines)
    prose.extract_mentions(ex, lines, load_prose_spec(snapshot.source_id))
    return ex
