"""Mappers for programme plans and policy slide decks: budgets by year, KPI targets, slide lists of laws.

Sources: document 003 (MODA's programme plan 晶片驅動臺灣產業創新—AI產業應用與普及發展計畫, ROC years, amounts
in 新臺幣億元: 表 1 KPI targets, 表 4 to 表 6 budgets, the uncaptioned cost table of 柒、財務計畫) and document
002 (NSTC's slide deck: the 各部會AI法制項目進展 slides, the AI領航 figures slide). Which table feeds which mapper
is declared in ``specs/<source_id>.yaml``; the mappers are registered in :data:`extractors.report_text.extract.MAPPERS`.

Printed values are kept as printed. Where a printed total, a bracketed subtotal or another table of the same
document disagrees with the sum of its parts, a ``total_mismatch`` quality flag (warning) names both values.

Over the size budget: budgets, KPIs and policy bullets of the programme documents; being split per
target table (issue 9).
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from extractors.core import normalise as nz
from extractors.core.records import Extraction, add_mention
from extractors.report_text.mappers.policies import instruments_in_cell
from extractors.report_text.tables import ReportTable, Row, cell


_TOLERANCE = 0.0005          # amounts are printed to 0.001 億元
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_SUBTOTAL_RE = re.compile(rf"^(?P<label>.*?)\s*[((]\s*(?P<amount>{_NUMBER})\s*[))]\s*$")
# "114 年 0.720 115-117 年 0.800/年" (cost table, 柒、財務計畫 L1672): a year or year range, then an amount
_YEAR_AMOUNT_RE = re.compile(rf"(?P<y1>\d{{3,4}})\s*(?:[-–~至]\s*(?P<y2>\d{{3,4}}))?\s*年度?\s*"
                             rf"(?P<amount>{_NUMBER})\s*(?P<per>/\s*年)?")


class ProgrammeSpecError(ValueError):
    """A programme table spec that cannot be applied; the message names source and table."""


# --- shared helpers ----------------------------------------------------------------------------

def _key(text: str | None) -> str:
    """Comparison key of a printed label: Traditional script, no whitespace."""
    return re.sub(r"\s+", "", nz.to_traditional(text or ""))


def _programme(ex: Extraction, spec: dict, table: ReportTable) -> str:
    """The programme a table belongs to: read from the table's caption line with the spec's
    ``programme_pattern`` (group 1), else the source document's title (its ``sources`` row)."""
    pat = spec.get("programme_pattern")
    if pat:
        m = re.search(pat, table.caption.title)
        if not m:
            raise ProgrammeSpecError(f"source {ex.source_id}: table {table.table_id}: programme_pattern "
                                     f"{pat!r} not found in {table.caption.title!r}")
        return m.group(1)
    return ex.rows["sources"][0]["title"]


def read_year(text: str, calendar: str) -> int:
    """A printed year header -> Gregorian year.

    ``calendar: roc`` (document 003 prints ROC years: 114 = 2025) reads ``114``, ``114 年``, ``114 年度``;
    four-digit years are Gregorian in either calendar. Raises NormaliseError for anything else.
    """
    t = re.sub(r"\s+", "", text or "")
    m = re.fullmatch(r"(?:民國)?(\d{3,4})年?度?", t)
    if not m:
        raise nz.NormaliseError(f"not a year header: {text!r}")
    year = int(m.group(1))
    if len(m.group(1)) == 4:
        return year
    if calendar != "roc":
        raise nz.NormaliseError(f"three-digit year {text!r} in a table whose spec does not declare calendar: roc")
    return nz.roc_to_gregorian(year)


def fill_down(rows: list[Row], column: int) -> list[str | None]:
    """Values of a merged column whose label is printed on the first row of its group (表 1, 表 4 of
    document 003): each row takes the nearest label at or above it. Rows before the first label get None."""
    out, current = [], None
    for r in rows:
        current = cell(r, column) or current
        out.append(current)
    return out


def _wrapped_groups(rows: list[Row], text_col: int, start_col: int, start_pattern: str) -> list[str | None]:
    """A merged cell whose text wraps over the rows of its group (表 5: 數位發展部 / 數位產業署 printed on the
    經常門 and 資本門 rows). A group starts on a row whose ``start_col`` matches ``start_pattern``; rows
    outside any group (a 總計 row) get their own text."""
    rx = re.compile(start_pattern)
    groups: list[list[int]] = []
    current: list[int] | None = None
    for i, r in enumerate(rows):
        if rx.search(cell(r, start_col) or ""):
            current = [i]
            groups.append(current)
        elif current is not None and cell(r, text_col):
            current.append(i)
        else:
            current = None
            groups.append([i])
    out: list[str | None] = [None] * len(rows)
    for g in groups:
        text = "".join(cell(rows[i], text_col) or "" for i in g) or None
        for i in g:
            out[i] = text
    return out


def _record_id(source_id: str, table_id: str, *parts) -> str:
    return f"{source_id}:{table_id}:" + ":".join(str(p) for p in parts)


def _budget_unit(ex: Extraction, table: ReportTable, spec: dict, header: str | None = None) -> nz.Unit:
    """The table's unit: its 單位 line (表 4 to 表 6: 單位:新臺幣 億元), else the bracket of a column header
    (成本(億元)); the spec's ``currency`` applies when the unit prints no currency word."""
    printed = table.unit_note
    if not printed and header:
        m = re.search(r"[((]\s*([^()()]+?)\s*[))]", header)
        printed = m.group(1) if m else None
    if not printed:
        raise ProgrammeSpecError(f"source {ex.source_id}: table {table.table_id}: no unit printed")
    return nz.parse_unit(printed, default_currency=spec.get("currency"))


def _budget_row(ex, table, row, *, programme, breakdown, parent, item, category, years, printed_year,
                amount_printed, unit, kind, record_id) -> dict:
    amount = nz.parse_number(re.sub(r"\s*/\s*年$", "", amount_printed))   # "0.800/年": per year
    start, end, basis = years
    return {
        "record_id": record_id, "programme": programme, "breakdown": breakdown, "parent_item": parent,
        "item": item, "category": category, "fiscal_year": start if basis == "year" else None,
        "fiscal_year_printed": printed_year, "period_start": start, "period_end": end, "period_basis": basis,
        "amount": amount, "amount_printed": amount_printed, "unit": unit.printed, "currency": unit.currency,
        "amount_base": amount * unit.multiplier, "kind": kind, "is_total": kind != "item",
        "source_id": ex.source_id, "source_locator": table.locator(row),
    }


def _mismatch(ex: Extraction, total: dict, summed: float, what: str) -> None:
    if abs(summed - total["amount"]) > _TOLERANCE:
        ex.flag("budgets", total["record_id"], "total_mismatch",
                f"{what}: parts sum to {summed:.3f} {total['unit']} but the printed figure is "
                f"{total['amount_printed']}", total["source_locator"])


# --- budgets: one amount per (row, year column) ------------------------------------------------

def map_budget_by_year(ex: Extraction, table: ReportTable, spec: dict) -> None:  # noqa: C901  (over the complexity budget: to be split, issue 9)
    """A budget table with one column per fiscal year (document 003 表 4, 表 5, 表 6).

    Spec keys: ``year_columns`` (headers read by :func:`read_year` with the spec's ``calendar``),
    ``total_column`` (a 合計 column: the whole-period total of its row), ``item_column`` and optional
    ``item_pattern`` (group 1 is the item title: 表 4 prints the work item before its ● bullet list),
    ``group_columns`` (merged columns printed on their group's first row, each label possibly carrying its
    whole-period subtotal in brackets: ``分項一、培育產業即戰人才 (6.240)``), ``category_column`` (經常門 /
    資本門), ``item_group`` ({start_column, pattern}: the item text wraps over the rows of a group, 表 5),
    ``total_label`` (the grand total row, e.g. 總計, looked for in every label column) and ``breakdown``.

    Checks (flags, never fixes): each row's year amounts against its 合計; per year column, the items
    against the 總計 row; each bracketed group subtotal against the sum of its rows over all years.
    """
    names = table.column_names()
    calendar = spec.get("calendar", "gregorian")
    unit = _budget_unit(ex, table, spec)
    programme = _programme(ex, spec, table)
    year_cols = list(spec["year_columns"])
    years = {c: read_year(names[c] or "", calendar) for c in year_cols}
    period = (min(years.values()), max(years.values()))
    total_col = spec.get("total_column")
    item_col = spec["item_column"]
    label_cols = sorted(set(range(min(year_cols))))
    group_cols = list(spec.get("group_columns", []))
    groups = {c: fill_down(table.rows, c) for c in group_cols}
    wrapped = None
    if spec.get("item_group"):
        g = spec["item_group"]
        wrapped = _wrapped_groups(table.rows, item_col, g["start_column"], g["pattern"])
    total_label = spec.get("total_label")
    item_rx = re.compile(spec["item_pattern"]) if spec.get("item_pattern") else None

    records: list[dict] = []
    row_info = []   # (row, kind, records of its year cells)
    for r_idx, row in enumerate(table.rows):
        labels = [cell(row, c) for c in label_cols]
        is_total = bool(total_label) and total_label in [x for x in labels if x]
        item = wrapped[r_idx] if wrapped else cell(row, item_col)
        if item and item_rx:
            m = item_rx.search(item)
            item = m.group(1).strip() if m else item
        if is_total:
            item = total_label
        parent = None
        for c in group_cols:
            label = groups[c][r_idx]
            if label and c != item_col:
                sub = _SUBTOTAL_RE.match(label)
                parent = sub.group("label") if sub else label
        if not item:
            ex.flag("budgets", None, "missing_item", f"row without an item: {row.cells}", table.locator(row))
            continue
        kind = "total" if is_total else "item"
        category = None if is_total else cell(row, spec.get("category_column"))
        cells = []
        for c in year_cols:
            printed = cell(row, c)
            if printed is None:
                continue
            y = years[c]
            cells.append(_budget_row(
                ex, table, row, programme=programme, breakdown=spec["breakdown"], parent=parent, item=item,
                category=category, years=(y, y, "year"),
                printed_year=names[c], amount_printed=printed, unit=unit, kind=kind,
                record_id=_record_id(ex.source_id, table.table_id, f"r{r_idx}", f"c{c}")))
        row_total = None
        if total_col is not None and cell(row, total_col):
            row_total = _budget_row(
                ex, table, row, programme=programme, breakdown=spec["breakdown"], parent=parent, item=item,
                category=category, years=(*period, "period"),
                printed_year=names[total_col], amount_printed=cell(row, total_col), unit=unit,
                kind="total" if is_total else "subtotal",
                record_id=_record_id(ex.source_id, table.table_id, f"r{r_idx}", f"c{total_col}"))
            _mismatch(ex, row_total, sum(x["amount"] for x in cells),
                      f"{item} {'+'.join(names[c] for c in year_cols)} against {names[total_col]}")
        records.extend(cells)
        if row_total:
            records.append(row_total)
        row_info.append((r_idx, kind, cells, row_total))

    # per year column (and the 合計 column): the items against the total row
    totals = [info for info in row_info if info[1] == "total"]
    items = [info for info in row_info if info[1] == "item"]
    for _, _, t_cells, t_total in totals:
        for t in t_cells:
            parts = [x for _, _, cells, _ in items for x in cells if x["fiscal_year"] == t["fiscal_year"]]
            _mismatch(ex, t, sum(p["amount"] for p in parts), f"{t['fiscal_year_printed']} items against {t['item']}")
        if t_total:
            parts = [rt for _, _, _, rt in items if rt]
            _mismatch(ex, t_total, sum(p["amount"] for p in parts), f"{t_total['fiscal_year_printed']} items "
                      f"against {t_total['item']}")

    # bracketed group subtotals (表 4): one record each, checked against its rows over all years
    for c in group_cols:
        seen: dict[str, list[int]] = defaultdict(list)
        for r_idx, label in enumerate(groups[c]):
            if label:
                seen[label].append(r_idx)
        for label, idxs in seen.items():
            sub = _SUBTOTAL_RE.match(label)
            if not sub:
                continue
            first = table.rows[idxs[0]]
            parent = None
            for pc in group_cols:
                if pc < c and groups[pc][idxs[0]]:
                    m = _SUBTOTAL_RE.match(groups[pc][idxs[0]])
                    parent = m.group("label") if m else groups[pc][idxs[0]]
            rec = _budget_row(
                ex, table, first, programme=programme, breakdown="subprogramme", parent=parent,
                item=sub.group("label"), category=None, years=(*period, "period"),
                printed_year=f"{names[year_cols[0]]}-{names[year_cols[-1]]}", amount_printed=sub.group("amount"),
                unit=unit, kind="subtotal", record_id=_record_id(ex.source_id, table.table_id, f"g{c}", idxs[0]))
            parts = [x["amount"] for r_idx, kind, cells, _ in row_info if r_idx in idxs and kind == "item"
                     for x in cells]
            _mismatch(ex, rec, sum(parts), f"{rec['item']}: its rows over {rec['fiscal_year_printed']}")
            records.append(rec)
    ex.rows["budgets"].extend(records)


def map_budget_cost_cells(ex: Extraction, table: ReportTable, spec: dict) -> None:
    """A cost table whose amount cell prints years and amounts together (document 003, 柒、財務計畫 L1671-1688:
    ``114 年 0.720 115-117 年 0.800/年``).

    Each (year or year range, amount) in the cell is one record: a single year is ``period_basis = year``;
    a range with ``/年`` is ``per_year`` (the amount in each of those years, not their total); a range
    without it is a ``period`` total. Spec keys: ``item_column``, ``amount_column``, ``calendar``,
    ``currency``, ``breakdown``. A cell with no year-amount pair is flagged ``value_unreadable``.
    """
    names = table.column_names()
    calendar = spec.get("calendar", "gregorian")
    amount_col = spec["amount_column"]
    unit = _budget_unit(ex, table, spec, header=names[amount_col])
    programme = _programme(ex, spec, table)
    for r_idx, row in enumerate(table.rows):
        item = cell(row, spec["item_column"])
        printed = cell(row, amount_col) or ""
        matches = list(_YEAR_AMOUNT_RE.finditer(printed))
        if not item or not matches:
            ex.flag("budgets", None, "value_unreadable", f"no item or no 'year amount' in {row.cells[:1]} "
                    f"{printed!r}", table.locator(row))
            continue
        for k, m in enumerate(matches):
            y1 = read_year(m.group("y1"), calendar)
            y2 = read_year(m.group("y2"), calendar) if m.group("y2") else y1
            basis = "year" if y1 == y2 else ("per_year" if m.group("per") else "period")
            ex.rows["budgets"].append(_budget_row(
                ex, table, row, programme=programme, breakdown=spec["breakdown"], parent=None, item=item,
                category=None, years=(y1, y2, basis), printed_year=m.group(0)[:m.start("amount") - m.start()].strip(),
                amount_printed=m.group("amount") + (m.group("per") or ""), unit=unit, kind="item",
                record_id=_record_id(ex.source_id, table.table_id, f"r{r_idx}", k)))


def _yearly(records: list[dict]) -> dict[int, float]:
    """Amounts by fiscal year; a per_year amount counts in every year of its period."""
    out: dict[int, float] = defaultdict(float)
    for r in records:
        if r["period_basis"] == "year":
            out[r["fiscal_year"]] += r["amount"]
        elif r["period_basis"] == "per_year":
            for y in range(r["period_start"], r["period_end"] + 1):
                out[y] += r["amount"]
    return out


def check_budgets_across_tables(ex: Extraction, tspecs: list[dict]) -> None:  # noqa: C901  (over the complexity budget: to be split, issue 9)
    """Compare a budget table with another table of the same document that prints its totals (spec key
    ``compare_with``), year by year; a disagreement is a ``total_mismatch`` flag on the other table's figure.

    ``compare_with: {table: "6", by: group}``: the items under each group (a ``group_columns`` label at any
    level: a work item's 子項 and that 子項's 分項) against the row of table 6 whose item is contained in the
    group label (表 4's 分項一、培育產業即戰人才 against 表 6's 培育產業即戰人才). ``by: total``: all items
    against table 6's total row.
    """
    by_table: dict[str, list[dict]] = defaultdict(list)
    for r in ex.rows["budgets"]:
        m = re.match(r"^表 (\S+) ", r["source_locator"])
        if m:
            by_table[m.group(1)].append(r)
    for spec in tspecs:
        cmp = spec.get("compare_with")
        if not cmp or spec.get("target") != "budgets":
            continue
        mine = [r for r in by_table[str(spec["table_id"])] if r["kind"] == "item"]
        theirs = by_table[str(cmp["table"])]
        if cmp.get("by") == "total":
            pairs = [("all items", mine, [r for r in theirs if r["kind"] == "total"])]
        else:
            parents = {r["item"]: r["parent_item"] for r in by_table[str(spec["table_id"])]
                       if r["kind"] == "subtotal" and r["parent_item"]}

            def ancestors(item: str | None, parents=parents) -> list[str]:
                out = []
                while item and item not in out:
                    out.append(item)
                    item = parents.get(item)
                return out

            pairs = []
            for ref_item in sorted({r["item"] for r in theirs if r["kind"] == "item"}):
                group = [r for r in mine if any(_key(ref_item) in _key(a) for a in ancestors(r["parent_item"]))]
                pairs.append((ref_item, group, [r for r in theirs if r["item"] == ref_item]))
        for label, parts, refs in pairs:
            sums = _yearly(parts)
            for ref in refs:
                if ref["period_basis"] != "year" or not parts:
                    continue
                _mismatch(ex, ref, sums.get(ref["fiscal_year"], 0.0),
                          f"表 {spec['table_id']} ({label}, {ref['fiscal_year_printed']}) against "
                          f"表 {cmp['table']}")


# --- KPIs --------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _quantity_re() -> re.Pattern:
    """A figure with its unit or measure word (rules/units.yaml ``counters``, longest first)."""
    words = sorted(nz.load_rules("units")["counters"], key=len, reverse=True)
    alt = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?P<value>{_NUMBER})\s*(?P<unit>{alt})")


_BASELINE_RE = re.compile(rf"由\s*(?P<base>{_NUMBER})\s*(?P<unit>%|%)?\s*[((]\s*(?P<year>\d{{4}})\s*年?\s*[))]\s*"
                          rf"(?:提升|提高|增加|升)?至\s*(?P<target>{_NUMBER})\s*(?P<tunit>%|%)?")
_AT_LEAST_RE = re.compile(r"以上|至少|不少於|不低於|逾|超過")


def split_statements(text: str) -> list[str]:
    """A target cell -> its numbered statements (``1.吸引 … 2.達成 …``, 表 1 L268); one statement when the
    cell is not numbered."""
    parts = re.split(r"(?:^|\s)(?=\d+\.(?!\d))", text.strip())
    parts = [p.strip() for p in parts if p.strip()]
    return parts if len(parts) > 1 and re.match(r"\d+\.", parts[0]) else [text.strip()]


def read_target(statement: str) -> dict:
    """Figures of one KPI statement, as printed.

    * ``由 32.5%(2023 年)提升至 50%`` (表 1 L264): baseline 32.5 (2023), target 50 %, ``by_end``;
    * otherwise the first figure with a unit or measure word (``每年培育 500 位…`` -> 500 位);
    * ``每年`` -> ``per_year``; ``全程``, ``累計``, ``累積`` -> ``period_total``; else ``by_end``;
    * ``以上``, ``至少``, ``不少於``, ``逾`` next to the figure -> ``at_least``.
    Returns a dict of the kpis columns it sets (values None when not printed).
    """
    out = {"target_value": None, "target_unit": None, "comparator": None, "baseline_value": None,
           "baseline_year": None}
    tail = ""
    m = _BASELINE_RE.search(statement)
    if m:
        out.update(target_value=nz.parse_number(m.group("target")), target_unit=m.group("tunit") or m.group("unit"),
                   baseline_value=nz.parse_number(m.group("base")), baseline_year=int(m.group("year")))
        tail = statement[m.end():m.end() + 4]
        head = statement[max(0, m.start() - 4):m.start()]
    else:
        q = _quantity_re().search(statement)
        if q:
            out.update(target_value=nz.parse_number(q.group("value")), target_unit=q.group("unit"))
            tail = statement[q.end():q.end() + 4]
            head = statement[max(0, q.start() - 4):q.start()]
    if out["target_value"] is not None:
        out["comparator"] = "at_least" if _AT_LEAST_RE.search(head + " " + tail) else "exact"
    if "每年" in statement:
        out["period_basis"] = "per_year"
    elif re.search(r"全程|累計|累積", statement):
        out["period_basis"] = "period_total"
    else:
        out["period_basis"] = "by_end"
    return out


def map_kpi_targets(ex: Extraction, table: ReportTable, spec: dict) -> None:
    """A KPI table (document 003 表 1 各績效指標全期目標值): one kpis row per numbered statement of the target
    cell. Spec keys: ``columns`` {agency, indicator, measure, target}, ``merged`` (columns printed on their
    group's first row, filled down). ``target_year`` is set later from the programme period
    (:func:`finish_source`)."""
    cols = spec["columns"]
    programme = _programme(ex, spec, table)
    filled = {c: fill_down(table.rows, cols[c]) for c in spec.get("merged", [])}
    for r_idx, row in enumerate(table.rows):
        indicator = cell(row, cols["indicator"])
        target = cell(row, cols["target"])
        locator = table.locator(row)
        if not indicator or not target:
            ex.flag("kpis", None, "missing_indicator", f"row without indicator or target: {row.cells}", locator)
            continue
        agency = filled["agency"][r_idx] if "agency" in filled else cell(row, cols.get("agency"))
        for k, statement in enumerate(split_statements(target)):
            ex.rows["kpis"].append({
                "record_id": _record_id(ex.source_id, table.table_id, f"r{r_idx}", k), "programme": programme,
                "agency": agency, "indicator": indicator, "measure": cell(row, cols.get("measure")),
                "value_kind": spec.get("value_kind", "target"), **read_target(statement), "target_year": None,
                "value_printed": statement, "source_id": ex.source_id, "source_locator": locator,
            })
            if agency and not cell(row, cols.get("agency")) and k == 0:
                ex.flag("kpis", ex.rows["kpis"][-1]["record_id"], "merged_cell_resolved",
                        f"agency not printed on this row; assigned {agency!r} from its merged cell", locator,
                        severity="info")


def map_kpi_figures(ex: Extraction, table: ReportTable, spec: dict) -> None:
    """A slide of labelled figures (document 002 L824-841, rows ``[group, label, value]`` from
    :func:`extractors.report_tables.pair_rows`): one kpis row per figure; the indicator is the group and
    label joined (``國際訂單 規模累計成長``). ``value_kind`` comes from the spec."""
    programme = _programme(ex, spec, table)
    for r_idx, row in enumerate(table.rows):
        group, label, value = row.cells
        indicator = " ".join(x for x in (group, label) if x)
        figures = read_target(value)
        figures["period_basis"] = None
        ex.rows["kpis"].append({
            "record_id": _record_id(ex.source_id, table.table_id, f"r{r_idx}", 0), "programme": programme,
            "agency": None, "indicator": indicator, "measure": None, "value_kind": spec["value_kind"],
            **figures, "target_year": None, "value_printed": value, "source_id": ex.source_id,
            "source_locator": table.locator(row),
        })


# --- slide lists of policies -------------------------------------------------------------------

_TRAILING_DATE_RE = re.compile(
    r"\s*[((]\s*(?P<date>\d{2,4}\s*[./年]\s*\d{1,2}(?:\s*[./月]\s*\d{1,2})?\s*日?)\s*[))]\s*$")


def map_policy_bullets(ex: Extraction, table: ReportTable, spec: dict) -> None:
    """A slide that is a real table of policies (document 002, 各部會AI法制項目進展: rows ``[agency, item]``
    from :func:`extractors.report_tables.bullet_rows`): one policy mention (context ``table``) per item, the
    agency as issuer, a trailing ``(112.10)`` as the issued date (ROC year.month). Spec keys:
    ``jurisdiction``, ``status``."""

    for row in table.rows:
        agency, item = row.cells
        m = _TRAILING_DATE_RE.search(item)
        title = item[:m.start()].strip() if m else item
        for name in instruments_in_cell(title):
            add_mention(ex, jurisdiction=spec["jurisdiction"], title_printed=name, locator=table.locator(row),
                        context="table", issuer=agency, issued_printed=m.group("date") if m else None,
                        status=spec.get("status"), text=item)


# --- after all tables of a source --------------------------------------------------------------

def finish_source(ex: Extraction, tables: list[ReportTable], tspecs: list[dict], lines: list[str],
                  spec: dict) -> None:
    """Source-wide steps after every table is mapped: cross-table budget checks
    (:func:`check_budgets_across_tables`) and the target year of whole-period KPI targets.

    The target year is the end of the programme period printed in the document, found with the spec's
    ``programme_period`` pattern (document 003 L1538 本計畫期程自 114 年至 117 年 -> 2028); without a match
    the targets keep target_year NULL and a ``programme_period_missing`` flag says so.
    """
    check_budgets_across_tables(ex, tspecs)
    pattern = spec.get("programme_period")
    kpis = [k for k in ex.rows["kpis"] if k["value_kind"] == "target" and k["period_basis"] in
            ("period_total", "by_end")]
    if not pattern or not kpis:
        return
    rx = re.compile(pattern)
    hit = next(((i, m) for i, line in enumerate(lines) if (m := rx.search(line))), None)
    if hit is None:
        ex.flag("kpis", None, "programme_period_missing", f"no line matches {pattern!r}", "L1-1")
        return
    end = read_year(hit[1].group(2), spec.get("calendar", "gregorian"))
    for k in kpis:
        k["target_year"] = end


MAPPERS = {
    ("budgets", "by_year"): map_budget_by_year,
    ("budgets", "cost_cells"): map_budget_cost_cells,
    ("kpis", "targets"): map_kpi_targets,
    ("kpis", "figures"): map_kpi_figures,
    ("policies", "bullets"): map_policy_bullets,
}

