"""Who made a release and under which terms: the metadata of the data package, ``CITATION.cff``,
``CITATION.bib`` and ``LICENSE.md`` (from ``warehouse/release/templates/license.md.j2``), all from the manifest and
the release's own ``sources`` table.

How to cite: ``CITATION.cff`` (Citation File Format 1.2.0) names the repository (``url``, ``repository-code``: the
project URL, ``$ATLAS_PROJECT_URL`` or the default of :mod:`extractors.core.fetch`) and gives a
``preferred-citation`` for the release; ``CITATION.bib`` is the same citation as one BibTeX entry whose key is
``genai_policy_atlas_<version>`` with dots as underscores (e.g. ``genai_policy_atlas_2026_11_21``), so that nobody
has to cite ``YourReferenceHere`` (the placeholder key cffconvert writes when converting a CFF file to BibTeX).
"""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import yaml

import schemas
from extractors.core import fetch
from warehouse.release.package_tables import PackageError
from warehouse.release.templating import render

PACKAGE_NAME = "genai-policy-atlas"
TITLE = "GenAI Policy Atlas"
AUTHOR = "GenAI Policy Atlas contributors"
LICENSE_ID = "CC-BY-4.0"
LICENSE_TITLE = "Creative Commons Attribution 4.0 International"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENSE_LEGALCODE = "https://creativecommons.org/licenses/by/4.0/legalcode"
DESCRIPTION = ("An open, queryable dataset of national generative-AI (GenAI) policies, GenAI patent counts and "
               "GenAI market figures by country, extracted reproducibly from public source documents. Every row "
               "carries source_id and source_locator (table id and line range in the source snapshot).")
KEYWORDS = ["generative AI", "AI policy", "patents", "market forecasts", "Taiwan"]
THIRD_PARTY_NOTE = "values are quoted from the source; the source's own terms apply to them"
LICENSE_TEMPLATE = "license.md.j2"


def release_date(manifest: dict) -> str:
    """The release date (``YYYY-MM-DD``, UTC) of the manifest's ``created`` timestamp. Raises KeyError without
    ``created``, PackageError when it is not ISO 8601."""
    created = str(manifest["created"])
    try:
        return dt.datetime.fromisoformat(created.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        raise PackageError(f"manifest 'created' is not an ISO 8601 timestamp: {created!r}") from None


def read_sources(release_dir: Path) -> list[dict[str, Any]]:
    """The release's ``sources`` table (``<release>/sources.parquet``) as dicts, in file order.

    Raises PackageError when the file is missing.
    """
    import pyarrow.parquet as pq

    path = release_dir / "sources.parquet"
    if not path.exists():
        raise PackageError(f"cannot package: {path} is missing")
    return pq.read_table(path).to_pylist()


def rows_per_source(release_dir: Path) -> dict[str, int]:
    """Rows taken from each source across the dataset tables (every table with a source_id, except sources)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    counts: dict[str, int] = {}
    for name, tbl in schemas.tables().items():
        if name == "sources" or "source_id" not in tbl.column_names:
            continue
        col = pq.read_table(release_dir / f"{name}.parquet", columns=["source_id"]).column("source_id")
        for item in pc.value_counts(col).to_pylist():
            if item["values"] is not None:
                counts[item["values"]] = counts.get(item["values"], 0) + item["counts"]
    return counts


def terms(src: dict[str, Any]) -> str:
    """A source's terms of use as recorded (its ``licence``), or "Not recorded."."""
    return (src.get("licence") or "").strip() or "Not recorded."


def source_description(src: dict[str, Any]) -> str:
    """One ``sources`` row as the sentence list of its data package ``sources`` entry."""
    facts = [f"Source id: {src['source_id']}", f"Publisher: {src['publisher']}"]
    if src.get("title_en"):
        facts.append(f"English title: {src['title_en']}")
    if src.get("published_on"):
        facts.append(f"Published: {src['published_on']} (precision: {src.get('published_precision')})")
    if src.get("as_of"):
        span = (f"covers {src['coverage_start']} to {src['coverage_end']}; " if src.get("coverage_start") else "")
        facts.append(f"Kind: {src['role']}; {span}as of {src['as_of']}")
    if src.get("coverage"):
        facts.append(f"Coverage: {src['coverage']}")
    if src.get("url"):
        facts.append(f"URL: {src['url']}")
    facts += [f"Language: {src['language']}",
              f"Snapshot: {src['snapshot_file']} (sha256 {src['sha256']}, {src['size_bytes']} bytes)",
              f"Origin: {src['origin']}",
              f"Terms of use: {terms(src)}",
              *([f"Attribution: {src['attribution']}"] if src.get("attribution") else []),
              *(["Non-commercial: every row it supplies has non_commercial = true"] if src.get("non_commercial")
                else []),
              THIRD_PARTY_NOTE[0].upper() + THIRD_PARTY_NOTE[1:]]
    return " ".join(f if f.endswith(".") else f + "." for f in facts)


# --- CITATION.cff ---------------------------------------------------------------------------------------------

def _reference(src: dict[str, Any]) -> dict[str, Any]:
    """One source as a CFF ``references`` entry (a report by its publisher)."""
    ref: dict[str, Any] = {"type": "report", "title": src["title"], "authors": [{"name": src["publisher"]}],
                           "institution": {"name": src["publisher"]}}
    if src.get("published_on"):
        published = src["published_on"]
        ref["year"] = published.year
        if src.get("published_precision") in ("day", "month"):
            ref["month"] = published.month
        if src.get("published_precision") == "day":
            ref["date-published"] = published.isoformat()
    language = (src.get("language") or "").split("-")[0].lower()
    if re.fullmatch(r"[a-z]{2,3}", language):
        ref["languages"] = [language]
    notes = [f"source_id {src['source_id']}"]
    if src.get("title_en"):
        notes.append(f"English title: {src['title_en']}")
    notes += [f"snapshot sha256 {src['sha256']}", f"terms: {terms(src)}"]
    ref["notes"] = "; ".join(notes)
    return ref


def project_url() -> str:
    """The repository URL cited for the dataset: ``$ATLAS_PROJECT_URL`` when set (read at call time), else the
    project URL the fetch layer names in its User-Agent (:data:`extractors.core.fetch.PROJECT_URL`)."""
    return os.environ.get("ATLAS_PROJECT_URL") or fetch.PROJECT_URL


def citation_key(version: str) -> str:
    """The BibTeX key of a release: ``genai_policy_atlas_<version>``, every character of the version other than
    a letter or digit replaced by ``_`` (``2026.11.21.2`` gives ``genai_policy_atlas_2026_11_21_2``)."""
    return "genai_policy_atlas_" + re.sub(r"[^A-Za-z0-9]", "_", str(version))


def _preferred_citation(manifest: dict) -> dict[str, Any]:
    released = dt.date.fromisoformat(release_date(manifest))
    url = project_url()
    return {"type": "data", "title": TITLE, "authors": [{"name": AUTHOR}], "version": str(manifest["version"]),
            "date-released": released.isoformat(), "year": released.year, "month": released.month,
            "url": url, "repository-code": url, "license": LICENSE_ID,
            "notes": f"BibTeX key {citation_key(manifest['version'])} (CITATION.bib of the release)"}


def citation(manifest: dict, sources: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``CITATION.cff`` content (CFF 1.2.0) as a dict: the dataset with the repository URL
    (:func:`project_url`) and a ``preferred-citation`` of this release, one reference per source. Raises KeyError
    when the manifest lacks ``version`` or ``created``, PackageError when ``created`` is not ISO 8601."""
    url = project_url()
    return {
        "cff-version": "1.2.0",
        "message": ("If you use this dataset, please cite it as below (CITATION.bib has it as BibTeX, key "
                    f"{citation_key(manifest['version'])}), and cite the source documents whose values you use "
                    "(listed under references)."),
        "type": "dataset",
        "title": TITLE,
        "abstract": DESCRIPTION,
        "version": str(manifest["version"]),
        "date-released": release_date(manifest),
        "license": LICENSE_ID,
        "url": url,
        "repository-code": url,
        "keywords": KEYWORDS,
        "authors": [{"name": AUTHOR}],
        "preferred-citation": _preferred_citation(manifest),
        "references": [_reference(src) for src in sources],
    }


def citation_cff(manifest: dict, sources: list[dict[str, Any]]) -> str:
    """:func:`citation` as YAML text (``yaml.safe_dump``, keys in order, Unicode as is)."""
    return yaml.safe_dump(citation(manifest, sources), allow_unicode=True, sort_keys=False, width=110)


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def citation_bibtex(manifest: dict) -> str:
    """The release as one BibTeX ``@misc`` entry (text ending in a newline), key :func:`citation_key`: author and
    title braced as corporate names, version, year, month (BibTeX month macro), howpublished, url (:func:`project_url`)
    and a note with the licence. Raises what :func:`release_date` raises."""
    released = dt.date.fromisoformat(release_date(manifest))
    version = str(manifest["version"])
    fields = [("author", f"{{{AUTHOR}}}"), ("title", f"{{{TITLE}}}"), ("version", version),
              ("year", str(released.year)), ("month", None), ("howpublished", f"Dataset, release {version}"),
              ("url", project_url()),
              ("note", f"Licensed under {LICENSE_ID}; also cite the source documents whose values you use")]
    lines = [f"  month        = {_MONTHS[released.month - 1]}," if value is None else
             f"  {name:<12} = {{{value}}}," for name, value in fields]
    return f"@misc{{{citation_key(version)},\n" + "\n".join(lines) + "\n}\n"


# --- LICENSE.md -----------------------------------------------------------------------------------------------

def license_markdown(manifest: dict, sources: list[dict[str, Any]], rows_per_source: dict[str, int]) -> str:
    """The ``LICENSE.md`` text: the compilation under CC BY 4.0, then one section per source with its terms
    and the number of dataset rows taken from it. Raises KeyError when the manifest lacks ``version``."""
    entries = [{"src": src, "terms": terms(src), "rows": rows_per_source.get(src["source_id"], 0)}
               for src in sources]
    return render(LICENSE_TEMPLATE, version=manifest["version"], title=TITLE, author=AUTHOR,
                  license_title=LICENSE_TITLE, license_url=LICENSE_URL, license_legalcode=LICENSE_LEGALCODE,
                  third_party_note=THIRD_PARTY_NOTE, entries=entries)
