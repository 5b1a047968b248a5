"""Extracting the ``owid`` source: every chart CSV of the pinned version -> ``indicators`` rows (offline).

One row per non-empty indicator cell, keyed on the indicator's ``owidVariableId`` (long column names change
when OWID edits the metadata; see :mod:`extractors.owid.grapher` for the mapping):

- ``record_id``: ``owid:<chart slug>:v<owidVariableId>:<scope>:<year>``, e.g.
  ``owid:global-investment-in-generative-ai:v1025676:WLD:2024`` — stable across releases, and the variable id
  stays visible in every row.
- ``scope``: from ``Code``: an ISO 3166-1 alpha-3 code -> alpha-2 (pycountry: ``CHN`` -> ``CN``); an OWID
  entity that is no country (``World``/``OWID_WRL`` -> ``WLD``, ``Europe`` -> UN M49 ``150``) through the reviewed
  ``entities`` table of ``settings.yaml``, matched on entity *and* code. Anything else is never guessed: its
  rows are skipped and one ``entity_unmapped`` quality flag per entity says how many and where.
- ``indicator``: ``owid_`` + the column's ``shortName`` (lower case, other characters as ``_``):
  ``owid_generative_ai``, ``owid_private_investment``.
- ``measure``: the column's ``titleShort`` as printed; ``section`` and ``subject`` NULL.
- ``period_start`` = ``period_end`` = ``Year``; ``value``: the cell read as a number; ``value_printed``: the
  cell as printed; ``unit``: the metadata ``unit`` as printed (``constant 2021 US$``).
- ``publisher``: the column's ``citationShort`` as printed (the origin, "with major processing by Our World in
  Data"); ``source_locator``: ``<slug>.csv L<line>`` (the CSV line, header = line 1).
- ``licence`` / ``non_commercial``: the chart's reviewed origin licence from ``settings.yaml`` (AI Index data
  CC BY-ND 4.0; CSET data CC BY-NC 4.0, non-commercial). A chart not listed there keeps the source's licence
  and gets a ``licence_unreviewed`` flag.

Cells that cannot be read (a year or value that is not a number, a year outside 1900-2100) are flagged and
skipped. Errors: SchemaDrift / FetchError from :mod:`extractors.owid.grapher` when a recorded pair does not
agree (checked at fetch time, so only a hand-made version can hit it).
"""
from __future__ import annotations

import math
import re

import pycountry

from extractors.core.fetch import SchemaDrift
from extractors.core.records import Extraction
from extractors.core.snapshots import Snapshot
from extractors.owid import config, grapher
from extractors.owid.config import SOURCE_ID, Chart

YEAR = re.compile(r"-?\d{1,4}")


def scope_of(entity: str, code: str, scopes: dict[tuple[str, str], str]) -> str | None:
    """The contract scope of an OWID entity: the reviewed table first (entity and code must both match), then an
    ISO 3166-1 alpha-3 ``code`` -> alpha-2 (pycountry); None when neither applies."""
    if (entity, code) in scopes:
        return scopes[(entity, code)]
    country = pycountry.countries.get(alpha_3=code) if re.fullmatch(r"[A-Z]{3}", code) else None
    return country.alpha_2 if country is not None else None


def indicator_name(short_name: str) -> str:
    """``owid_<shortName>`` in the contract's ``^[a-z][a-z0-9_]*$`` form."""
    return "owid_" + re.sub(r"[^a-z0-9_]+", "_", short_name.lower()).strip("_")


def _number(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _year(cell: str) -> int | None:
    year = int(cell) if YEAR.fullmatch(cell.strip()) else None
    return year if year is not None and 1900 <= year <= 2100 else None


def extract(snapshot: Snapshot, settings: config.Settings | None = None) -> Extraction:
    """``indicators`` rows (and quality flags) from every ``<slug>.csv`` of the version with its
    ``<slug>.metadata.json`` (see module docstring). Deterministic: charts in name order, rows in file order."""
    settings = settings or config.load()
    ex = Extraction(SOURCE_ID)
    for name in sorted(f["name"] for f in snapshot.files if f["name"].endswith(".csv")):
        _chart(ex, snapshot, name[: -len(".csv")], settings)
    return ex


def _chart(ex: Extraction, snapshot: Snapshot, slug: str, settings: config.Settings) -> None:
    chart = settings.chart(slug)
    csv_name, meta_name = f"{slug}.csv", f"{slug}.metadata.json"
    csv_entry, meta_entry = snapshot.file_entry(csv_name), snapshot.file_entry(meta_name)
    if meta_entry is None:
        raise SchemaDrift(SOURCE_ID, csv_entry["url"], f"version {snapshot.version} has no {meta_name} beside "
                          f"{csv_name}")
    body = snapshot.file(csv_name).read_bytes()
    metadata = grapher.read_metadata(snapshot.file(meta_name).read_bytes(), meta_entry["url"])
    columns = grapher.columns(body, metadata, csv_entry["url"])
    if chart is None:
        ex.flag("indicators", None, "licence_unreviewed", f"chart {slug} is not listed in extractors/owid/"
                "settings.yaml: no reviewed origin licence; its rows carry the source's licence", csv_name)
    publisher = (metadata.get("chart") or {}).get("citation") or "Our World in Data"
    unmapped: dict[tuple[str, str], list[int]] = {}
    seen: set[str] = set()
    for line, ids, cells in grapher.rows(body, csv_entry["url"]):
        scope = scope_of(ids["Entity"], ids["Code"], settings.scopes)
        if scope is None:
            unmapped.setdefault((ids["Entity"], ids["Code"]), []).append(line)
            continue
        year = _year(ids["Year"])
        if year is None:
            ex.flag("indicators", None, "year_unreadable", f"Year printed as {ids['Year']!r}: not a year in "
                    "1900-2100; row skipped", f"{csv_name} L{line}")
            continue
        for col in columns:
            cell = cells[col.index] if col.index < len(cells) else ""
            if cell != "":
                _row(ex, seen, chart, slug, col, scope, year, cell, f"{csv_name} L{line}",
                     col.citation or publisher)
    for (entity, code), lines in unmapped.items():
        ex.flag("indicators", None, "entity_unmapped",
                f"entity {entity!r} (Code {code!r}) is neither an ISO 3166-1 country nor a reviewed entity of "
                f"extractors/owid/settings.yaml: {len(lines)} row(s) skipped (lines {lines[0]}-{lines[-1]})",
                f"{csv_name} L{lines[0]}")


def _row(ex: Extraction, seen: set[str], chart: Chart | None, slug: str, col: grapher.Column, scope: str,
         year: int, cell: str, locator: str, publisher: str) -> None:
    record_id = f"{SOURCE_ID}:{slug}:v{col.variable_id}:{scope}:{year}"
    value = _number(cell)
    if value is None:
        ex.flag("indicators", record_id, "value_unreadable", f"{col.header!r} printed as {cell!r}: not a number; "
                "cell skipped", locator)
        return
    if record_id in seen:
        ex.flag("indicators", record_id, "duplicate_scope", f"a second row for scope {scope} in {year}; the "
                "first is kept", locator)
        return
    seen.add(record_id)
    ex.rows["indicators"].append({
        "record_id": record_id, "scope": scope, "indicator": indicator_name(col.short_name),
        "measure": col.title, "section": None, "subject": None, "period_start": year, "period_end": year,
        "value": value, "unit": col.unit, "value_printed": cell, "publisher": publisher,
        "other_locators": None, "licence": chart.licence if chart else None,
        "non_commercial": chart.non_commercial if chart else None,
        "source_id": SOURCE_ID, "source_locator": locator,
    })
