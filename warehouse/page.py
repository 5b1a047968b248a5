"""Release page: one self-contained static ``index.html`` in a release folder.

The page shows the release's metadata, row counts, validation summary, the changes since the previous release,
three charts and links to the files of the release. It needs nothing else to render: no scripts, no external
style sheets, fonts or images (a Content-Security-Policy forbids loading any). Charts are inline SVG drawn here
from the release's Parquet files (read with DuckDB). Every piece of text taken from data is escaped.

Over the size budget: hand-written HTML, Markdown and SVG; being replaced by templates and a plotting library (issue 9).
"""
from __future__ import annotations

import html
import json
import math
import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

PAGE_FILE = "index.html"

CHART_PATENTS = "chart-patents-by-country"
CHART_POLICY_TYPES = "chart-policies-by-type"
CHART_POLICY_YEARS = "chart-policies-by-year"

_VERSION_RE = re.compile(r"^\d{4}\.\d{2}\.\d{2}(?:\.\d+)?$")
_EXTRA_NAMES = {"EU": "European Union", "INT": "International", "WLD": "World"}
# Tableau-10-like palette (colour-blind friendlier than defaults); grey is kept for "other".
# Instrument types in contract order: strategy, law, bill, executive_order, regulation, guideline, framework,
# programme, funding, infrastructure, institution, standard (then anything new).
_TYPE_COLOURS = ["#4e79a7", "#e15759", "#ff9da7", "#f28e2b", "#9c755f", "#edc948", "#b07aa1", "#59a14f",
                 "#8cd17d", "#76b7b2", "#499894", "#d37295", "#86bcb6", "#d4a6c8"]
_SERIES_COLOURS = ["#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
                   "#ff9da7", "#499894"]
_OTHER_COLOUR = "#bab0ac"
_FILE_NOTES = {
    "atlas.duckdb": "DuckDB database: every table (with column comments) and one view per report table",
    "manifest.json": "version, schema version, created time, code revision, input sha256s, row counts, file sha256s",
    "validation.json": "every expectation's result, severity and example rows",
    "codebook.md": "every table and column (from schemas/tables.yaml)",
    "CHANGELOG.md": "changes since the previous release (summary)",
    "changes.parquet": "record-level changes since the previous release",
}

_CSS = """
:root { color-scheme: light; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 32px 48px; color: #1f2328; background: #fff;
  font: 15px/1.5 "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", "Noto Sans",
  "Noto Sans CJK TC", "Noto Sans TC", "Source Han Sans TC", "PingFang TC", "Microsoft JhengHei",
  "Heiti TC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
.sub { color: #59636e; margin: 0 0 16px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre, .mono { font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, "Noto Sans Mono CJK TC",
  monospace; font-size: 13px; }
pre { background: #f6f8fa; padding: 10px; overflow-x: auto; white-space: pre-wrap; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600; color: #fff; }
.ok { background: #1a7f37; } .warn { background: #9a6700; } .fail { background: #cf222e; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 8px 0; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 16px; min-width: 120px; }
.card b { display: block; font-size: 22px; }
figure { margin: 12px 0 24px; }
figcaption { color: #59636e; font-size: 13px; }
svg.chart { width: 100%; max-width: 820px; height: auto; display: block; }
svg.chart text { font-size: 12px; fill: #1f2328; }
svg.chart .axis { stroke: #8c959f; stroke-width: 1; }
svg.chart .grid { stroke: #eaeef2; stroke-width: 1; }
svg.chart text.tick { fill: #59636e; font-size: 11px; }
svg.chart text.empty { fill: #59636e; font-size: 14px; }
.note { color: #59636e; font-size: 13px; }
"""


# --- small helpers ------------------------------------------------------------------------------

def _e(value) -> str:
    """Escape any value (stringified) for HTML text and attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


def _num(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def _place_name(code: str | None) -> str:
    """Readable name of a jurisdiction / scope code (ISO 3166-1 alpha-2, EU, INT, WLD)."""
    if not code:
        return "unknown"
    if code in _EXTRA_NAMES:
        return _EXTRA_NAMES[code]
    try:
        import pycountry

        country = pycountry.countries.get(alpha_2=code)
    except (ImportError, LookupError, KeyError):
        country = None
    return (getattr(country, "common_name", None) or country.name) if country else code


def _place_label(code: str | None) -> str:
    name = _place_name(code)
    return f"{code} {name}" if code and name != code else (code or "unknown")


def _nice_step(max_value: float, target_ticks: int = 5) -> float:
    if max_value <= 0:
        return 1
    raw = max_value / target_ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return max(factor * magnitude, 1)
    return 10 * magnitude


def _ticks(max_value: float) -> tuple[list[float], float]:
    """Tick values from 0 and the axis maximum (a multiple of the step, >= max_value)."""
    step = _nice_step(max_value)
    top = step * max(1, math.ceil(max_value / step))
    n = int(round(top / step))
    return [step * i for i in range(n + 1)], top


def _tick_label(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _text_colour(fill: str) -> str:
    """Black or white, whichever reads better on the ``#rrggbb`` fill."""
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return "#1f2328" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def _svg_open(svg_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [f'<svg class="chart" id="{_e(svg_id)}" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-labelledby="{_e(svg_id)}-title {_e(svg_id)}-desc">',
            f'<title id="{_e(svg_id)}-title">{_e(title)}</title>',
            f'<desc id="{_e(svg_id)}-desc">{_e(desc)}</desc>']


def _empty_svg(svg_id: str, title: str, message: str = "No data in this release.") -> str:
    parts = _svg_open(svg_id, 760, 60, title, message)
    parts.append(f'<text class="empty" x="10" y="35">{_e(message)}</text></svg>')
    return "\n".join(parts)


def _text_width(text: str) -> int:
    """Rough width in px of 12px text: wide (CJK) characters count double."""
    return sum(12 if unicodedata.east_asian_width(ch) in "WF" else 7 for ch in text)


def _legend(items: list[tuple[str, str]], x0: int, y0: int, width: int) -> tuple[list[str], int]:
    """Legend swatches laid out in rows; returns the SVG parts and the height used."""
    parts, x, y = [], x0, y0
    for label, colour in items:
        w = 22 + _text_width(label) + 14
        if x + w > x0 + width and x > x0:
            x, y = x0, y + 20
        parts.append(f'<g class="legend-item"><rect x="{x}" y="{y}" width="12" height="12" fill="{_e(colour)}"/>'
                     f'<text x="{x + 17}" y="{y + 10}">{_e(label)}</text></g>')
        x += w
    return parts, (y - y0) + 20 if items else 0


# --- charts ---------------------------------------------------------------------------------------

def hbar_chart(svg_id: str, title: str, items: list[tuple[str, str, float]], *, colour: str = "#4e79a7") -> str:
    """Horizontal bar chart as an inline SVG string.

    ``items`` are ``(key, label, value)``, drawn top to bottom in the given order; each bar carries
    ``data-key`` and ``data-value`` attributes and a tooltip.
    """
    if not items:
        return _empty_svg(svg_id, title)
    width, label_w, value_w, row_h, top = 760, 180, 80, 26, 8
    plot_w = width - label_w - value_w
    ticks, top_value = _ticks(max(v for _, _, v in items))
    plot_h = row_h * len(items)
    height = top + plot_h + 28
    parts = _svg_open(svg_id, width, height, title,
                      "; ".join(f"{label}: {_num(v)}" for _, label, v in items))
    for t in ticks:
        x = label_w + plot_w * t / top_value
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}"/>')
        parts.append(f'<text class="tick" x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                     f'{_e(_tick_label(t))}</text>')
    for i, (key, label, value) in enumerate(items):
        y = top + i * row_h
        w = plot_w * value / top_value
        parts.append(f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end">{_e(label)}</text>')
        parts.append(f'<rect class="bar" data-key="{_e(key)}" data-value="{_e(value)}" x="{label_w}" '
                     f'y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{_e(colour)}">'
                     f'<title>{_e(label)}: {_e(_num(value))}</title></rect>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + row_h / 2 + 4:.1f}">{_e(_num(value))}</text>')
    parts.append(f'<line class="axis" x1="{label_w}" y1="{top}" x2="{label_w}" y2="{top + plot_h}"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def stacked_hbar_chart(svg_id: str, title: str, rows: list[tuple[str, str]], series: list[tuple[str, str]],
                       values: dict[tuple[str, str], float]) -> str:
    """Horizontal stacked bars as an inline SVG string.

    ``rows`` are ``(key, label)`` (one bar each), ``series`` are ``(key, colour)`` (one segment each, legend
    below) and ``values`` maps ``(row key, series key)`` to the segment's size. Segments carry ``data-row``,
    ``data-series`` and ``data-value``.
    """
    if not rows or not values:
        return _empty_svg(svg_id, title)
    width, label_w, value_w, row_h, top = 760, 180, 50, 30, 8
    plot_w = width - label_w - value_w
    totals = {r: sum(values.get((r, s), 0) for s, _ in series) for r, _ in rows}
    ticks, top_value = _ticks(max(totals.values()))
    plot_h = row_h * len(rows)
    legend, legend_h = _legend([(s, c) for s, c in series if any(values.get((r, s)) for r, _ in rows)],
                               label_w, top + plot_h + 30, plot_w + value_w)
    height = top + plot_h + 30 + legend_h + 6
    desc = "; ".join(f"{label}: " + ", ".join(f"{s} {_num(values[(r, s)])}" for s, _ in series if values.get((r, s)))
                     for r, label in rows)
    parts = _svg_open(svg_id, width, height, title, desc)
    for t in ticks:
        x = label_w + plot_w * t / top_value
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}"/>')
        parts.append(f'<text class="tick" x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                     f'{_e(_tick_label(t))}</text>')
    for i, (row, label) in enumerate(rows):
        y = top + i * row_h
        x = float(label_w)
        parts.append(f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end">{_e(label)}</text>')
        for s, colour in series:
            v = values.get((row, s), 0)
            if not v:
                continue
            w = plot_w * v / top_value
            parts.append(f'<rect class="segment" data-row="{_e(row)}" data-series="{_e(s)}" data-value="{_e(v)}" '
                         f'x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{_e(colour)}" '
                         f'stroke="#fff" stroke-width="1"><title>{_e(label)}, {_e(s)}: {_e(_num(v))}</title></rect>')
            if w >= 16:
                parts.append(f'<text x="{x + w / 2:.1f}" y="{y + row_h / 2 + 4:.1f}" text-anchor="middle" '
                             f'style="fill:{_text_colour(colour)}">{_e(_num(v))}</text>')
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + row_h / 2 + 4:.1f}">{_e(_num(totals[row]))}</text>')
    parts.append(f'<line class="axis" x1="{label_w}" y1="{top}" x2="{label_w}" y2="{top + plot_h}"/>')
    parts.extend(legend)
    parts.append("</svg>")
    return "\n".join(parts)


def grouped_bar_chart(svg_id: str, title: str, groups: list[str], series: list[tuple[str, str]],
                      values: dict[tuple[str, str], float], labels: dict[str, str] | None = None) -> str:
    """Vertical grouped bars as an inline SVG string: one group per x value (e.g. a year), one bar per series.

    ``series`` are ``(key, colour)``; ``values`` maps ``(group, series key)`` to the bar's height. Bars carry
    ``data-group``, ``data-series`` and ``data-value``; a legend (``labels`` maps series keys to legend text) is
    drawn below.
    """
    if not groups or not values:
        return _empty_svg(svg_id, title)
    width, left, right, top, plot_h = 760, 50, 10, 20, 220
    plot_w = width - left - right
    ticks, top_value = _ticks(max(values.values()))
    legend, legend_h = _legend(series if labels is None else [(labels.get(s, s), c) for s, c in series],
                               left, top + plot_h + 32, plot_w)
    height = top + plot_h + 32 + legend_h + 6
    desc = "; ".join(f"{g}: " + ", ".join(f"{s} {_num(values[(g, s)])}" for s, _ in series if values.get((g, s)))
                     for g in groups if any(values.get((g, s)) for s, _ in series))
    parts = _svg_open(svg_id, width, height, title, desc)
    base = top + plot_h
    for t in ticks:
        y = base - plot_h * t / top_value
        parts.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_e(_tick_label(t))}</text>')
    group_w = plot_w / len(groups)
    bar_w = min(36.0, group_w * 0.8 / max(1, len(series)))
    for gi, group in enumerate(groups):
        gx = left + gi * group_w + (group_w - bar_w * len(series)) / 2
        for si, (s, colour) in enumerate(series):
            v = values.get((group, s), 0)
            if not v:
                continue
            h = plot_h * v / top_value
            x = gx + si * bar_w
            parts.append(f'<rect class="bar" data-group="{_e(group)}" data-series="{_e(s)}" data-value="{_e(v)}" '
                         f'x="{x:.1f}" y="{base - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                         f'fill="{_e(colour)}"><title>{_e(group)}, {_e(s)}: {_e(_num(v))}</title></rect>')
            parts.append(f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{base - h - 4:.1f}" text-anchor="middle" '
                         f'class="tick">{_e(_num(v))}</text>')
        parts.append(f'<text x="{left + gi * group_w + group_w / 2:.1f}" y="{base + 18}" text-anchor="middle">'
                     f'{_e(group)}</text>')
    parts.append(f'<line class="axis" x1="{left}" y1="{base}" x2="{width - right}" y2="{base}"/>')
    parts.extend(legend)
    parts.append("</svg>")
    return "\n".join(parts)


# --- data -----------------------------------------------------------------------------------------

def _query(con, release_dir: Path, table: str, sql: str) -> list[tuple] | None:
    """Run ``sql`` with ``{t}`` standing for the table's Parquet file; None when the file is missing."""
    path = release_dir / f"{table}.parquet"
    if not path.exists():
        return None
    return con.execute(sql.format(t="read_parquet(?)"), [str(path)]).fetchall()


def _instrument_types() -> list[str]:
    try:
        import schemas

        enum = schemas.table("policies").column("instrument_type").enum
        return list(enum or [])
    except Exception:  # the page must not fail on a contract change; fall back to data order
        return []


def _charts(release_dir: Path) -> dict[str, str]:
    import duckdb

    con = duckdb.connect()
    try:
        patents = _query(con, release_dir, "patent_counts",
                         "SELECT jurisdiction, period_start, period_end, basis, publisher, sum(patent_families) AS n "
                         "FROM {t} WHERE applicant IS NULL GROUP BY ALL ORDER BY n DESC, jurisdiction")
        types = _query(con, release_dir, "policies",
                       "SELECT jurisdiction, instrument_type, count(*) FROM {t} GROUP BY ALL")
        years = _query(con, release_dir, "policies",
                       "SELECT jurisdiction, year(issued_on) AS y, count(*) FROM {t} GROUP BY ALL ORDER BY y")
        flags = _query(con, release_dir, "quality_flags",
                       "SELECT check_name, string_agg(DISTINCT severity, ', ' ORDER BY severity), "
                       "string_agg(DISTINCT table_name, ', ' ORDER BY table_name), count(*) AS n "
                       "FROM {t} GROUP BY check_name ORDER BY n DESC, check_name")
    finally:
        con.close()

    out: dict[str, str] = {}
    # (1) patent families by country
    title = "GenAI patent families by country"
    # Figures for different periods, bases or publishers are never added up: each gets its own bar.
    periods = sorted({(p0, p1, basis, pub) for _, p0, p1, basis, pub, _ in patents or []})
    one_period = len(periods) <= 1
    many_publishers = len({pub for *_, pub in periods}) > 1
    items = []
    for j, p0, p1, basis, pub, n in patents or []:
        if one_period:
            items.append((j, _place_label(j), n))
        else:
            suffix = f" {p0}–{p1}" + (f" ({pub})" if many_publishers else "")
            items.append((f"{j} {p0}-{p1} {basis} {pub}", f"{j}{suffix}", n))
    out["patents"] = hbar_chart(CHART_PATENTS, title, items)
    out["patents_note"] = ("Filing years " + "; ".join(f"{p0}–{p1} (by {basis.replace('_', ' ')}; {pub})"
                                                        for p0, p1, basis, pub in periods)) if periods else ""

    # (2) policies by jurisdiction and instrument type
    values = {(j, t): n for j, t, n in types or []}
    totals: dict[str, int] = {}
    for (j, _), n in values.items():
        totals[j] = totals.get(j, 0) + n
    rows = [(j, _place_label(j)) for j in sorted(totals, key=lambda j: (-totals[j], j))]
    order = _instrument_types()
    kinds = [t for t in order if any(k == t for _, k in values)] + sorted({k for _, k in values} - set(order))
    series = [(k, _OTHER_COLOUR if k == "other" else _TYPE_COLOURS[(order.index(k) if k in order else i)
                                                                    % len(_TYPE_COLOURS)])
              for i, k in enumerate(kinds)]
    out["types"] = stacked_hbar_chart(CHART_POLICY_TYPES, "Policy instruments by jurisdiction and type",
                                      rows, series, values)

    # (3) policies over time
    dated = [(j, y, n) for j, y, n in years or [] if y is not None]
    undated = sum(n for _, y, n in years or [] if y is None)
    if dated:
        lo, hi = min(y for _, y, _ in dated), max(y for _, y, _ in dated)
        span = list(range(lo, hi + 1)) if hi - lo <= 30 else sorted({y for _, y, _ in dated})
        groups = [str(y) for y in span]
    else:
        groups = []
    juris = sorted({j for j, _, _ in dated}, key=lambda j: (-totals.get(j, 0), j))
    jseries = [(j, _SERIES_COLOURS[i % len(_SERIES_COLOURS)]) for i, j in enumerate(juris)]
    out["years"] = grouped_bar_chart(CHART_POLICY_YEARS, "Policy instruments by year issued and jurisdiction",
                                     groups, jseries, {(str(y), j): n for j, y, n in dated},
                                     {j: _place_label(j) for j in juris})
    out["years_note"] = (f"{undated} instrument(s) without a date are not shown." if undated else "")
    out["flags"] = flags
    return out


# --- sections -------------------------------------------------------------------------------------

_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")


def _inline_md(text: str) -> str:
    """Escape one line of Markdown and convert code spans (any number of backticks) and **bold**."""
    out, pos = [], 0

    def plain(chunk: str) -> str:
        return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", _e(chunk))

    for m in _CODE_SPAN.finditer(text):
        out.append(plain(text[pos:m.start()]))
        code = m.group(2)
        if len(code) > 2 and code.startswith(" ") and code.endswith(" ") and code.strip():
            code = code[1:-1]
        out.append(f"<code>{_e(code)}</code>")
        pos = m.end()
    out.append(plain(text[pos:]))
    return "".join(out)


def _list_html(items: list[tuple[int, str, str]]) -> str:
    """Nested <ul>/<ol> from (indent, marker, text) items; deeper indents nest under the previous item."""
    out: list[str] = []
    stack: list[tuple[int, str]] = []          # (indent, tag) of the open lists
    for indent, marker, text in items:
        tag = "ol" if marker[0].isdigit() else "ul"
        while stack and indent < stack[-1][0]:
            out.append(f"</li></{stack.pop()[1]}>")
        if stack and indent == stack[-1][0]:
            out.append("</li>")
        else:
            out.append(f"<{tag}>")
            stack.append((indent, tag))
        out.append(f"<li>{_inline_md(text)}")
    while stack:
        out.append(f"</li></{stack.pop()[1]}>")
    return "".join(out)


def markdown_to_html(text: str) -> str:  # noqa: C901  (over the complexity budget: to be split, issue 9)
    """Minimal, safe Markdown conversion for the change summary.

    Handles headings, bullet and numbered lists (nested by indentation), pipe tables, fenced code blocks,
    paragraphs, inline code and bold. Everything else is shown as text; all text is escaped (raw HTML in the
    input is never passed through).
    """
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    para: list[str] = []
    i = 0

    def flush_para():
        if para:
            out.append("<p>" + "<br>".join(_inline_md(p) for p in para) + "</p>")
            para.clear()

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            flush_para()
            block = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                block.append(lines[i])
                i += 1
            out.append(f"<pre>{_e(chr(10).join(block))}</pre>")
            i += 1
            continue
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", stripped)
        if heading:
            flush_para()
            level = min(6, len(heading.group(1)) + 2)
            out.append(f"<h{level}>{_inline_md(heading.group(2))}</h{level}>")
            i += 1
            continue
        if _LIST_ITEM.match(line):
            flush_para()
            items = []
            while i < len(lines) and (m := _LIST_ITEM.match(lines[i].replace("\t", "    "))):
                items.append((len(m.group(1)), m.group(2), m.group(3).strip()))
                i += 1
            out.append(_list_html(items))
            continue
        if stripped.startswith("|"):
            flush_para()
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            head, right = None, []
            if len(rows) >= 2 and all(re.fullmatch(r":?-{2,}:?", c) for c in rows[1] if c):
                right = [c.endswith(":") and not c.startswith(":") for c in rows[1]]
                head, rows = rows[0], rows[2:]

            def cell(tag: str, j: int, c: str, right=right) -> str:
                cls = ' class="num"' if j < len(right) and right[j] else ""
                return f"<{tag}{cls}>{_inline_md(c)}</{tag}>"

            table = ["<table>"]
            if head:
                table.append("<tr>" + "".join(cell("th", j, c) for j, c in enumerate(head)) + "</tr>")
            table += ["<tr>" + "".join(cell("td", j, c) for j, c in enumerate(r)) + "</tr>" for r in rows]
            out.append("".join(table) + "</table>")
            continue
        if not stripped:
            flush_para()
        else:
            para.append(stripped)
        i += 1
    flush_para()
    return "\n".join(out)


def _other_releases(release_dir: Path) -> list[str]:
    root = release_dir.parent
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and _VERSION_RE.match(p.name) and p.resolve() != release_dir.resolve())


def _changes_section(release_dir: Path, manifest: dict, changes_markdown: str | None) -> str:
    if changes_markdown is None:
        others = [v for v in _other_releases(release_dir) if v != manifest.get("version")]
        if others:
            return '<p class="note">No changes recorded for this release.</p>'
        return '<p class="note">First release: there is no previous release to compare with.</p>'
    if not changes_markdown.strip():
        return '<p class="note">No changes since the previous release.</p>'
    return f'<div class="changes">{markdown_to_html(changes_markdown)}</div>'


def _expectation_column(kwargs: dict) -> str:
    for key in ("column", "column_A", "column_list", "column_set"):
        if key in kwargs:
            value = kwargs[key]
            if key == "column_A" and "column_B" in kwargs:
                return f"{value}, {kwargs['column_B']}"
            return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    return ""


def _validation_section(validation: dict) -> str:
    success = bool(validation.get("success"))
    critical = validation.get("critical_failures", 0) or 0
    warnings = validation.get("warnings", 0) or 0
    if not success or critical:
        badge = '<span class="badge fail">failed</span>'
    elif warnings:
        badge = '<span class="badge warn">passed with warnings</span>'
    else:
        badge = '<span class="badge ok">passed</span>'
    parts = [f"<p>{badge}</p>", '<div class="cards">',
             '<div class="card" id="validation-evaluated">Expectations evaluated'
             f'<b>{_e(_num(validation.get("evaluated", 0)))}</b></div>',
             f'<div class="card" id="validation-critical">Critical failures<b>{_e(_num(critical))}</b></div>',
             f'<div class="card" id="validation-warnings">Warnings<b>{_e(_num(warnings))}</b></div>',
             "</div>"]
    failed = []
    per_table = []
    for name, result in (validation.get("tables") or {}).items():
        exps = result.get("expectations") or []
        bad = [x for x in exps if not x.get("success")]
        per_table.append((name, result.get("rows"), len(exps), len(bad)))
        failed += [(name, x) for x in bad]
    if failed:
        parts.append("<h3>Failed expectations</h3>")
        parts.append('<table id="failed-expectations"><tr><th>severity</th><th>table</th><th>column</th>'
                     '<th>expectation</th><th>arguments</th><th class="num">unexpected</th><th>examples</th></tr>')
        for name, x in sorted(failed, key=lambda f: (f[1].get("severity") != "critical", f[0])):
            kwargs = dict(x.get("kwargs") or {})
            column = _expectation_column(kwargs)
            args = {k: v for k, v in kwargs.items()
                    if k not in ("batch_id", "column", "column_A", "column_B", "column_list", "column_set")}
            examples = x.get("examples") or []
            args_text = json.dumps(args, ensure_ascii=False, default=str) if args else ""
            shown = "; ".join(json.dumps(ex, ensure_ascii=False, default=str) for ex in examples[:3])
            if len(examples) > 3:
                shown += f" … ({len(examples)} examples)"
            parts.append(f"<tr><td>{_e(x.get('severity'))}</td><td>{_e(name)}</td><td>{_e(column)}</td>"
                         f"<td class=\"mono\">{_e(x.get('expectation'))}</td>"
                         f"<td class=\"mono\">{_e(args_text)}</td>"
                         f"<td class=\"num\">{_e(_num(x.get('unexpected_count')))}</td><td>{_e(shown)}</td></tr>")
        parts.append("</table>")
    else:
        parts.append('<p class="note">Every expectation passed.</p>')
    if per_table:
        parts.append("<details><summary>Expectations per table</summary><table><tr><th>table</th>"
                     '<th class="num">rows</th><th class="num">expectations</th><th class="num">failed</th></tr>')
        parts += [f'<tr><td>{_e(n)}</td><td class="num">{_e(_num(r))}</td><td class="num">{_e(_num(e))}</td>'
                  f'<td class="num">{_e(_num(b))}</td></tr>' for n, r, e, b in per_table]
        parts.append("</table></details>")
    parts.append('<p class="note">Full results with example rows: <a href="validation.json">validation.json</a>.</p>')
    return "\n".join(parts)


def _row_counts_section(manifest: dict) -> str:
    try:
        import schemas

        descriptions = {n: t.description for n, t in schemas.tables().items()}
    except Exception:  # descriptions are a nicety; never fail the page on them
        descriptions = {}
    rows = ['<table id="row-counts"><tr><th>table</th><th class="num">rows</th><th>content</th></tr>']
    for name, count in (manifest.get("row_counts") or {}).items():
        rows.append(f'<tr><td><a href="{_e(quote(name + ".parquet"))}">{_e(name)}</a></td>'
                    f'<td class="num" data-table="{_e(name)}">{_e(_num(count))}</td>'
                    f"<td>{_e(descriptions.get(name, ''))}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


def _files_section(release_dir: Path, manifest: dict) -> str:
    known = manifest.get("files") or {}
    files = sorted(p for p in release_dir.iterdir()
                   if p.is_file() and not p.name.startswith(".") and p.name != PAGE_FILE)
    rows = ['<table id="files"><tr><th>file</th><th class="num">bytes</th><th>sha256</th><th>content</th></tr>']
    for p in files:
        note = _FILE_NOTES.get(p.name, f"table {p.stem} (Parquet)" if p.suffix == ".parquet" else "")
        sha = (known.get(p.name) or {}).get("sha256", "")
        rows.append(f'<tr><td><a href="{_e(quote(p.name))}">{_e(p.name)}</a></td>'
                    f'<td class="num">{_e(_num(p.stat().st_size))}</td>'
                    f'<td class="mono" title="{_e(sha)}">{_e(sha[:12])}</td><td>{_e(note)}</td></tr>')
    rows.append("</table>")
    return "\n".join(rows)


def _flags_section(flags: list[tuple] | None) -> str:
    if flags is None:
        return '<p class="note">quality_flags.parquet is not in this release.</p>'
    if not flags:
        return '<p class="note">No quality flags.</p>'
    rows = ['<table id="quality-flags"><tr><th>check</th><th>severity</th><th>tables</th>'
            '<th class="num">flags</th></tr>']
    rows += [f'<tr><td class="mono">{_e(check)}</td><td>{_e(sev)}</td><td>{_e(tables)}</td>'
             f'<td class="num">{_e(_num(n))}</td></tr>' for check, sev, tables, n in flags]
    rows.append("</table>")
    return "\n".join(rows)


# --- the page -------------------------------------------------------------------------------------

def render_page(release_dir: Path, manifest: dict, validation: dict, changes_markdown: str | None = None) -> str:
    """The release page as one HTML string (see :func:`write_page`)."""
    release_dir = Path(release_dir)
    version = manifest.get("version") or release_dir.name
    charts = _charts(release_dir)
    revision = str(manifest.get("code_revision", "unknown"))
    inputs = manifest.get("inputs") or {}
    title = f"GenAI Policy Atlas — release {version}"
    meta_rows = [("Version", version), ("Created", manifest.get("created", "")),
                 ("Code revision", revision), ("Schema version", manifest.get("schema_version", ""))]
    body = [
        f"<h1>{_e(title)}</h1>",
        '<p class="sub">Generative-AI policies, patent counts and market figures by country, built from source '
        "documents and validated before publication.</p>",
        '<table id="release-meta">' + "".join(f'<tr><th>{_e(k)}</th><td class="mono">{_e(v)}</td></tr>'
                                               for k, v in meta_rows) + "</table>",
    ]
    if revision.endswith("+dirty"):
        body.append('<p class="note">Built from a working tree with uncommitted changes.</p>')
    if inputs:
        body.append(f"<details><summary>Input snapshots ({len(inputs)})</summary><table>"
                    "<tr><th>file</th><th>sha256</th></tr>"
                    + "".join(f'<tr><td>{_e(k)}</td><td class="mono">{_e(v)}</td></tr>' for k, v in inputs.items())
                    + "</table></details>")
    body += [
        '<h2 id="tables">Tables</h2>', _row_counts_section(manifest),
        '<h2 id="validation">Validation</h2>', _validation_section(validation),
        '<h2 id="changes">Changes since the previous release</h2>',
        _changes_section(release_dir, manifest, changes_markdown),
        '<h2 id="charts">Charts</h2>',
        "<h3>GenAI patent families by country</h3>", "<figure>", charts["patents"],
        f"<figcaption>Country totals (patent_counts where applicant IS NULL). {_e(charts['patents_note'])}"
        "</figcaption></figure>",
        "<h3>Policy instruments by jurisdiction and type</h3>", "<figure>", charts["types"],
        "<figcaption>Number of policy instruments per jurisdiction, split by instrument_type.</figcaption></figure>",
        "<h3>Policy instruments over time</h3>", "<figure>", charts["years"],
        "<figcaption>Number of policy instruments per year of issued_on (month- or year-precision dates count in "
        f"their year). {_e(charts['years_note'])}</figcaption></figure>",
        '<h2 id="quality-flags-heading">Quality flags</h2>',
        _flags_section(charts["flags"]),
        '<h2 id="files-heading">Files</h2>', _files_section(release_dir, manifest),
    ]
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        *body,
        "</body>",
        "</html>",
        "",
    ])


def write_page(release_dir: Path, manifest: dict, validation: dict, changes_markdown: str | None = None) -> Path:
    """Write the release's self-contained ``index.html`` into ``release_dir`` and return its path.

    ``manifest`` and ``validation`` are the release's ``manifest.json`` and ``validation.json`` contents;
    ``changes_markdown`` is the change summary against the previous release (Markdown; None when none was
    computed: the page then says "first release" when ``release_dir`` has no sibling release, else "no changes
    recorded"). Charts are read from the ``<table>.parquet`` files in ``release_dir``; the file list shows what
    is in the folder when called, so call it after ``manifest.json`` is written and before the folder is
    renamed into place. The file is written under a temporary name and renamed, so it is never half-written.
    """
    release_dir = Path(release_dir)
    text = render_page(release_dir, manifest, validation, changes_markdown)
    target = release_dir / PAGE_FILE
    tmp = release_dir / f".{PAGE_FILE}.{os.getpid()}.tmp"
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
