"""The release page's four charts and its quality-flag summary, read from the release's Parquet files.

The figures come from :mod:`warehouse.charts`; this module only queries the data (DuckDB over the Parquet
files, a missing file giving an empty chart) and chooses labels, colours and captions.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.release.charts import (CHART_PATENTS, CHART_POLICY_TYPES, CHART_POLICY_YEARS, CHART_TIMELINE,
                                      grouped_bar_chart, hbar_chart, number, stacked_hbar_chart, timeline_chart)

_EXTRA_NAMES = {"EU": "European Union", "INT": "International", "WLD": "World"}
# Tableau-10-like palette (colour-blind friendlier than defaults); grey is kept for "other".
# Instrument types in contract order: strategy, law, bill, executive_order, regulation, guideline, framework,
# programme, funding, infrastructure, institution, standard (then anything new).
_TYPE_COLOURS = ["#4e79a7", "#e15759", "#ff9da7", "#f28e2b", "#9c755f", "#edc948", "#b07aa1", "#59a14f",
                 "#8cd17d", "#76b7b2", "#499894", "#d37295", "#86bcb6", "#d4a6c8"]
_SERIES_COLOURS = ["#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
                   "#ff9da7", "#499894"]
_OTHER_COLOUR = "#bab0ac"

_SQL = {
    "patents": ("patent_counts",
                "SELECT jurisdiction, period_start, period_end, basis, publisher, sum(patent_families) AS n "
                "FROM {t} WHERE applicant IS NULL AND patent_families IS NOT NULL GROUP BY ALL "
                "ORDER BY n DESC, jurisdiction"),
    "types": ("policies", "SELECT jurisdiction, instrument_type, count(*) FROM {t} GROUP BY ALL"),
    "years": ("policies",
              "SELECT jurisdiction, year(issued_on) AS y, count(*) FROM {t} GROUP BY ALL ORDER BY y"),
    # instruments with at least two dated stages (a lifecycle to show), most stages first, at most 24
    "timeline": ("policy_events",
                 "WITH e AS (SELECT e.policy_id, e.event, e.event_on, p.jurisdiction, coalesce(p.title_en, p.title) "
                 "AS title FROM {t} e JOIN read_parquet(replace(?, 'policy_events.parquet', 'policies.parquet')) p "
                 "USING (policy_id) WHERE e.event_on IS NOT NULL), "
                 "lanes AS (SELECT policy_id, count(DISTINCT (event, event_on)) AS n, min(event_on) AS first "
                 "FROM e GROUP BY 1 HAVING n >= 2 ORDER BY n DESC, first, policy_id LIMIT 24) "
                 "SELECT DISTINCT e.jurisdiction, e.title, e.policy_id, e.event, e.event_on, l.first "
                 "FROM e JOIN lanes l USING (policy_id) ORDER BY l.first, e.policy_id, e.event_on, e.event"),
    "flags": ("quality_flags",
              "SELECT check_name, string_agg(DISTINCT severity, ', ' ORDER BY severity), "
              "string_agg(DISTINCT table_name, ', ' ORDER BY table_name), count(*) AS n "
              "FROM {t} GROUP BY check_name ORDER BY n DESC, check_name"),
}


@dataclass(frozen=True)
class Chart:
    """One chart of the page: ``svg`` is the ``<svg id=...>`` element, ``desc`` its text alternative."""

    id: str
    title: str
    svg: str
    desc: str
    caption: str


def place_name(code: str | None) -> str:
    """Readable name of a jurisdiction / scope code (ISO 3166-1 alpha-2, EU, INT, WLD); the code if unknown."""
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


def place_label(code: str | None) -> str:
    """``"TW Taiwan"`` for ``"TW"``; the bare code (or ``"unknown"``) when there is no name for it."""
    name = place_name(code)
    return f"{code} {name}" if code and name != code else (code or "unknown")


def read_release(release_dir: Path) -> dict[str, list[tuple] | None]:
    """Rows of the page's queries (keys ``patents``, ``types``, ``years``, ``flags``) from the release's
    Parquet files; a query's value is None when its table's file is not in ``release_dir``."""
    con = duckdb.connect()
    try:
        out: dict[str, list[tuple] | None] = {}
        for key, (table, sql) in _SQL.items():
            path = Path(release_dir) / f"{table}.parquet"
            query = sql.format(t="read_parquet(?)")
            out[key] = (con.execute(query, [str(path)] * query.count("?")).fetchall()
                        if path.exists() and (key != "timeline" or path.with_name("policies.parquet").exists())
                        else None)
        return out
    finally:
        con.close()


def _instrument_types() -> list[str]:
    try:
        import schemas

        return list(schemas.table("policies").column("instrument_type").enum or [])
    except Exception:  # the page must not fail on a contract change; fall back to data order
        return []


def patents_chart(rows: list[tuple] | None) -> Chart:
    """Patent families per country (``applicant IS NULL`` rows); figures for different periods, bases or
    publishers are never added up: each gets its own bar."""
    periods = sorted({(p0, p1, basis, pub) for _, p0, p1, basis, pub, _ in rows or []})
    many_publishers = len({pub for *_, pub in periods}) > 1
    items = []
    for j, p0, p1, basis, pub, n in rows or []:
        if len(periods) <= 1:
            items.append((j, place_label(j), n))
        else:
            suffix = f" {p0}–{p1}" + (f" ({pub})" if many_publishers else "")
            items.append((f"{j} {p0}-{p1} {basis} {pub}", f"{j}{suffix}", n))
    note = ("Filing years " + "; ".join(f"{p0}–{p1} (by {basis.replace('_', ' ')}; {pub})"
                                        for p0, p1, basis, pub in periods)) if periods else ""
    return Chart(CHART_PATENTS, "GenAI patent families by country", hbar_chart(CHART_PATENTS, items),
                 "; ".join(f"{label}: {number(v)}" for _, label, v in items) or "No data in this release.",
                 f"Country totals as reported (patent_counts where applicant IS NULL and patent_families is set). "
                 f"{note}".strip())


def _totals(type_rows: list[tuple] | None) -> dict[str, int]:
    totals: dict[str, int] = {}
    for j, _, n in type_rows or []:
        totals[j] = totals.get(j, 0) + n
    return totals


def types_chart(rows: list[tuple] | None) -> Chart:
    """Policy instruments per jurisdiction (most first), stacked by instrument type in contract order."""
    values = {(j, t): n for j, t, n in rows or []}
    totals = _totals(rows)
    bars = [(j, place_label(j)) for j in sorted(totals, key=lambda j: (-totals[j], j))]
    order = _instrument_types()
    kinds = [t for t in order if any(k == t for _, k in values)] + sorted({k for _, k in values} - set(order))
    series = [(k, _OTHER_COLOUR if k == "other" else
               _TYPE_COLOURS[(order.index(k) if k in order else i) % len(_TYPE_COLOURS)])
              for i, k in enumerate(kinds)]
    desc = "; ".join(f"{label}: " + ", ".join(f"{k} {number(values[(j, k)])}" for k in kinds if values.get((j, k)))
                     for j, label in bars)
    return Chart(CHART_POLICY_TYPES, "Policy instruments by jurisdiction and type",
                 stacked_hbar_chart(CHART_POLICY_TYPES, bars, series, values), desc or "No data in this release.",
                 "Number of policy instruments per jurisdiction, split by instrument_type.")


def years_chart(rows: list[tuple] | None, type_rows: list[tuple] | None) -> Chart:
    """Policy instruments per year of ``issued_on``, one bar per jurisdiction (ordered as in
    :func:`types_chart`, whose ``type_rows`` give the totals); undated instruments are counted in the caption."""
    dated = [(j, y, n) for j, y, n in rows or [] if y is not None]
    undated = sum(n for _, y, n in rows or [] if y is None)
    groups: list[str] = []
    if dated:
        lo, hi = min(y for _, y, _ in dated), max(y for _, y, _ in dated)
        groups = [str(y) for y in (range(lo, hi + 1) if hi - lo <= 30 else sorted({y for _, y, _ in dated}))]
    totals = _totals(type_rows)
    juris = sorted({j for j, _, _ in dated}, key=lambda j: (-totals.get(j, 0), j))
    series = [(j, _SERIES_COLOURS[i % len(_SERIES_COLOURS)]) for i, j in enumerate(juris)]
    values = {(str(y), j): n for j, y, n in dated}
    desc = "; ".join(f"{g}: " + ", ".join(f"{j} {number(values[(g, j)])}" for j in juris if values.get((g, j)))
                     for g in groups if any(values.get((g, j)) for j in juris))
    note = f" {undated} instrument(s) without a date are not shown." if undated else ""
    return Chart(CHART_POLICY_YEARS, "Policy instruments over time",
                 grouped_bar_chart(CHART_POLICY_YEARS, groups, series, values, {j: place_label(j) for j in juris}),
                 desc or "No data in this release.",
                 "Number of policy instruments per year of issued_on (month- or year-precision dates count in "
                 f"their year).{note}")


_STAGE_COLOURS = {"proposed": "#bab0ac", "introduced": "#bab0ac", "passed": "#9c755f", "adopted": "#4e79a7",
                  "signed": "#4e79a7", "promulgated": "#4e79a7", "published": "#76b7b2",
                  "entered_into_force": "#59a14f", "applies_from": "#8cd17d", "amended": "#edc948",
                  "corrected": "#edc948", "revoked": "#e15759", "repealed": "#e15759", "expired": "#ff9da7",
                  "withdrawn": "#ff9da7"}


def timeline_chart_of(rows: list[tuple] | None) -> Chart:
    """The stages of the instruments with at least two dated stages (``policy_events``), one lane each."""
    rows = rows or []
    lanes = list(dict.fromkeys(f"{j}: {t if len(t) <= 38 else t[:37] + '…'}" for j, t, *_ in rows))
    label = {pid: f"{j}: {t if len(t) <= 38 else t[:37] + '…'}" for j, t, pid, *_ in rows}
    points = [(label[pid], d.year + (d.timetuple().tm_yday - 1) / 366, ev) for _, _, pid, ev, d, _ in rows]
    kinds = [(k, c) for k, c in _STAGE_COLOURS.items() if any(ev == k for *_, ev, _, _ in rows)]
    years = sorted({d.year for *_, d, _ in rows})
    ticks = [(y, str(y)) for y in range(years[0], years[-1] + 2)] if years else []
    desc = "; ".join(f"{label[pid]} {ev.replace('_', ' ')} {d.isoformat()}" for _, _, pid, ev, d, _ in rows)
    return Chart(CHART_TIMELINE, "Lifecycle of instruments",
                 timeline_chart(CHART_TIMELINE, lanes, points, kinds, ticks), desc or "No data in this release.",
                 "Dated stages (policy_events) of the instruments with at least two, most stages first (at most "
                 "24): proposal, adoption, publication, entry into force, each application stage, amendment, "
                 "revocation. Month- or year-precise dates sit at the start of their period.")


def page_charts(data: dict[str, list[tuple] | None]) -> list[Chart]:
    """The page's charts, in page order, from :func:`read_release`'s rows."""
    return [patents_chart(data["patents"]), types_chart(data["types"]),
            years_chart(data["years"], data["types"]), timeline_chart_of(data.get("timeline"))]
