"""Extracting the ``patentsview`` source: the pinned version's bulk files -> ``patent_counts`` rows (offline).

The version's data files are in the cache (``store: cache``); each zip's one ``.tsv`` is unpacked once into
``<cache>/unzipped/<sha256>/`` and :func:`extractors.patentsview.recount.recount` counts over those, with the
definition of ``definition.yaml``. Rows (``patent_families`` NULL: these are granted US patents, not families;
the count is in ``patents``; ``publisher`` "USPTO PatentsView"; ``data_release`` the latest ``fileReleaseDate``
of the files read; ``definition_version``; ``counted``: what was counted, in words):

- ``basis`` total: all GenAI patents per grant year and per filing year (``jurisdiction`` NULL), e.g.
  ``patentsview:genai-cpc-1:total:grant_year:whole:ALL:2023``;
- ``basis`` inventor_location: per inventor country (ISO 3166-1 alpha-2 as PatentsView prints it) and year, by
  grant and by filing year, whole and fractional counting: ``patentsview:genai-cpc-1:inventor_location:
  filing_year:fractional:US:2020``;
- ``basis`` assignee: per disambiguated assignee (``applicant``: its organisation, else its name, as printed) and
  the country of its location on the patents (NULL when none), over its grant years:
  ``patentsview:genai-cpc-1:assignee:<assignee_id>:<country or XX>``.

``source_locator``: ``g_cpc_current.tsv.zip`` (the file the definition selects on) for counts,
``g_cpc_title.tsv.zip`` for title flags. Quality flags: a definition title that ``g_cpc_title`` prints
differently or lacks (``definition_title_mismatch``), CPC groups under G06N3/ that ``g_cpc_title`` does not list
(``cpc_outside_scheme``), a country code that is not ISO 3166-1 (``country_unmapped``; its rows skipped), and
the patents no country or assignee row can hold (``patents_unattributed``, info).
Errors: SnapshotError (a cached file missing), duckdb.Error (a renamed column: the message names it).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import schemas
from extractors.core import cache
from extractors.core.records import Extraction
from extractors.core.snapshots import Snapshot, SnapshotError
from extractors.patentsview import config, recount
from extractors.patentsview.config import PUBLISHER, SOURCE_ID

CPC_FILE = "g_cpc_current.tsv.zip"
TITLE_FILE = "g_cpc_title.tsv.zip"


def unzipped(snapshot: Snapshot, name: str) -> Path:
    """The ``.tsv`` inside the recorded zip ``name``, unpacked once into ``<cache>/unzipped/<sha256>/``."""
    entry = snapshot.file_entry(name)
    if entry is None:
        raise SnapshotError(f"source {SOURCE_ID}: version {snapshot.version} has no {name}")
    folder = cache.cache_dir() / "unzipped" / entry["sha256"]
    member = name[: -len(".zip")] if name.endswith(".zip") else name
    target = folder / member
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(snapshot.file(name)) as zf:
        inner = member if member in zf.namelist() else zf.namelist()[0]
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".partial")
        with os.fdopen(fd, "wb") as out, zf.open(inner) as src:
            shutil.copyfileobj(src, out, 1 << 20)
    os.replace(tmp, target)
    return target


def data_release(snapshot: Snapshot) -> date | None:
    """The latest ``fileReleaseDate`` (its date: ``2025-10-14 09:12:00`` -> 2025-10-14) of the version's files."""
    dates = [date.fromisoformat(str(f["file_release_date"])[:10]) for f in snapshot.files
             if f.get("file_release_date")]
    return max(dates) if dates else None


def extract(snapshot: Snapshot, settings: config.Settings | None = None,
            definition: config.Definition | None = None) -> Extraction:
    """``patent_counts`` rows and quality flags of the pinned version (see module docstring). Deterministic."""
    settings = settings or config.load()
    definition = definition or config.definition()
    paths = {t: unzipped(snapshot, f"{t}.tsv.zip") for t in recount.TABLES}
    result = recount.recount(paths, [c.code for c in definition.counted], memory_limit=settings.memory_limit,
                             temp_directory=cache.cache_dir() / "duckdb-tmp")
    ex = Extraction(SOURCE_ID)
    _check_titles(ex, definition, result)
    common = {"patent_families": None, "rank": None, "publisher": PUBLISHER, "source_id": SOURCE_ID,
              "source_locator": CPC_FILE, "definition_version": definition.version,
              "data_release": data_release(snapshot)}
    what = f"Granted US patents (PatentsView g_patent, withdrawn ones excluded) with a current {definition.words()}"
    for date_basis, year, n in result.totals:
        _add(ex, common, ("total", date_basis, "whole", "ALL", year), None, None, year, year, n, "total",
             date_basis, "whole", f"{what}, {_by(date_basis)}; whole counting.")
    _countries(ex, common, what, result)
    for assignee_id, name, country, first, last, n in result.assignees:
        if country is not None and country not in schemas.jurisdiction_codes():
            ex.flag("patent_counts", None, "country_unmapped", f"assignee {assignee_id}: country printed as "
                    f"{country!r} is not an ISO 3166-1 alpha-2 code of the contract; counted without a country",
                    CPC_FILE)
            country = None
        _add(ex, common, ("assignee", assignee_id, country or "XX"), country, name, first, last, n, "assignee",
             "grant_year", "whole", f"{what}, assigned to the disambiguated assignee {assignee_id} "
             f"(g_assignee_disambiguated) with its location in {country or 'no located country'}, granted "
             f"{first}-{last}; whole counting.")
    _unattributed(ex, result)
    return ex


def _by(date_basis: str) -> str:
    return ("by grant year (g_patent.patent_date)" if date_basis == "grant_year"
            else "by filing year (g_application.filing_date)")


def _add(ex: Extraction, common: dict, key: tuple, jurisdiction, applicant, start, end, n, basis, date_basis,
         counting, counted) -> None:
    ex.rows["patent_counts"].append({
        **common, "record_id": ":".join([SOURCE_ID, common["definition_version"], *map(str, key)]),
        "jurisdiction": jurisdiction, "applicant": applicant, "period_start": start, "period_end": end,
        "patents": float(n), "basis": basis, "date_basis": date_basis, "counting": counting, "counted": counted})


def _countries(ex: Extraction, common: dict, what: str, result: recount.Recount) -> None:
    known = schemas.jurisdiction_codes()
    unmapped: dict[str, int] = {}
    for date_basis, counting, country, year, n in result.countries:
        if country not in known:
            unmapped[country] = unmapped.get(country, 0) + 1
            continue
        share = ("one per patent for each country among its inventors" if counting == "whole" else
                 "each inventor carries 1/n of the patent (n: its inventors), a country the shares of its inventors")
        _add(ex, common, ("inventor_location", date_basis, counting, country, year), country, None, year, year, n,
             "inventor_location", date_basis, counting,
             f"{what}, attributed to the countries of their inventors' disambiguated locations "
             f"(g_inventor_disambiguated.location_id -> g_location_disambiguated.disambig_country), "
             f"{_by(date_basis)}; {counting} counting: {share}.")
    for country, rows in sorted(unmapped.items()):
        ex.flag("patent_counts", None, "country_unmapped", f"inventor country printed as {country!r} is not an "
                f"ISO 3166-1 alpha-2 code of the contract: {rows} count(s) skipped", CPC_FILE)


def _check_titles(ex: Extraction, definition: config.Definition, result: recount.Recount) -> None:
    for code in definition.counted:
        printed = result.titles.get(code.code)
        if printed != code.title:
            detail = (f"{code.code} is not listed in g_cpc_title of this release" if printed is None else
                      f"{code.code}: g_cpc_title prints {printed!r}; definition {definition.version} "
                      f"({definition.scheme}) says {code.title!r}")
            ex.flag("patent_counts", None, "definition_title_mismatch", detail + "; the code is still counted: "
                    "review extractors/patentsview/definition.yaml", TITLE_FILE)
    for code, rows in result.outside_scheme:
        ex.flag("patent_counts", None, "cpc_outside_scheme", f"{rows} g_cpc_current row(s) carry {code}, which "
                f"g_cpc_title does not list (not a group of the release's CPC scheme); not counted", CPC_FILE)


def _unattributed(ex: Extraction, result: recount.Recount) -> None:
    c = result.counts
    ex.flag("patent_counts", None, "patents_unattributed",
            f"of {c['genai_patents']} GenAI patents counted ({c['withdrawn']} withdrawn ones left out): "
            f"{c['patents_without_located_inventor']} have no inventor with a located country "
            f"({c['unlocated_inventors']} of {c['inventor_rows']} inventor rows unlocated: their shares are in no "
            f"country), {c['patents_without_assignee']} no disambiguated assignee, {c['no_filing_year']} no "
            f"filing year", CPC_FILE, severity="info")
