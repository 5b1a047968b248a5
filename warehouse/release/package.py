"""Packaging of a release: Frictionless Data Package, CITATION.cff, CITATION.bib, LICENSE.md and SHA256SUMS.

The publisher calls :func:`write_package` on the release folder (still the hidden temporary one) once
``manifest.json`` exists, and :func:`write_sha256sums` again if it writes anything afterwards. Everything is
derived from the data contract (``schemas/``), the release's own ``sources`` table and the manifest, so a
package describes exactly the files beside it.

Files written into ``<release>/``:

- ``data/<table>.csv``: one CSV per contract table, exported from ``<table>.parquet`` by DuckDB
  (:func:`warehouse.release.package_tables.export_csv`; format described there). The data package points at these
  rather than the Parquet files because frictionless 5 cannot validate Parquet faithfully: its Parquet reader
  goes through pandas, so a nullable integer column arrives as floats with NaN for NULL (type errors), and it
  computes no byte count or hash for Parquet (a declared ``bytes`` always fails). Each resource's description
  names its Parquet twin.
- ``datapackage.json``: a Tabular Data Package built as ``frictionless.Package`` / ``Resource`` objects, one
  resource per contract table with its ``frictionless.Schema`` from the contract (types, descriptions,
  required / enum / pattern / minimum / maximum constraints, primary key), ``hash`` (``sha256:<hex>``) and
  ``bytes`` of the CSV; serialised by frictionless (``Package.to_descriptor``).
- ``CITATION.cff``: Citation File Format 1.2.0 for the dataset (repository URL, preferred citation), one
  reference per source document.
- ``CITATION.bib``: the same citation as one BibTeX entry, key ``genai_policy_atlas_<version>``
  (:func:`warehouse.release.package_texts.citation_bibtex`).
- ``LICENSE.md``: the compilation under CC BY 4.0; each source's own terms passed through.
- ``SHA256SUMS``: ``sha256sum -c`` input for every file of the release except itself (written last).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import schemas
from extractors.core.snapshots import sha256_file
from warehouse.release.package_tables import (FIELD_TYPES, PackageError, export_csv, table_schema, table_schema_pattern,
                                      vocabulary)
from warehouse.release.package_texts import (AUTHOR, DESCRIPTION, KEYWORDS, LICENSE_ID, LICENSE_TITLE, LICENSE_URL,
                                     PACKAGE_NAME, TITLE, citation_bibtex, citation_cff, license_markdown, read_sources,
                                     release_date, rows_per_source, source_description)

if TYPE_CHECKING:
    import frictionless

__all__ = ["FIELD_TYPES", "PackageError", "datapackage", "datapackage_descriptor", "export_csv", "sha256_file",
           "table_resource", "table_schema", "table_schema_pattern", "validate_datapackage", "vocabulary",
           "write_package", "write_sha256sums"]

DATA_DIR = "data"
DATAPACKAGE_FILE = "datapackage.json"
CITATION_FILE = "CITATION.cff"
BIBTEX_FILE = "CITATION.bib"
LICENSE_FILE = "LICENSE.md"
SHA256SUMS_FILE = "SHA256SUMS"


# --- datapackage.json -----------------------------------------------------------------------------------------

def table_resource(release_dir: Path, name: str) -> frictionless.Resource:
    """The ``frictionless.Resource`` of one contract table: ``data/<name>.csv`` (which must exist: its sha256
    and size are recorded) with the table's :func:`table_schema`. Raises KeyError for a table not in the
    contract, FileNotFoundError when the CSV is missing."""
    from frictionless import Resource

    tbl = schemas.table(name)
    csv_path = release_dir / DATA_DIR / f"{name}.csv"
    return Resource(
        name=name, title=name, profile="tabular-data-resource", path=f"{DATA_DIR}/{name}.csv",
        description=(f"{tbl.description} The same rows are published as {name}.parquet (Apache Parquet, "
                     f"typed) and as table \"{name}\" in atlas.duckdb; this CSV is exported from the "
                     f"Parquet file (empty field = NULL)."),
        format="csv", mediatype="text/csv", encoding="utf-8", hash=f"sha256:{sha256_file(csv_path)}",
        bytes=csv_path.stat().st_size, schema=table_schema(name))


def as_of_sentence(manifest: dict) -> str:
    """`` Data as of <date> ...`` from the manifest's ``as_of`` (:func:`warehouse.release.publish.release_as_of`);
    empty for a manifest without it."""
    as_of = manifest.get("as_of") or {}
    if not as_of.get("latest"):
        return ""
    parts = [f" Data as of {as_of['latest']} (the last day any source speaks for"]
    if as_of.get("reports"):
        parts.append(f"; the secondary reports, Chinese-language Taiwanese documents, as of {as_of['reports']}")
    if as_of.get("live"):
        parts.append(f"; the live sources' recorded answers as of {as_of['live']}")
    return "".join(parts) + "; per source: the sources resource, columns as_of, coverage_start, coverage_end)."


def datapackage(release_dir: Path, manifest: dict, sources: list[dict[str, Any]]) -> frictionless.Package:
    """The data package as a ``frictionless.Package`` (profile ``tabular-data-package``): release metadata,
    licence, one ``sources`` entry per source document and one :func:`table_resource` per contract table.
    Expects ``data/<table>.csv`` to exist already. Raises KeyError when the manifest lacks ``version`` or
    ``created``."""
    from frictionless import Package

    return Package(
        name=PACKAGE_NAME, profile="tabular-data-package", title=TITLE,
        version=str(manifest["version"]), created=str(manifest["created"]),
        description=(f"{DESCRIPTION} Release {manifest['version']}, data contract (schema) version "
                     f"{manifest.get('schema_version', schemas.schema_version())}, built from code revision "
                     f"{manifest.get('code_revision', 'unknown')}.{as_of_sentence(manifest)} Besides the CSV "
                     f"resources below, the "
                     f"release holds one Parquet file per table, atlas.duckdb, codebook.md, validation.json, "
                     f"manifest.json, CITATION.cff, CITATION.bib, LICENSE.md and SHA256SUMS."),
        keywords=KEYWORDS,
        licenses=[{"name": LICENSE_ID, "path": LICENSE_URL, "title": LICENSE_TITLE}],
        sources=[{"title": src["title"], "description": source_description(src)} for src in sources],
        contributors=[{"title": AUTHOR, "role": "author"}],
        resources=[table_resource(release_dir, name) for name in schemas.tables()],
    )


def datapackage_descriptor(release_dir: Path, manifest: dict, sources: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``datapackage.json`` content: :func:`datapackage` as frictionless serialises it."""
    return datapackage(release_dir, manifest, sources).to_descriptor()


def validate_datapackage(path: Path) -> None:
    """Validate a ``datapackage.json`` (metadata and every resource's data) with frictionless.

    Raises PackageError listing up to 20 errors (resource, row, field, type, note) when invalid.
    """
    import frictionless

    report = frictionless.validate(str(path))
    if not report.valid:
        errors = report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"])
        lines = "\n".join(f"  {e}" for e in errors[:20])
        raise PackageError(f"{path} is not a valid data package ({len(errors)} errors):\n{lines}")


# --- SHA256SUMS -----------------------------------------------------------------------------------------------

def _release_files(release_dir: Path) -> Iterable[Path]:
    for path in sorted(release_dir.rglob("*"), key=lambda p: p.relative_to(release_dir).as_posix()):
        if path.is_file() and path.relative_to(release_dir).as_posix() != SHA256SUMS_FILE:
            yield path


def write_sha256sums(release_dir: Path) -> Path:
    """Write ``<release>/SHA256SUMS`` for every file in the release folder and its subfolders except
    SHA256SUMS itself, sorted by path, in ``sha256sum -c`` format (``<hex>  <relative/posix/path>``).

    Overwrites an existing SHA256SUMS, so call it again after writing anything else into the release.
    Returns the file's path. Raises PackageError when the folder does not exist or a file name contains a
    newline or backslash (sha256sum would need to escape it).
    """
    release_dir = Path(release_dir)
    if not release_dir.is_dir():
        raise PackageError(f"release folder {release_dir} does not exist")
    lines = []
    for path in _release_files(release_dir):
        rel = path.relative_to(release_dir).as_posix()
        if "\n" in rel or "\\" in rel:
            raise PackageError(f"cannot list {rel!r} in {SHA256SUMS_FILE}: newline or backslash in the name")
        lines.append(f"{sha256_file(path)}  {rel}\n")
    out = release_dir / SHA256SUMS_FILE
    tmp = release_dir / f".{SHA256SUMS_FILE}.tmp"
    tmp.write_text("".join(lines), encoding="utf-8")
    tmp.replace(out)
    return out


# --- entry point ----------------------------------------------------------------------------------------------

def _check_can_write(release_dir: Path, manifest: dict, checksums: bool) -> None:
    """Raise PackageError before anything is written: manifest without ``version`` / ``created`` or with a
    bad timestamp, or a package file already present."""
    missing = [k for k in ("version", "created") if k not in manifest]
    if missing:
        raise PackageError(f"manifest lacks {', '.join(missing)}")
    release_date(manifest)
    targets = [f"{DATA_DIR}/{n}.csv" for n in schemas.tables()] + [DATAPACKAGE_FILE, CITATION_FILE,
                                                                       BIBTEX_FILE, LICENSE_FILE]
    if checksums:
        targets.append(SHA256SUMS_FILE)
    present = [t for t in targets if (release_dir / t).exists()]
    if present:
        raise PackageError(f"{release_dir} already holds {', '.join(present)}; a release is never rewritten")


def write_package(release_dir: Path, manifest: dict, *, validate: bool = True, checksums: bool = True) -> list[str]:
    """Package a release folder; returns the paths written, relative to ``release_dir`` (posix), in order:
    ``data/<table>.csv`` per contract table, ``datapackage.json``, ``CITATION.cff``, ``CITATION.bib``,
    ``LICENSE.md`` and,
    last, ``SHA256SUMS``.

    ``release_dir`` must hold ``<table>.parquet`` for every contract table (the data are read from there);
    ``manifest`` is the release manifest (``version`` and ``created`` required; ``schema_version`` and
    ``code_revision`` used when present). With ``validate`` (default) the written data package is checked
    with frictionless before anything else is written. With ``checksums`` (default) SHA256SUMS is written
    last; pass False and call :func:`write_sha256sums` yourself when more files follow.

    Raises PackageError when the manifest lacks ``version`` / ``created`` (or ``created`` is not ISO 8601),
    an input is missing or off-contract (see :func:`export_csv`), a file to be written already exists
    (releases are immutable; checked before anything is written), or the data package does not validate.
    Files already written by a failed call are left in place (the publisher discards the whole temporary
    folder on error).
    """
    release_dir = Path(release_dir)
    _check_can_write(release_dir, manifest, checksums)
    written: list[str] = []
    for name in schemas.tables():
        export_csv(release_dir / f"{name}.parquet", release_dir / DATA_DIR / f"{name}.csv", name)
        written.append(f"{DATA_DIR}/{name}.csv")

    sources = read_sources(release_dir)
    descriptor = datapackage_descriptor(release_dir, manifest, sources)
    (release_dir / DATAPACKAGE_FILE).write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
                                                encoding="utf-8")
    written.append(DATAPACKAGE_FILE)
    if validate:
        validate_datapackage(release_dir / DATAPACKAGE_FILE)

    (release_dir / CITATION_FILE).write_text(citation_cff(manifest, sources), encoding="utf-8")
    written.append(CITATION_FILE)
    (release_dir / BIBTEX_FILE).write_text(citation_bibtex(manifest), encoding="utf-8")
    written.append(BIBTEX_FILE)
    (release_dir / LICENSE_FILE).write_text(license_markdown(manifest, sources, rows_per_source(release_dir)),
                                            encoding="utf-8")
    written.append(LICENSE_FILE)

    if checksums:
        write_sha256sums(release_dir)
        written.append(SHA256SUMS_FILE)
    return written
