"""KPI statements in running text (issue 15): every target of the sections a source spec names as KPI text, and
one row per target however often it is printed.

Spec key ``kpi_text`` (``specs/<source_id>.yaml``), a list of sections::

    kpi_text:
      - section: 量化效益            # names the section in record ids
        start: '^二、量化效益$'       # the section's heading line (regex; the list of contents is not matched)
        end: '^柒、'                 # the first line after the section (regex)
        heading: '^(?:分項[一二三四]、|\\(\\S\\)\\s*目標)'   # sub-headings: a target's indicator (optional)
        cell: 2                      # optional: a table's lines; read only this tab-separated cell (from 0)
        indicator_cell: 1            # optional: the indicator is this cell, or the last non-empty one above
        indicator_pattern: '<p>([^<]{4,})</p>'   # optional: or group 1 of this pattern in the read cell
        sentences: planned           # optional: read only the sentences that state the plan's own targets
        value_kind: achieved         # optional (default target): a slide reporting results
        programme: AI on Chip計畫     # optional: the programme as printed (default: the document's title)
        calendar: roc                # optional (default: the spec's calendar): three-digit baseline years

Document 003 (MODA's programme plan) prints its targets in 表 1 and again, with more of them, in
陸 二、量化效益 / 三、計畫全程綜整效益 (L1631-1667) and 貳 一、計畫目標 (L181-221). Rules:

Document 003 prints the same targets again, and yearly ones, in 表 1's [註 1] (L277-306, 114 年產出 3 個),
四、社會參與 (L154, L162), 肆 一、主要工作項目 (L344-365),
表 3 全程計畫各年度重點規劃 (L371-390, column 執行策略), 表 4 分年經費規劃 (L1553-1567, column 工作項目說明;
its year columns are amounts), 陸 一、質化效益 (L1621-1623), 肆 三 (二) 各分項執行方法說明 (L441-1533) and 柒 財務計畫's
table (L1671-1688, column 項目說明); document 002 reports results on its slides 1. 執行成果 (L635-640) and
2. AI 產業推動執行成果 (L887-920). Rules:

* each non-empty line of a section, cut into its items at HTML tags and ● bullets (a leading ``-`` list mark
  dropped), is read by :func:`extractors.report_text.mappers.kpi_targets.read_targets`
  (a sentence wrapped over a page break is read line by line, so every printed target is on its locator line);
* the indicator is the nearest sub-heading line above (spec ``heading``), else the section name; in a table
  (``cell``) the work item a cell names (``indicator_pattern``, 表 4's ``<p>title</p>``), else the
  ``indicator_cell`` of the line, or of the nearest line above that prints one;
* ``sentences: planned`` (prose that mixes the plan's targets with market figures, surveys and worked examples):
  a sentence (cut at 。；) is read only when it names the plan's intent (:data:`PLANNED`: 每年, 全程, 累計, 預計,
  預定, 預估, 預期, 目標, 本計畫, 本分項, 本子項, 本年度) and no other author (:data:`ATTRIBUTED`: 指出, 調查,
  報告, 預測, 根據, 研究, 顯示, 市場) and no effect estimate (:data:`ESTIMATE`: 可 before a verb of change, 可提升,
  將可降低) unless the plan says it expects it (:data:`EXPECTED`: 003 L1532 預期導入後人力成本將可降低 20%至 30%,
  預計客服處理效率可提升 30%以上: the plan's expected results);
  a figure a sentence does not promise (003 L943 導入國內至少10%(6家) PCB 製造業者 without a plan word) is
  skipped rather than guessed;
* a footnote line (it starts with a superscript digit, ``² 本計畫 AI 人才需求之推估…``) prints the authors'
  estimates: only its sentences with a period word (每年, 全程, 累計) are read as targets;
* :func:`merge_repeats` (after the tables are mapped): the same target printed twice is one row, the first
  printed (table rows first), with the other places in ``other_locators``. Same target: same value and unit,
  same value kind, and the printed targets' subjects (parentheses, digits, Latin letters, qualifier words and
  punctuation removed) share at least :data:`SAME_SUBJECT` of their character bigrams (Dice coefficient) while
  one of them has at most :data:`OWN_BIGRAMS` bigrams of its own (數位經濟產業 … 500 人次 and 製造產業 … 500 人次
  share most words, but each names its own industry: two targets); a target printed with its baseline is the
  same target as another with the same target and baseline value and baseline year, whatever the words
  (表 1 L264 由 32.5%(2023 年)提升至 50% = L1660 提升至 50%(2023 年約 32.5%));
* a footnote's targets restate targets of the body (003 footnote ²: 綜上所述，本計畫每年培養…): each joins the
  kept target with the same value, unit and kind whose subject is most alike, whatever the share; it stays a
  row of its own only when no such target exists.
"""
from __future__ import annotations

import re

from extractors.core.records import Extraction
from extractors.report_text.mappers.kpi_targets import PAREN_RE, read_targets
from extractors.report_text.mappers.programme import record_id

SAME_SUBJECT = 0.6        # Dice share of character bigrams for "the same target" (see merge_repeats)
OWN_BIGRAMS = 2           # ... while one of the two has at most this many bigrams the other lacks
PLANNED = re.compile(r"每年|全程|累計|累積|預計|預定|預估|預期|目標|本計畫|本分項|本子項|本年度")
ATTRIBUTED = re.compile(r"指出|調查|報告|預測|根據|研究|顯示|市場")
ESTIMATE = re.compile(r"可(?:提升|提高|降低|減少|節省|縮短|增加|達)")
EXPECTED = re.compile(r"預期|預計")
_FOOTNOTE_RE = re.compile(r"^\s*[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
_PERIOD_WORD_RE = re.compile(r"每年|全程|累計|累積")
_NOISE_RE = re.compile(r"[\dA-Za-z,.%％\s()（），、。；:：/+]|以上|以下|至少|不少於|不低於|逾|超過|高達|約|達|其中"
                       r"|累計|全程|每年|並|及|將|可")


def _sections(lines: list[str], spec: dict) -> list[tuple[dict, int, int]]:
    """(section spec, first line index, end index) for each ``kpi_text`` entry whose heading is found."""
    out = []
    for sec in spec.get("kpi_text") or []:
        start = next((i for i, ln in enumerate(lines) if re.search(sec["start"], ln.strip())), None)
        if start is None:
            continue
        end = next((i for i in range(start + 1, len(lines)) if re.search(sec["end"], lines[i].strip())), len(lines))
        out.append((sec, start, end))
    return out


def _cells(line: str, sec: dict) -> tuple[str, str | None]:
    """(text to read, indicator cell or None) of a line; a table line (spec ``cell``) gives its cells."""
    if "cell" not in sec:
        return line, None
    cells = [c.strip() for c in line.split("\t")]
    pick = lambda k: cells[k] if k is not None and k < len(cells) else ""  # noqa: E731
    text = pick(sec["cell"])
    m = re.search(sec["indicator_pattern"], text) if sec.get("indicator_pattern") else None
    return text, (m.group(1).strip() if m else pick(sec.get("indicator_cell")) or None)


def _parts(text: str) -> list[str]:
    """A line's items: cut at HTML tags and ● bullets (柒's table cells print ``<ul …> ● item ● item``), a
    leading ``-`` list mark dropped; each item is a substring of the line."""
    items = (re.sub(r"^[-–•]\s+", "", p.strip()) for p in re.split(r"<[^>]*>|●", text))
    return [p for p in items if p]


def _statements(line: str, sec: dict) -> list[str]:
    """A line's text to read: the whole line; for a footnote its sentences with a period word; for
    ``sentences: planned`` its sentences stating the plan's targets (see the module docstring)."""
    if sec.get("sentences") == "planned":
        return [s for s in re.split(r"(?<=[。；])", line)
                if PLANNED.search(s) and not ATTRIBUTED.search(s) and (EXPECTED.search(s) or not ESTIMATE.search(s))]
    if not _FOOTNOTE_RE.match(line):
        return [line]
    return [s for s in re.split(r"(?<=[。；])", line) if _PERIOD_WORD_RE.search(s)]


def map_kpi_text(ex: Extraction, tables, tspecs, lines: list[str], spec: dict) -> None:
    """Source step: one kpis row per target printed in the spec's ``kpi_text`` sections (locator ``L<n>``;
    record id ``<source>:text-<section>:L<n>:<k>``, the k-th target of the line). Achieved figures
    (``value_kind: achieved``) get no period_basis: they report, they do not plan."""
    for sec, start, end in _sections(lines, spec):
        programme = sec.get("programme") or ex.rows["sources"][0]["title"]
        calendar = sec.get("calendar") or spec.get("calendar", "gregorian")
        indicator = sec["section"]
        for i in range(start + 1, end):
            line = lines[i].strip()
            if sec.get("heading") and re.search(sec["heading"], line):
                indicator = line
                continue
            text, cell_indicator = _cells(lines[i], sec)
            indicator = cell_indicator or indicator
            targets = [t for part in _parts(text) for s in _statements(part, sec) for t in read_targets(s, calendar)]
            for k, target in enumerate(targets):
                if sec.get("value_kind") == "achieved":
                    target = {**target, "period_basis": None, "target_year": None}
                ex.rows["kpis"].append({
                    "record_id": record_id(ex.source_id, f"text-{sec['section']}", f"L{i + 1}", k),
                    "programme": programme, "agency": None, "indicator": indicator, "measure": None,
                    "value_kind": sec.get("value_kind", "target"), **target, "other_locators": None,
                    "source_id": ex.source_id, "source_locator": f"L{i + 1}-{i + 1}"})


def _bigrams(text: str) -> set[str]:
    s = _NOISE_RE.sub("", PAREN_RE.sub("", text or ""))
    return {s[i:i + 2] for i in range(len(s) - 1)} or {s}


def likeness(a: str, b: str, strict: bool = True) -> float:
    """Dice coefficient of the character bigrams of two printed targets' subjects (0 to 1); when ``strict``,
    0 if each has more than OWN_BIGRAMS bigrams of its own."""
    x, y = _bigrams(a), _bigrams(b)
    if strict and min(len(x - y), len(y - x)) > OWN_BIGRAMS:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def _in_footnote(row: dict, lines: list[str]) -> bool:
    m = re.fullmatch(r"L(\d+)-\d+", row["source_locator"])
    return bool(m) and bool(_FOOTNOTE_RE.match(lines[int(m.group(1)) - 1]))


def _same_target(row: dict, kept: list[dict], footnote: bool) -> dict | None:
    cands = [k for k in kept if row["target_value"] is not None and k["target_value"] == row["target_value"]
             and k["target_unit"] == row["target_unit"] and k["value_kind"] == row["value_kind"]
             and k["source_locator"] != row["source_locator"]]
    if row["baseline_value"] is not None:
        twin = [k for k in cands if (k["baseline_value"], k["baseline_year"]) ==
                (row["baseline_value"], row["baseline_year"])]
        if twin:
            return twin[0]
    scored = sorted(((likeness(k["value_printed"], row["value_printed"], strict=not footnote), -i)
                     for i, k in enumerate(cands)), reverse=True)
    if scored and (footnote or scored[0][0] >= SAME_SUBJECT):
        return cands[-scored[0][1]]
    return None


def merge_repeats(ex: Extraction, tables, tspecs, lines: list[str], spec: dict) -> None:
    """Source step: one row per target; a later printing of the same target (see the module docstring) is
    dropped and its locator added to the kept row's ``other_locators``, in line order (``"L1639-1639; L1659-1659"``)."""
    kept: list[dict] = []
    for row in ex.rows["kpis"]:
        same = _same_target(row, kept, _in_footnote(row, lines))
        if same is None:
            kept.append(row)
            continue
        others = [x for x in (same.get("other_locators") or "").split("; ") if x] + [row["source_locator"]]
        same["other_locators"] = "; ".join(sorted(dict.fromkeys(others), key=_first_line))
    ex.rows["kpis"] = kept


def _first_line(locator: str) -> int:
    return int(re.search(r"L(\d+)", locator).group(1))
