"""Market and economic figures printed in running text (issue 15, item 1): document 003's 壹 計畫緣起 (Statista,
McKinsey figures, L54-146) and document 001's 前言 (the 圖1 Statista forecast, L26-76).

Spec key ``market_text`` (``specs/<source_id>.yaml``), a list of sections ``{section, start, end}`` (regexes of
the heading line and of the first line after the section). Rules, shared with the tables where they can be
(units and currencies from ``extractors/core/rules/units.yaml`` through :func:`extractors.core.normalise.parse_unit`,
ranges as printed, 萬/億/兆 read as printed with their base value):

* paragraphs: a line that does not end a sentence (。：) continues on the next non-empty line (a page break),
  unless that line is a heading (``#``, ``一、``, ``(一)``, ``1.``);
* a figure is an amount ``NUMBER [萬億兆] currency`` or a range ``2.6 兆至 4.4 兆美元``, or a percentage;
* its metric is read from the words of its sentence: ``GDP`` right after it or the last of 複合年均成長率 or
  CAGR (cagr),
  GDP (gdp_impact for an amount, gdp_growth_contribution for a percentage), 市場產值/市場規模/產值 (market_size,
  amounts only), 佔/占 with 價值/產值/市場 (share_of_value, percentages only) before it; a figure with none of
  them (a survey share, a company's saving) is not a market figure;
* publisher: the last organisation named after ``…機構`` before the figure in its paragraph, as printed (國際知名
  統計機構 Statista; 國際研究機構麥肯錫 (McKinsey) -> 麥肯錫, the bracketed English name aside), else the 資料來源
  line of the figure the paragraph points to (如圖1所示: ``by Statista``); a figure without one is left out.
  :func:`extractors.report_text.mappers.market_terms.finish_source` then gives it the English name of
  ``rules/market.yaml`` (``publisher``; the printed name in ``publisher_printed``) and its publication date;
* scope: 全球 in the paragraph -> WLD, else 臺灣/我國 -> TW;
* period: the last year (``2030 年``) or year range (``2023-2030 年`` -> basis period) printed before the figure in
  its sentence, publication dates (``2023 年 6 月所公布``) and titles in 《》 aside; ``每年`` after it -> per_year;
* the same figure printed again (same metric, ends, unit and period) is one row; the other lines go to
  ``other_locators``.

Sections marked ``read: clauses`` (000's dense prose, where these rules gave a wrong metric or period on most
figures) are read by :mod:`.market_clauses` instead.
"""
from __future__ import annotations

import re

from extractors.core import normalise as nz
from extractors.core.records import Extraction
from extractors.report_text.mappers import market_terms
from extractors.report_text.mappers.restated import join_locators
from extractors.report_text.mappers.programme import NUMBER

_MAG = r"百萬|千萬|萬|億|兆"


def _money_re() -> re.Pattern:
    cur = "|".join(sorted(nz.load_rules("units")["currencies"], key=len, reverse=True))
    return re.compile(rf"(?P<low>{NUMBER})\s*(?:(?:{_MAG})\s*)?(?:至|~|～)\s*(?P<high>{NUMBER})\s*(?P<unit>(?:{_MAG})"
                      rf"\s*(?:{cur}))|(?P<value>{NUMBER})\s*(?P<vunit>(?:{_MAG})\s*(?:{cur}))")


_PCT_RE = re.compile(rf"(?P<value>{NUMBER})\s*(?P<vunit>%|％)")
_PUBLISHER_RE = re.compile(r"機構\s*(?:(?P<zh>[\u4e00-\u9fff]{2,8})\s*(?:[(（]\s*[A-Za-z][^)）]*[)）])?"
                           r"|(?P<en>[A-Za-z][A-Za-z.&]*(?: [A-Z][A-Za-z.&]*)*))")
_FIGURE_REF_RE = re.compile(r"如圖\s*(\d+)")
_HEADING_RE = re.compile(r"^(?:#|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+\.\s)")
# not running text: a caption, a 資料來源 / 備註 line, a footnote (<sup>, a URL), a line without a Chinese character
# (page numbers, reference-list entries), a table row (tab-separated cells), chart text (two numbers or more and
# no punctuation: a chart or a table printed without tabs)
_NOT_PROSE_RE = re.compile(r"^(?:[圖表]\s*\d|資料來源|備註|<sup>)|https?://|Accessed|\t"
                           r"|^(?!.*[，,。；;：:、])(?=(?:.*?\d+(?:\.\d+)?){2})")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_YEARS_RE = re.compile(r"《[^》]*》|(\d{4})\s*年?\s*[-–~至]\s*(\d{4})\s*年"
                       r"|(\d{4})\s*年(\s*\d{1,2}\s*月\s*所?\s*(?:發布|公布))?")


def paragraphs(lines: list[str], start: int, end: int) -> list[list[tuple[int, str]]]:
    """The paragraphs of lines ``start``..``end`` (0-based, end excluded): lists of (1-based line, text); lines
    that are not running text (see :data:`_NOT_PROSE_RE`) are left out."""
    out, cur = [], []
    for i in range(start, end):
        text = lines[i].strip()
        if not text or _NOT_PROSE_RE.search(text) or not _CJK_RE.search(text):
            continue
        if cur and _HEADING_RE.match(text):
            out.append(cur)
            cur = []
        cur.append((i + 1, text))
        if re.search(r"[。：:]$", text):
            out.append(cur)
            cur = []
    return out + ([cur] if cur else [])


def metric_of(prefix: str, after: str, is_pct: bool) -> str | None:
    """The market metric of a figure from the words before it in its sentence and right ``after`` it, or None
    (the rules are in the module docstring)."""
    if re.match(r"\s*GDP", after):
        return "gdp_growth_contribution" if is_pct else "gdp_impact"
    words = re.findall(r"複合年均成長率|CAGR|GDP|市場產值|市場規模|產值|佔|占", prefix)
    last = words[-1] if words else None
    if last in ("複合年均成長率", "CAGR"):
        return "cagr"
    if last == "GDP":
        return "gdp_growth_contribution" if is_pct else "gdp_impact"
    if last in ("市場產值", "市場規模", "產值") and not is_pct:
        return "market_size"
    if last in ("佔", "占") and is_pct and re.search(r"價值|產值|市場", prefix[prefix.rfind(last):]):
        return "share_of_value"
    return None


def period_of(prefix: str, dated_events: bool = False) -> tuple[int | None, int | None, str]:
    """(start, end, basis) of a figure from the words before it in its sentence (module docstring); with
    ``dated_events`` a year printed with its month (``2023 年 9 月 Bloomberg 報導``) dates an event, not the
    figure, and is passed over."""
    last = None
    for m in _YEARS_RE.finditer(prefix):
        if m.group(1):
            last = (int(m.group(1)), int(m.group(2)), "period", m.end())
        elif m.group(3) and not m.group(4) and not (dated_events and re.match(r"\s*\d{1,2}\s*月", m.string[m.end():])):
            last = (int(m.group(3)), int(m.group(3)), "point", m.end())
    if "每年" in prefix[last[3] if last else 0:]:
        return None, None, "per_year"
    return (last[0], last[1], last[2]) if last else (None, None, "point")


def figure_publisher(lines: list[str], number: str) -> str | None:
    """The publisher of 圖 ``number`` as its 資料來源 line prints it (the name after by/By, else the line's first
    item; 001 L162-164 …GenAI Edition By / Accel，); None when the figure or its source line is not printed."""
    cap = next((i for i, ln in enumerate(lines) if re.match(rf"^圖\s*{number}\s", ln.strip())), None)
    src = next((i for i in range(cap + 1, min(cap + 8, len(lines))) if "資料來源" in lines[i]), None) if cap else None
    if src is None:
        return None
    following = next((ln.strip() for ln in lines[src + 1:src + 4] if ln.strip()), "")
    text = re.split(r"資料來源\s*[:：]", lines[src], maxsplit=1)[-1].strip() + " " + following
    m = re.search(r"\b[Bb]y\s+([A-Za-z][\w ]*?)\s*[，,]", text) or re.match(r"([^，,]+)", text)
    return m.group(1).strip() if m else None


def _publisher(text: str, pos: int, lines: list[str]) -> str | None:
    """The publisher of a figure at ``pos`` of a paragraph (see the module docstring)."""
    named = [m for m in _PUBLISHER_RE.finditer(text) if m.start() < pos]
    if named:
        return named[-1].group("zh") or named[-1].group("en")
    ref = _FIGURE_REF_RE.search(text)
    return figure_publisher(lines, ref.group(1)) if ref else None


def figures_of(text: str):
    """(start, end, low, high, unit text, printed) of every amount and percentage, in printed order."""
    found = []
    for rx, is_pct in ((_money_re(), False), (_PCT_RE, True)):
        for m in rx.finditer(text):
            low, high = (m.group("low"), m.group("high")) if m.groupdict().get("low") else (m.group("value"),) * 2
            unit = m.groupdict().get("unit") or m.group("vunit")
            found.append((m.start(), m.end(), nz.parse_number(low), nz.parse_number(high),
                          re.sub(r"\s+", "", unit), m.group(0), is_pct))
    return sorted(found)


def _rows_of_paragraph(ex: Extraction, para, lines: list[str], section: str) -> list[dict]:
    joined, offsets = "", []
    for line_no, text in para:
        offsets.append((len(joined), line_no))
        joined += text
    scope = "WLD" if "全球" in joined else "TW" if re.search(r"臺灣|我國", joined) else None
    rows = []
    for k, (start, end, low, high, unit_text, printed, is_pct) in enumerate(figures_of(joined)):
        sentence_start = max(joined.rfind("。", 0, start), joined.rfind("；", 0, start)) + 1
        prefix = joined[sentence_start:start]
        metric = metric_of(prefix, joined[end:end + 6], is_pct)
        publisher = _publisher(joined, start, lines)
        if metric is None or publisher is None or scope is None:
            continue
        line_no = max(ln for off, ln in offsets if off <= start)
        unit = nz.parse_unit(unit_text)
        p_start, p_end, basis = period_of(prefix)
        base = unit.multiplier
        rows.append({
            "record_id": f"{ex.source_id}:text-{section}:L{line_no}:{k}", "scope": scope, "metric": metric,
            "segment": None, "period_start": p_start, "period_end": p_end, "period_basis": basis,
            "value_low": low, "value_high": high, "unit": unit.printed, "currency": unit.currency,
            "value_low_base": low * base if base else None, "value_high_base": high * base if base else None,
            "direction": None, "value_printed": printed, "publisher": publisher, "other_locators": None,
            **market_terms.qualifier_of(prefix, joined[end:end + 6]), "source_id": ex.source_id,
            "source_locator": f"L{line_no}-{line_no}"})
    return rows


def map_market_text(ex: Extraction, tables, tspecs, lines: list[str], spec: dict) -> None:
    """Source step: ``market_figures`` rows for the figures of the spec's ``market_text`` sections."""
    kept: list[dict] = []
    for sec in [s for s in spec.get("market_text") or [] if s.get("read") != "clauses"]:   # market_clauses'
        start = next((i for i, ln in enumerate(lines) if re.search(sec["start"], ln.strip())), None)
        if start is None:
            continue
        end = next((i for i in range(start + 1, len(lines)) if re.search(sec["end"], lines[i].strip())), len(lines))
        for para in paragraphs(lines, start + 1, end):
            for row in _rows_of_paragraph(ex, para, lines, sec["section"]):
                key = lambda r: (r["metric"], r["value_low"], r["value_high"], r["unit"], r["period_start"],  # noqa: E731
                                 r["period_end"], r["period_basis"])
                same = next((r for r in kept if key(r) == key(row)), None)
                if same is None:
                    kept.append(row)
                else:
                    join_locators(same, row["source_locator"])
    ex.rows["market_figures"].extend(kept)
