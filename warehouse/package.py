"""Packaging of a release: Frictionless Data Package, CITATION.cff, LICENSE.md and SHA256SUMS.

The publisher calls :func:`write_package` on the release folder (still the hidden temporary one) once
``manifest.json`` exists, and :func:`write_sha256sums` again if it writes anything afterwards. Everything is
derived from the data contract (``schemas/``), the release's own ``sources`` table and the manifest, so a
package describes exactly the files beside it.

Files written into ``<release>/``:

- ``data/<table>.csv``: one CSV per contract table, exported from ``<table>.parquet`` (UTF-8, RFC 4180 with
  CRLF line ends, a header row in contract column order, NULL as an empty field, booleans ``true``/``false``,
  dates ISO ``YYYY-MM-DD``, numbers in Python's shortest round-trip form). The data package points at these
  rather than the Parquet files because frictionless 5 cannot validate Parquet faithfully: its Parquet reader
  goes through pandas, so a nullable integer column arrives as floats with NaN for NULL (type errors), and it
  computes no byte count or hash for Parquet (a declared ``bytes`` always fails). Each resource's description
  names its Parquet twin.
- ``datapackage.json``: a Tabular Data Package (Data Package v1) with one resource per contract table, its
  Table Schema generated from the contract (types, descriptions, required / enum / pattern / minimum /
  maximum constraints, primary key), ``hash`` (``sha256:<hex>``) and ``bytes`` of the CSV.
- ``CITATION.cff``: Citation File Format 1.2.0 for the dataset, one reference per source document.
- ``LICENSE.md``: the compilation under CC BY 4.0; each source's own terms passed through.
- ``SHA256SUMS``: ``sha256sum -c`` input for every file of the release except itself (written last).

Over the size budget: hand-written Table Schema and CSV; being replaced by frictionless objects (issue 9).
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any, Iterable

import yaml

import schemas
from extractors.core.snapshots import sha256_file

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

DATA_DIR = "data"
DATAPACKAGE_FILE = "datapackage.json"
CITATION_FILE = "CITATION.cff"
LICENSE_FILE = "LICENSE.md"
SHA256SUMS_FILE = "SHA256SUMS"

# DuckDB type (the contract's type names) -> Table Schema field type.
FIELD_TYPES = {
    "VARCHAR": "string",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "DOUBLE": "number",
    "BOOLEAN": "boolean",
    "DATE": "date",
}


class PackageError(RuntimeError):
    """The release cannot be packaged (input missing or not matching the contract, output already present,
    generated package invalid). The message names the file, table or column."""


# --- Table Schema from the contract ---------------------------------------------------------------------------

def _jurisdiction_codes() -> list[str]:
    # Same vocabulary as expectations.suites.jurisdiction_codes() (kept here so packaging does not import
    # great_expectations): ISO 3166-1 alpha-2 plus EU and INT.
    import pycountry

    return sorted({c.alpha_2 for c in pycountry.countries} | {"EU", "INT"})


def vocabulary(name: str) -> list[str]:
    """Allowed values of a contract vocabulary (``jurisdiction``, ``scope``), sorted.

    Raises KeyError for a vocabulary the packager does not know (add it here and in expectations/suites.py).
    """
    if name == "jurisdiction":
        return _jurisdiction_codes()
    if name == "scope":
        return sorted(set(_jurisdiction_codes()) | {"WLD"})
    raise KeyError(f"unknown vocabulary {name!r}")


def table_schema_pattern(pattern: str) -> str:
    """Contract regex (Python, anchored with ``^...$``) -> Table Schema ``pattern``.

    Table Schema patterns are XML Schema regular expressions, implicitly anchored to the whole value: the
    anchors are dropped and non-capturing groups ``(?:`` become plain groups (same matches).
    """
    out = pattern
    if out.startswith("^"):
        out = out[1:]
    if out.endswith("$") and not out.endswith("\\$"):
        out = out[:-1]
    return out.replace("(?:", "(")


def _bound(col: schemas.Column, value: float) -> int | float:
    return int(value) if FIELD_TYPES[col.type] == "integer" else value


def field_descriptor(col: schemas.Column, *, in_primary_key: bool = False) -> dict[str, Any]:
    """Table Schema field for one contract column: name, type, description and constraints.

    ``required`` for a non-nullable or primary-key column; ``enum`` from the contract's enum or vocabulary;
    ``pattern`` (see :func:`table_schema_pattern`); ``minimum`` / ``maximum``.
    """
    field: dict[str, Any] = {"name": col.name, "type": FIELD_TYPES[col.type], "description": col.description}
    if col.type == "DATE":
        field["format"] = "default"          # ISO 8601 YYYY-MM-DD
    constraints: dict[str, Any] = {}
    if not col.nullable or in_primary_key:
        constraints["required"] = True
    if col.enum:
        constraints["enum"] = list(col.enum)
    elif col.vocabulary:
        constraints["enum"] = vocabulary(col.vocabulary)
    if col.pattern:
        constraints["pattern"] = table_schema_pattern(col.pattern)
    if col.min is not None:
        constraints["minimum"] = _bound(col, col.min)
    if col.max is not None:
        constraints["maximum"] = _bound(col, col.max)
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(name: str) -> dict[str, Any]:
    """Table Schema (dict) of one contract table: fields in contract order, ``primaryKey``, and
    ``missingValues: [""]`` (NULL is an empty CSV field). Raises KeyError for a table not in the contract."""
    tbl = schemas.table(name)
    keys = set(tbl.primary_key)
    return {
        "fields": [field_descriptor(c, in_primary_key=c.name in keys) for c in tbl.columns],
        "primaryKey": list(tbl.primary_key),
        "missingValues": [""],
    }


# --- CSV export -----------------------------------------------------------------------------------------------

def _csv_cell(value: Any, *, table: str, column: str, row: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "INF" if value > 0 else "-INF"
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str) and value == "":
        # An empty field means NULL: an empty string would silently come back as NULL.
        raise PackageError(f"{table}.{column} row {row}: empty string cannot be told from NULL in CSV; "
                           f"store NULL instead")
    return str(value)


def export_csv(parquet_file: Path, csv_file: Path, name: str) -> int:
    """Write one contract table from Parquet to CSV (format in the module docstring). Returns the row count.

    Raises PackageError when the Parquet file is missing, its columns differ from the contract (names or
    order), or a string value is empty (it would read back as NULL).
    """
    import pyarrow.parquet as pq

    if not parquet_file.exists():
        raise PackageError(f"cannot package {name}: {parquet_file} is missing")
    columns = schemas.table(name).column_names
    data = pq.read_table(parquet_file)
    if data.column_names != columns:
        raise PackageError(f"{parquet_file.name}: columns {data.column_names} differ from the contract's "
                           f"{columns}")
    csv_file.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with csv_file.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(columns)
        for batch in data.to_batches(max_chunksize=10_000):
            for record in batch.to_pylist():
                rows += 1
                writer.writerow([_csv_cell(record[c], table=name, column=c, row=rows) for c in columns])
    return rows


# --- helpers --------------------------------------------------------------------------------------------------

def _release_date(manifest: dict) -> str:
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


def _rows_per_source(release_dir: Path) -> dict[str, int]:
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


def _terms(src: dict[str, Any]) -> str:
    return (src.get("licence") or "").strip() or "Not recorded."


# --- datapackage.json -----------------------------------------------------------------------------------------

def datapackage_descriptor(release_dir: Path, manifest: dict, sources: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``datapackage.json`` content. Expects ``data/<table>.csv`` to exist already (hash and bytes are
    taken from them). Raises KeyError when the manifest lacks ``version`` or ``created``."""
    resources = []
    for name, tbl in schemas.tables().items():
        csv_path = release_dir / DATA_DIR / f"{name}.csv"
        resources.append({
            "profile": "tabular-data-resource",
            "name": name,
            "path": f"{DATA_DIR}/{name}.csv",
            "title": name,
            "description": (f"{tbl.description} The same rows are published as {name}.parquet (Apache Parquet, "
                            f"typed) and as table \"{name}\" in atlas.duckdb; this CSV is exported from the "
                            f"Parquet file (empty field = NULL)."),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "hash": f"sha256:{sha256_file(csv_path)}",
            "bytes": csv_path.stat().st_size,
            "schema": table_schema(name),
        })
    package_sources = []
    for src in sources:
        facts = [f"Source id: {src['source_id']}", f"Publisher: {src['publisher']}"]
        if src.get("title_en"):
            facts.append(f"English title: {src['title_en']}")
        if src.get("published_on"):
            facts.append(f"Published: {src['published_on']} (precision: {src.get('published_precision')})")
        facts += [f"Language: {src['language']}",
                  f"Snapshot: {src['snapshot_file']} (sha256 {src['sha256']}, {src['size_bytes']} bytes)",
                  f"Origin: {src['origin']}",
                  f"Terms of use: {_terms(src)}",
                  THIRD_PARTY_NOTE[0].upper() + THIRD_PARTY_NOTE[1:]]
        package_sources.append({"title": src["title"],
                                "description": " ".join(f if f.endswith(".") else f + "." for f in facts)})
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": TITLE,
        "version": str(manifest["version"]),
        "created": str(manifest["created"]),
        "description": (f"{DESCRIPTION} Release {manifest['version']}, data contract (schema) version "
                        f"{manifest.get('schema_version', schemas.schema_version())}, built from code revision "
                        f"{manifest.get('code_revision', 'unknown')}. Besides the CSV resources below, the "
                        f"release holds one Parquet file per table, atlas.duckdb, codebook.md, validation.json, "
                        f"manifest.json, CITATION.cff, LICENSE.md and SHA256SUMS."),
        "keywords": KEYWORDS,
        "licenses": [{"name": LICENSE_ID, "path": LICENSE_URL, "title": LICENSE_TITLE}],
        "sources": package_sources,
        "contributors": [{"title": AUTHOR, "role": "author"}],
        "resources": resources,
    }


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


# --- CITATION.cff ---------------------------------------------------------------------------------------------

def citation(manifest: dict, sources: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``CITATION.cff`` content (CFF 1.2.0) as a dict."""
    references = []
    for src in sources:
        ref: dict[str, Any] = {
            "type": "report",
            "title": src["title"],
            "authors": [{"name": src["publisher"]}],
            "institution": {"name": src["publisher"]},
        }
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
        notes.append(f"snapshot sha256 {src['sha256']}")
        notes.append(f"terms: {_terms(src)}")
        ref["notes"] = "; ".join(notes)
        references.append(ref)
    return {
        "cff-version": "1.2.0",
        "message": ("If you use this dataset, please cite it as below, and cite the source documents whose "
                    "values you use (listed under references)."),
        "type": "dataset",
        "title": TITLE,
        "abstract": DESCRIPTION,
        "version": str(manifest["version"]),
        "date-released": _release_date(manifest),
        "license": LICENSE_ID,
        "keywords": KEYWORDS,
        "authors": [{"name": AUTHOR}],
        "references": references,
    }


# --- LICENSE.md -----------------------------------------------------------------------------------------------

def license_markdown(manifest: dict, sources: list[dict[str, Any]], rows_per_source: dict[str, int]) -> str:
    """The ``LICENSE.md`` text: the compilation under CC BY 4.0, then one section per source with its terms."""
    version = manifest["version"]
    lines = [
        f"# Licence of {TITLE} release {version}",
        "",
        f"## The compilation: {LICENSE_TITLE} (CC BY 4.0)",
        "",
        f"The {TITLE} compilation (the selection and arrangement of the records, the table structure, "
        "identifiers, normalised values such as codes, dates and amounts, quality flags, the codebook and the "
        f"other files of this release) is © {AUTHOR} and licensed under the {LICENSE_TITLE} licence "
        f"(CC BY 4.0): <{LICENSE_URL}> (legal code: <{LICENSE_LEGALCODE}>).",
        "",
        "You may share and adapt it for any purpose, provided you give appropriate credit, link to the licence "
        "and indicate if changes were made. Suggested attribution:",
        "",
        f"> {AUTHOR}, *{TITLE}*, release {version}, licensed under CC BY 4.0.",
        "",
        "## Third-party material: the source documents' own terms",
        "",
        "The CC BY 4.0 licence above covers only the compilation, not the material it quotes. The dataset "
        "quotes titles, names, figures and table cells from the source documents below: those "
        + THIRD_PARTY_NOTE + ". The terms are recorded as known (the `licence` column of the `sources` table, "
        "from `sources/<source_id>.yaml` in the project); this project grants no further rights in them. "
        "When you use a value, also credit its source: every row carries `source_id` and `source_locator`.",
        "",
    ]
    for src in sources:
        lines += [f"### {src['title']}", ""]
        if src.get("title_en"):
            lines += [f"- English title: {src['title_en']}"]
        lines += [f"- Publisher: {src['publisher']}"]
        if src.get("published_on"):
            lines += [f"- Published: {src['published_on']} (precision: {src.get('published_precision')})"]
        lines += [
            f"- source_id: `{src['source_id']}`; snapshot `{src['snapshot_file']}` (sha256 `{src['sha256']}`)",
            f"- Dataset rows taken from it in this release: {rows_per_source.get(src['source_id'], 0)}",
            f"- Terms of use: {_terms(src)}",
            "",
            THIRD_PARTY_NOTE[0].upper() + THIRD_PARTY_NOTE[1:] + ".",
            "",
        ]
    return "\n".join(lines)


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

def write_package(release_dir: Path, manifest: dict, *, validate: bool = True, checksums: bool = True) -> list[str]:
    """Package a release folder; returns the paths written, relative to ``release_dir`` (posix), in order:
    ``data/<table>.csv`` per contract table, ``datapackage.json``, ``CITATION.cff``, ``LICENSE.md`` and,
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
    missing = [k for k in ("version", "created") if k not in manifest]
    if missing:
        raise PackageError(f"manifest lacks {', '.join(missing)}")
    _release_date(manifest)                 # a bad timestamp fails before anything is written
    targets = [f"{DATA_DIR}/{n}.csv" for n in schemas.tables()] + [DATAPACKAGE_FILE, CITATION_FILE, LICENSE_FILE]
    if checksums:
        targets.append(SHA256SUMS_FILE)
    present = [t for t in targets if (release_dir / t).exists()]
    if present:
        raise PackageError(f"{release_dir} already holds {', '.join(present)}; a release is never rewritten")

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

    (release_dir / CITATION_FILE).write_text(
        yaml.safe_dump(citation(manifest, sources), allow_unicode=True, sort_keys=False, width=110),
        encoding="utf-8")
    written.append(CITATION_FILE)

    (release_dir / LICENSE_FILE).write_text(
        license_markdown(manifest, sources, _rows_per_source(release_dir)), encoding="utf-8")
    written.append(LICENSE_FILE)

    if checksums:
        write_sha256sums(release_dir)
        written.append(SHA256SUMS_FILE)
    return written
