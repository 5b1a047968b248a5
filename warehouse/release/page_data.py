"""What the release page tells a reader besides the charts: the sources and what they cover, the files to download,
the licence and how to cite, and the policy list, each read from the release folder itself.

- :func:`source_rows`: one dict per row of ``sources.parquet`` (every column, so that columns added to the contract,
  such as ``coverage_start`` / ``coverage_end`` / ``as_of``, reach the page without a change here), joined with the
  manifest's per-source fetch status; :data:`COVERAGE_COLUMNS` names the coverage columns the page shows when the
  table has them.
- :func:`policy_rows`: the ``policies`` table as the page's list (country, type, date, status, title, English
  title, link), in a stable order.
- :func:`downloads`: the files a reader wants (CSV package, Parquet, DuckDB, citation, licence, checksums,
  codebook), each with a note, only those present (``SHA256SUMS`` also when it is still to be written: the
  publisher writes it after the page).
- :func:`how_to_cite`: the release's BibTeX entry (``CITATION.bib`` as written, else
  :func:`warehouse.release.package_texts.citation_bibtex`), a one-line citation and the repository URL.

Links to the web (a source's or a policy's ``url``, the repository) are kept only when they are ``http(s)://``
URLs (:func:`web_link`); anything else is shown as text, never as a link.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import yaml

from warehouse.release.page_charts import place_label

COVERAGE_COLUMNS = ("coverage_start", "coverage_end", "as_of")
_WEB = re.compile(r"https?://[^\s\"'<>]+")

# (file or folder, label, note): the page's Downloads section, in this order
_DOWNLOADS = (
    ("datapackage.json", "CSV package", "Frictionless Data Package: data/<table>.csv, one per table, described by "
                                        "datapackage.json (types, constraints, licences, sources)"),
    ("atlas.duckdb", "DuckDB database", "every table with column comments, and one view per report table"),
    ("codebook.md", "Codebook", "every table and column, with units and allowed values"),
    ("CITATION.cff", "Citation (CFF)", "how to cite this release (Citation File Format 1.2.0)"),
    ("CITATION.bib", "Citation (BibTeX)", "the same citation as one BibTeX entry"),
    ("LICENSE.md", "Licence", "the compilation under CC BY 4.0; each source's own terms"),
    ("SHA256SUMS", "Checksums", "sha256 of every file of the release (sha256sum -c SHA256SUMS)"),
    ("manifest.json", "Manifest", "version, code revision, inputs, row counts, file hashes"),
    ("validation.json", "Validation results", "every expectation's result, with example rows"),
    ("CHANGELOG.md", "Changes", "what changed since the previous release"),
)
WRITTEN_AFTER_THE_PAGE = ("SHA256SUMS",)


def web_link(value: Any) -> str | None:
    """``value`` when it is one ``http://`` or ``https://`` URL (no spaces or quotes), else None."""
    text = str(value or "").strip()
    return text if _WEB.fullmatch(text) else None


def _rows(path: Path, sql: str) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    con = duckdb.connect()
    try:
        cur = con.execute(sql.format(t="read_parquet(?)"), [str(path)])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


def source_rows(release_dir: Path, manifest: dict) -> list[dict[str, Any]]:
    """The release's sources, by ``source_id``: every column of ``sources.parquet`` plus ``link`` (a web URL or
    None), ``status`` ("current" or "stale since <date>") and the manifest's ``snapshot_version`` /
    ``stale_since`` when the table lacks them. Empty when ``sources.parquet`` is missing. Raises what DuckDB raises
    on an unreadable file."""
    status = manifest.get("sources") or {}
    out = []
    for row in _rows(release_dir / "sources.parquet", "SELECT * FROM {t} ORDER BY source_id"):
        extra = status.get(row["source_id"]) or {}
        for key, value in extra.items():
            row.setdefault(key, value)
        row["link"] = web_link(row.get("url"))
        row["status"] = f"stale since {row['stale_since']}" if row.get("stale_since") else "current"
        out.append(row)
    return out


def coverage_columns(sources: list[dict[str, Any]]) -> list[str]:
    """The :data:`COVERAGE_COLUMNS` that the sources table has (in that order)."""
    return [c for c in COVERAGE_COLUMNS if sources and c in sources[0]]


def policy_rows(release_dir: Path) -> list[dict[str, Any]] | None:
    """The policy list: ``country`` (code and name), ``code``, ``type``, ``date`` (ISO, or None), ``date_printed``
    (as printed), ``status``, ``title``, ``title_en`` (None when no source prints one), ``link``; ordered by
    country, date, title. None when ``policies.parquet`` is missing."""
    path = release_dir / "policies.parquet"
    if not path.exists():
        return None
    rows = _rows(path, "SELECT * FROM {t} ORDER BY jurisdiction, issued_on NULLS LAST, title, policy_id")
    return [{"code": r.get("jurisdiction"), "country": place_label(r.get("jurisdiction")),
             "type": r.get("instrument_type"), "date": r["issued_on"].isoformat() if r.get("issued_on") else None,
             "date_printed": r.get("issued_printed"), "status": r.get("status"), "title": r.get("title"),
             "title_en": r.get("title_en"), "link": web_link(r.get("url"))} for r in rows]


def downloads(release_dir: Path) -> list[dict[str, Any]]:
    """The Downloads entries present in ``release_dir`` (``SHA256SUMS`` always, as it is written after the page):
    ``name`` (relative link), ``label``, ``note``, ``parts`` (for the CSV package: ``data/<table>.csv`` links;
    for Parquet: ``<table>.parquet`` links)."""
    items = []
    for name, label, note in _DOWNLOADS:
        if (release_dir / name).is_file() or name in WRITTEN_AFTER_THE_PAGE:
            parts = sorted(p.relative_to(release_dir).as_posix() for p in (release_dir / "data").glob("*.csv")) \
                if name == "datapackage.json" else []
            items.append({"name": name, "label": label, "note": note, "parts": parts})
    parquet = sorted(p.name for p in release_dir.glob("*.parquet"))
    if parquet:
        items.insert(1, {"name": None, "label": "Parquet", "note": "one typed Apache Parquet file per table",
                         "parts": parquet})
    return items


def how_to_cite(release_dir: Path, manifest: dict) -> dict[str, Any]:
    """``{"text", "bibtex", "url", "key", "licence"}`` for the page's "How to cite" section, from the release's
    ``CITATION.cff`` / ``CITATION.bib`` when present, else computed as the package would write them. Raises
    KeyError / PackageError as :func:`warehouse.release.package_texts.citation_bibtex` when the manifest lacks
    ``version`` / ``created``."""
    from warehouse.release import package_texts as texts

    cff_path, bib_path = release_dir / "CITATION.cff", release_dir / "CITATION.bib"
    cff = yaml.safe_load(cff_path.read_text(encoding="utf-8")) if cff_path.is_file() else {}
    bibtex = bib_path.read_text(encoding="utf-8") if bib_path.is_file() else texts.citation_bibtex(manifest)
    url = cff.get("url") or texts.project_url()
    version = str(manifest.get("version") or cff.get("version"))
    year = str(cff.get("date-released") or texts.release_date(manifest))[:4]
    text = f"{texts.AUTHOR} ({year}). {texts.TITLE}, release {version} [data set]. {url}"
    return {"text": text, "bibtex": bibtex, "url": web_link(url), "key": texts.citation_key(version),
            "licence": {"id": texts.LICENSE_ID, "title": texts.LICENSE_TITLE, "url": texts.LICENSE_URL}}
