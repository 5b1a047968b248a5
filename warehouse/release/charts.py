"""Charts for the release page: matplotlib figures written as SVG to be inlined in the HTML.

Every chart is drawn on its own :class:`~matplotlib.figure.Figure` (no pyplot, no global backend) and saved
with the SVG backend under a fixed :func:`matplotlib.rc_context`:

* ``svg.fonttype = "none"``: text stays ``<text>`` (labels may be Chinese; the browser draws them with its own
  CJK font);
* ``svg.hashsalt`` and ``svg.id`` are the chart's id, no date or creator metadata, and every artist gets a
  chart-prefixed gid: the same input gives byte-identical SVG, and ids never collide between the charts of one
  page;
* nothing is clipped (no ``clip-path: url(...)`` references) and the XML prolog is dropped.

Each bar (or stacked segment) has the gid ``<chart id>:<kind>:<key>[:<key>]:<value>`` (``kind`` is ``bar`` or
``segment``, keys are URL-quoted) so that tests and readers can take the drawn values back from the SVG.
"""
from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from urllib.parse import quote

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

CHART_PATENTS = "chart-patents-by-country"
CHART_POLICY_TYPES = "chart-policies-by-type"
CHART_POLICY_YEARS = "chart-policies-by-year"
EMPTY_MESSAGE = "No data in this release."

WIDTH_PX = 760                 # SVG user units; the page shows 1 unit as 1 CSS px (at most)
_TEXT = "#1f2328"
_MUTED = "#59636e"
_GRID = "#eaeef2"
_AXIS = "#8c959f"
# Fonts matplotlib measures text with (the browser uses the same list, then its own fallbacks); CJK ones only
# when installed, so that a machine without them logs no "font not found".
_CJK_FONTS = ("Noto Sans CJK TC", "Noto Sans CJK SC", "Source Han Sans TC", "WenQuanYi Zen Hei")
_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
_XLINK_NS = ' xmlns:xlink="http://www.w3.org/1999/xlink"'


def number(value) -> str:
    """``1234`` -> ``"1,234"``, ``2.5`` -> ``"2.50"``, None -> ``""`` (the page's number format)."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def bar_gid(chart_id: str, kind: str, keys: tuple[str, ...], value) -> str:
    """The gid of one drawn bar: ``<chart id>:<kind>:<quoted key>...:<value>`` (see the module docstring)."""
    return ":".join([chart_id, kind, *(quote(str(k), safe="") for k in keys), str(value)])


def _rc(chart_id: str) -> dict:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return {"svg.fonttype": "none", "svg.hashsalt": chart_id, "svg.id": chart_id, "text.parse_math": False,
            "font.family": "sans-serif",
            "font.sans-serif": ["DejaVu Sans", *(f for f in _CJK_FONTS if f in installed), "Arial"],
            "font.size": 12, "xtick.labelsize": 11, "ytick.labelsize": 12, "text.color": _TEXT,
            "axes.edgecolor": _AXIS, "xtick.color": _MUTED, "ytick.color": _TEXT, "legend.frameon": False,
            "figure.facecolor": "none", "axes.facecolor": "none"}


def _render(chart_id: str, height_px: float, draw: Callable[[Figure], None]) -> str:
    """Draw one figure ``WIDTH_PX`` x ``height_px`` with ``draw`` and return its ``<svg>`` element as text."""
    with warnings.catch_warnings(), mpl.rc_context(_rc(chart_id)):
        # Without an installed CJK font matplotlib measures Chinese text roughly; the browser still draws it.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        fig = Figure(figsize=(WIDTH_PX / 72, height_px / 72), layout="constrained")
        FigureCanvasSVG(fig)
        draw(fig)
        fig.draw_without_rendering()             # creates the tick artists, so the loop below sees them
        fig.set_layout_engine("none")            # the constrained layout is done: keep it, do not redo it
        for n, artist in enumerate(fig.findobj()):
            artist.set_clip_on(False)
            if artist.get_gid() is None:
                artist.set_gid(f"{chart_id}-{n}")
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata=_NO_METADATA)
    svg = out.getvalue()
    # Inline SVG in HTML needs neither the XML prolog (it names the DTD's URL) nor namespace declarations
    # other than the SVG one (the HTML parser knows xlink:href).
    return svg[svg.index("<svg"):].replace(_XLINK_NS, "", 1)


def _value_axis(axis, top: float) -> None:
    axis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    axis.axes.grid(axis="x" if axis is axis.axes.xaxis else "y", color=_GRID, linewidth=1)
    axis.axes.set_axisbelow(True)
    for side in ("top", "right"):
        axis.axes.spines[side].set_visible(False)
    (axis.axes.set_xlim if axis is axis.axes.xaxis else axis.axes.set_ylim)(0, top * 1.12)


def _legend(fig: Figure, ncols: int) -> None:
    """Legend below the plot, read row by row (matplotlib fills columns first, larger columns leftmost)."""
    handles, labels = fig.axes[0].get_legend_handles_labels()
    rows = -(-len(handles) // ncols)
    order = [r * ncols + c for c in range(ncols) for r in range(rows) if r * ncols + c < len(handles)]
    fig.legend([handles[i] for i in order], [labels[i] for i in order], loc="outside lower center", ncols=ncols,
               fontsize=11, handlelength=1, handleheight=1)


def _text_colour(fill: str) -> str:
    """Black or white, whichever reads better on the ``#rrggbb`` fill."""
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return _TEXT if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def empty_chart(chart_id: str, message: str = EMPTY_MESSAGE) -> str:
    """An SVG that only says ``message`` (for a chart whose table is missing or empty)."""
    def draw(fig: Figure) -> None:
        fig.text(0.01, 0.5, message, va="center", color=_MUTED, fontsize=14)
    return _render(chart_id, 60, draw)


def hbar_chart(chart_id: str, items: list[tuple[str, str, float]], *, colour: str = "#4e79a7") -> str:
    """Horizontal bars as an ``<svg>`` string, the first item on top.

    ``items`` are ``(key, label, value)``; ``label`` is written left of the bar and the value right of it.
    Bars have gids ``<chart_id>:bar:<key>:<value>``. No items give :func:`empty_chart`.
    """
    if not items:
        return empty_chart(chart_id)

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        keys, labels, values = zip(*items, strict=True)
        bars = ax.barh(range(len(items)), values, height=0.7, color=colour, tick_label=labels)
        for bar, key, value in zip(bars, keys, values, strict=True):
            bar.set_gid(bar_gid(chart_id, "bar", (key,), value))
        ax.bar_label(bars, labels=[number(v) for v in values], padding=4)
        ax.invert_yaxis()
        ax.tick_params(axis="y", length=0)
        _value_axis(ax.xaxis, max(values))
    return _render(chart_id, 26 * len(items) + 44, draw)


def stacked_hbar_chart(chart_id: str, rows: list[tuple[str, str]], series: list[tuple[str, str]],
                       values: dict[tuple[str, str], float]) -> str:
    """Horizontal stacked bars as an ``<svg>`` string: one bar per row (first on top), one segment per series.

    ``rows`` are ``(key, label)``, ``series`` are ``(key, colour)`` in stacking and legend order, ``values``
    maps ``(row key, series key)`` to the segment's size (missing or 0: no segment). Segments have gids
    ``<chart_id>:segment:<row>:<series>:<value>``; each bar's total is written right of it, and series that
    have any segment are in the legend below. No rows or values give :func:`empty_chart`.
    """
    if not rows or not values:
        return empty_chart(chart_id)
    totals = [sum(values.get((r, s), 0) for s, _ in series) for r, _ in rows]

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        left = [0.0] * len(rows)
        for s, colour in series:
            shown = [i for i, (r, _) in enumerate(rows) if values.get((r, s))]
            if not shown:
                continue
            sizes = [values[(rows[i][0], s)] for i in shown]
            bars = ax.barh(shown, sizes, left=[left[i] for i in shown], height=0.7, color=colour,
                           edgecolor="#ffffff", linewidth=1, label=s)
            for bar, i, v in zip(bars, shown, sizes, strict=True):
                bar.set_gid(bar_gid(chart_id, "segment", (rows[i][0], s), v))
                left[i] += v
            ax.bar_label(bars, labels=[number(v) if v >= max(totals) / 25 else "" for v in sizes],
                         label_type="center", color=_text_colour(colour), fontsize=11)
        for i, total in enumerate(totals):
            ax.annotate(number(total), (total, i), xytext=(6, 0), textcoords="offset points", va="center")
        ax.set_yticks(range(len(rows)), [label for _, label in rows])
        ax.invert_yaxis()
        ax.tick_params(axis="y", length=0)
        _value_axis(ax.xaxis, max(totals))
        _legend(fig, 6)
    legend_rows = -(-sum(1 for s, _ in series if any(values.get((r, s)) for r, _ in rows)) // 6)
    return _render(chart_id, 30 * len(rows) + 44 + 22 * legend_rows, draw)


def grouped_bar_chart(chart_id: str, groups: list[str], series: list[tuple[str, str]],
                      values: dict[tuple[str, str], float], labels: dict[str, str] | None = None) -> str:
    """Vertical grouped bars as an ``<svg>`` string: one group per x value (e.g. a year), one bar per series.

    ``series`` are ``(key, colour)``; ``values`` maps ``(group, series key)`` to the bar's height (missing or 0:
    no bar); ``labels`` maps series keys to legend text (default: the key). Bars have gids
    ``<chart_id>:bar:<group>:<series>:<value>`` and their value written above. No groups or values give
    :func:`empty_chart`.
    """
    if not groups or not values:
        return empty_chart(chart_id)
    labels = labels or {}
    bar_w = min(0.8 / max(1, len(series)), 0.45)

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        for si, (s, colour) in enumerate(series):
            shown = [gi for gi, g in enumerate(groups) if values.get((g, s))]
            if not shown:
                continue
            heights = [values[(groups[gi], s)] for gi in shown]
            offset = (si - (len(series) - 1) / 2) * bar_w
            bars = ax.bar([gi + offset for gi in shown], heights, width=bar_w * 0.92, color=colour,
                          label=labels.get(s, s))
            for bar, gi, v in zip(bars, shown, heights, strict=True):
                bar.set_gid(bar_gid(chart_id, "bar", (groups[gi], s), v))
            ax.bar_label(bars, labels=[number(v) for v in heights], padding=2, fontsize=10, color=_MUTED)
        ax.set_xticks(range(len(groups)), groups)
        ax.set_xlim(-0.5, len(groups) - 0.5)
        ax.tick_params(axis="x", length=0, labelcolor=_TEXT)
        _value_axis(ax.yaxis, max(values.values()))
        _legend(fig, 5)
    return _render(chart_id, 300 + 22 * -(-len(series) // 5), draw)


CHART_TIMELINE = "chart-policy-timeline"


def timeline_chart(chart_id: str, lanes: list[str], points: list[tuple[str, float, str]],
                   kinds: list[tuple[str, str]], ticks: list[tuple[float, str]]) -> str:
    """Stages on a time axis, one lane per instrument (top to bottom in ``lanes`` order). ``points``: (lane,
    x as a fractional year, kind); ``kinds``: (kind, colour) in legend order; ``ticks``: (x, label). Each marker
    has the gid ``<chart id>:point:<lane>:<kind>:<x>``."""
    if not points:
        return empty_chart(chart_id)
    row = {lane: i for i, lane in enumerate(lanes)}

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        for lane in lanes:
            ax.axhline(row[lane], color=_GRID, linewidth=1, zorder=0)
        for kind, colour in kinds:
            mine = [(lane, x) for lane, x, k in points if k == kind]
            if not mine:
                continue
            dots = ax.scatter([x for _, x in mine], [row[lane] for lane, _ in mine], s=46, color=colour,
                              edgecolors="white", linewidths=0.8, zorder=3, label=kind.replace("_", " "))
            dots.set_gid(f"{chart_id}:kind:{quote(kind, safe='')}")
            for lane, x in mine:   # one invisible, addressable marker per stage, for readers and tests
                m = ax.plot([x], [row[lane]], linestyle="none", marker="o", alpha=0)[0]
                m.set_gid(f"{chart_id}:point:{quote(lane, safe='')}:{quote(kind, safe='')}:{x:.3f}")
        ax.set_yticks(range(len(lanes)), lanes)
        ax.set_ylim(len(lanes) - 0.5, -0.5)
        ax.set_xticks([x for x, _ in ticks], [label for _, label in ticks])
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="y", length=0)
        _legend(fig, min(4, len(kinds)))
    return _render(chart_id, 90 + 26 * len(lanes), draw)
