"""Publication: validated tables -> an immutable, versioned release folder.

``releases/<version>/`` holds one Parquet file per dataset table, ``atlas.duckdb`` (the same tables plus one
view per extracted report table, e.g. ``report_table_3_13``), the validation report, the codebook and
``manifest.json``. ``releases/LATEST`` names the newest version. A release is written in a hidden folder
beside its final place and renamed into place only when complete; an existing version is never rewritten.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import schemas
from extractors.core.snapshots import sha256_file
from warehouse.release import versions
from warehouse.release.integrity import make_read_only, make_writable
from warehouse.release.lock import PublishError, publish_lock
from warehouse.release.sql import quote_identifier
from warehouse.release.versions import MANIFEST_FILE

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DUCKDB_FILE = "atlas.duckdb"
# Release databases are written in DuckDB's v1.1.0 storage format, which every DuckDB from 1.1 on reads
# (the default of the DuckDB in the lock, 2.0, is readable by 2.0 only). tests/test_compat.py opens a release
# with DuckDB 1.1.3. https://duckdb.org/docs/stable/internals/storage ("storage_compatibility_version").
DUCKDB_CONFIG = {"storage_compatibility_version": "v1.1.0"}


def releases_dir() -> Path:
    """Release root: ``$ATLAS_RELEASES_URL`` (a ``file://`` URL), ``$ATLAS_RELEASES_DIR`` or ``<project>/releases``
    (:func:`warehouse.storage.releases_root`; StorageError for an object-store URL)."""
    from warehouse.storage import releases_root

    return releases_root()


def code_revision() -> str:
    """Git commit of the code that built the release, with ``+dirty`` when the tree has local changes."""
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                             check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, check=True, timeout=10).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"



def latest_version(root: Path | None = None) -> str | None:
    """The version named in ``LATEST`` of ``root`` (default: :func:`releases_dir`), or None before the first."""
    return versions.latest_version(root or releases_dir())


def _view_name(table_id: str) -> str:
    return "report_table_" + re.sub(r"[^0-9A-Za-z]+", "_", table_id).strip("_")



def create_report_views(con) -> list[str]:
    """One view per extracted report table showing it as printed: a column per printed column (named
    from its header), one row per logical row, plus the source lines. Returns the view names."""
    tables = con.execute(
        "SELECT DISTINCT source_id, table_id FROM report_tables ORDER BY source_id, table_id").fetchall()
    ids = [t for _, t in tables]
    views = []
    for source_id, table_id in tables:
        name = _view_name(table_id) if ids.count(table_id) == 1 else _view_name(f"{source_id}_{table_id}")
        cols = con.execute(
            "SELECT DISTINCT column_index, column_name FROM report_tables WHERE source_id = ? AND table_id = ? "
            "ORDER BY column_index", [source_id, table_id]).fetchall()
        used: set[str] = set()
        selects = []
        for idx, header in cols:
            label = (header or f"column_{idx}").strip()
            while label in used or label in ("row_index", "line_start", "line_end"):
                label = f"{label}_{idx}"
            used.add(label)
            selects.append(f"max(value) FILTER (WHERE column_index = {idx}) AS {quote_identifier(label)}")
        sql = (f"CREATE VIEW {quote_identifier(name)} AS SELECT row_index, {', '.join(selects)}, "
               f"min(line_start) AS line_start, max(line_end) AS line_end FROM report_tables "
               f"WHERE source_id = '{source_id}' AND table_id = '{table_id}' AND NOT is_header "
               f"GROUP BY row_index ORDER BY row_index")
        con.execute(sql)
        con.execute(f"COMMENT ON VIEW {quote_identifier(name)} IS "
                    f"'表 {table_id} of {source_id} as printed (rows rebuilt from the text)'")
        views.append(name)
    return views


def build_database(tables_dir: Path, db_path: Path) -> list[str]:
    """Create the DuckDB database from the Parquet tables (DDL from the contract). Returns view names."""
    import duckdb

    con = duckdb.connect(str(db_path), config=DUCKDB_CONFIG)
    try:
        for name in schemas.tables():
            con.execute(schemas.duckdb_ddl(name))
            for stmt in schemas.duckdb_comments(name):
                con.execute(stmt)
            con.execute(f'INSERT INTO "{name}" SELECT * FROM read_parquet(?)',
                        [str(tables_dir / f"{name}.parquet")])
        views = create_report_views(con)
        from warehouse.release.budget_views import create_budget_views
        from warehouse.release.patents import create_reconciliation
        from warehouse.release.views import create_country_profile, create_lifecycle

        create_country_profile(con)
        create_lifecycle(con)
        create_budget_views(con)
        create_reconciliation(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return views


def load_changes(db_path: Path, changes_file: Path, previous: str | None) -> None:
    """Copy ``changes.parquet`` into the release database as table ``changes`` (``table_name``, ``record_key``,
    ``change``, ``field``, ``old_value``, ``new_value``: :func:`warehouse.release.diff.changes_schema`), so "what
    changed since the last release" is one query on ``atlas.duckdb``; its comment names the previous version."""
    import duckdb

    from warehouse.release.sql import quote_literal

    since = f"release {previous}" if previous else "nothing (first release: every record is added)"
    con = duckdb.connect(str(db_path), config=DUCKDB_CONFIG)
    try:
        con.execute("CREATE TABLE changes AS SELECT * FROM read_parquet(?)", [str(changes_file)])
        con.execute(f"COMMENT ON TABLE changes IS {quote_literal('Record-level changes since ' + since + '.')}")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def list_releases(root: Path | None = None) -> list[str]:
    """Published versions in ``root`` (default: :func:`releases_dir`), oldest first (hidden temporaries are not
    releases)."""
    return versions.list_versions(root or releases_dir())


@dataclass(frozen=True)
class Publication:
    """Outcome of :func:`publish`: the release folder, its version, and whether it is new."""

    release: Path
    version: str
    published: bool            # False: content identical to the latest release, nothing written


def _overrides_applied(tables_dir: Path) -> dict[str, int]:
    """Curation entries (curation/overrides.yaml) applied per dataset table, as the resolve step counted."""
    path = tables_dir / "overrides.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def publish(tables_dir: Path, validation_file: Path, *, inputs: dict[str, str], root: Path | None = None,
            today: dt.date | None = None, lock_wait: float | None = None) -> Publication:
    """Publish a release from validated Parquet tables, unless their content equals the latest release's.

    ``inputs`` maps snapshot file -> sha256 (recorded in the manifest). Writes tables, ``atlas.duckdb``
    (tables, report views, ``country_profile``), validation report, codebook, ``changes.parquet`` and
    ``CHANGELOG.md`` against the previous release, ``manifest.json``, the data package (``datapackage.json``,
    CSVs, ``CITATION.cff``, ``CITATION.bib``, ``LICENSE.md``), ``index.html`` (which links the package) and
    ``SHA256SUMS`` last; then renames the
    folder into place, updates ``LATEST`` and rebuilds ``history.duckdb``.

    First, under the publish lock (waited on for ``lock_wait`` s, see :mod:`warehouse.release.lock`), repairs
    what a killed or failed run left (:func:`warehouse.release.repair.repair_locked`), so "the latest release"
    the content is compared with is the newest complete one, whatever ``LATEST`` said before.

    Raises PublishError when the lock stays held or a table is missing; on an error before the rename the
    half-written folder is removed and existing releases and ``LATEST`` are untouched. An error after it (e.g.
    in the history rebuild) leaves the new release in place, and the next run's repair completes the rest.
    """
    import duckdb

    from warehouse.release.diff import content_digest, diff_releases, write_changes
    from warehouse.release.history import build_history
    from warehouse.release.package import write_package, write_sha256sums
    from warehouse.release.page import write_page
    from warehouse.release.repair import repair_locked

    root = root or releases_dir()
    missing = [n for n in schemas.tables() if not (tables_dir / f"{n}.parquet").exists()]
    if missing or not validation_file.exists():
        raise PublishError(f"cannot publish: missing {', '.join(missing) or validation_file.name} in {tables_dir}")
    with publish_lock(root, lock_wait):
        previous = repair_locked(root).latest        # the newest complete release; LATEST now names it
        digest = content_digest(tables_dir)
        if previous and content_digest(root / previous) == digest:
            return Publication(release=root / previous, version=previous, published=False)
        version = versions.next_version(root, today)
        tmp = root / f".tmp-{version}-{os.getpid()}"
        final = root / version
        if final.exists():
            raise PublishError(f"release {version} already exists in {root}; releases are immutable")
        try:
            tmp.mkdir(parents=True)
            for name in schemas.tables():
                shutil.copy2(tables_dir / f"{name}.parquet", tmp / f"{name}.parquet")
            shutil.copy2(validation_file, tmp / "validation.json")
            from warehouse.release.patents import codebook_markdown as patents_codebook

            (tmp / "codebook.md").write_text(schemas.codebook_markdown() + patents_codebook(), encoding="utf-8")
            views = build_database(tmp, tmp / DUCKDB_FILE)
            changes = diff_releases(root / previous if previous else None, tmp)
            write_changes(changes, tmp, previous, version)
            load_changes(tmp / DUCKDB_FILE, tmp / "changes.parquet", previous)
            con = duckdb.connect(str(tmp / DUCKDB_FILE), read_only=True)
            counts = {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in schemas.tables()}
            con.close()
            validation = json.loads(validation_file.read_text(encoding="utf-8"))
            change_counts: dict[str, int] = {}
            for kind in changes.column("change").to_pylist():
                change_counts[kind] = change_counts.get(kind, 0) + 1
            manifest = {
                "version": version,
                "schema_version": schemas.schema_version(),
                "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "code_revision": code_revision(),
                "previous_version": previous,
                "content_digest": digest,
                "inputs": inputs,
                "sources": source_status(tmp / "sources.parquet"),
                "as_of": release_as_of(tmp / "sources.parquet"),
                "row_counts": counts,
                "changes": change_counts,
                "overrides": _overrides_applied(tables_dir),
                "report_views": views,
                "validation": {k: validation[k] for k in ("success", "evaluated", "critical_failures", "warnings")},
                "files": {p.name: {"sha256": sha256_file(p), "bytes": p.stat().st_size}
                          for p in sorted(tmp.iterdir()) if p.is_file()},
            }
            (tmp / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
            write_package(tmp, manifest, checksums=False)   # CSVs, datapackage.json, CITATION.cff/.bib, LICENSE.md
            write_page(tmp, manifest, validation, (tmp / "CHANGELOG.md").read_text(encoding="utf-8"))
            write_sha256sums(tmp)            # last: covers every file, the page included
            make_read_only(tmp)              # immutable from here on (warehouse/release/integrity.py)
            os.rename(tmp, final)            # atomic on one filesystem
        except BaseException:
            make_writable(tmp)
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        versions.write_latest(root, version)  # a kill from here on is repaired by the next run (repair.py)
        try:
            build_history(root)
        except Exception as exc:
            exc.add_note(f"release {version} is published and LATEST names it, but history.duckdb was not rebuilt;"
                         f" the next publish (or warehouse.release.repair.repair) rebuilds it")
            raise
    return Publication(release=final, version=version, published=True)


DATE_KEYS = ("date_accessed", "as_of", "coverage_start", "coverage_end")


def source_status(sources_parquet: Path) -> dict[str, dict]:
    """Per source, what a user must know about the snapshot this release used: ``{source_id: {kind, role,
    snapshot_version, date_accessed, as_of, coverage_start, coverage_end, stale_since, fetch_error, licence,
    non_commercial}}`` (stale_since set when the source's last fetch failed and the release uses its last good
    snapshot; dates as ISO strings)."""
    import pyarrow.parquet as pq

    keys = ("kind", "role", "snapshot_version", "date_accessed", "as_of", "coverage_start", "coverage_end",
            "stale_since", "fetch_error", "licence", "non_commercial")
    rows = pq.read_table(sources_parquet).to_pylist()
    return {r["source_id"]: {k: (str(r[k]) if k in DATE_KEYS and r[k] else r[k]) for k in keys}
            for r in sorted(rows, key=lambda r: r["source_id"])}


def release_as_of(sources_parquet: Path) -> dict[str, str | None]:
    """The release's "as of" dates (``sources.as_of``, extractors/core/coverage.py): ``{"latest": the last day
    any source speaks for, "reports": the last day the secondary reports speak for, "live": the last day a live
    source's recorded answers speak for}`` (ISO dates; None when the release has no such source). Every
    ``policies`` row a report alone names is as of "reports" at the latest."""
    import pyarrow.parquet as pq

    rows = pq.read_table(sources_parquet, columns=["kind", "as_of"]).to_pylist()

    def latest(kind: str | None) -> str | None:
        days = [r["as_of"] for r in rows if r["as_of"] and kind in (None, r["kind"])]
        return str(max(days)) if days else None

    return {"latest": latest(None), "reports": latest("document"), "live": latest("live")}
