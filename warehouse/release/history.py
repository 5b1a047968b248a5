"""All local releases in one DuckDB database: ``<root>/history.duckdb``.

For every contract table a view of the same name stacks the table's Parquet file of every release found under
the release root (``UNION ALL BY NAME``, so a column added later is NULL in older releases) with a ``release``
column holding the version, so "as of release X" is one ``WHERE release = 'X'``. The views read the release
Parquet files by absolute path: the database holds no data of its own apart from the ``releases`` table
(version, created, code revision, row counts ... from each ``manifest.json``). It is rebuilt from scratch and
swapped into place atomically after each publication (:func:`build_history`).
"""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import schemas
from warehouse.release.publish import DUCKDB_CONFIG
from warehouse.release.sql import quote_identifier, quote_literal
from warehouse.release.versions import MANIFEST_FILE, release_versions

HISTORY_FILE = "history.duckdb"






def _created_utc(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def table_view_sql(name: str, parts: list[tuple[str, Path]]) -> str:
    """``CREATE VIEW`` stacking one table's Parquet files ``parts`` = [(version, absolute path)] with a
    ``release`` column. With no part, an empty view with the contract's columns."""
    if not parts:
        cols = ", ".join(f"CAST(NULL AS {c.type}) AS {quote_identifier(c.name)}" for c in schemas.table(name).columns)
        body = f"SELECT {cols}, CAST(NULL AS VARCHAR) AS release WHERE false"
    else:
        body = "\nUNION ALL BY NAME\n".join(
            f"SELECT *, {quote_literal(version)} AS release FROM read_parquet({quote_literal(str(path))})"
            for version, path in parts)
    return f"CREATE VIEW {quote_identifier(name)} AS\n{body}"


def build_history(root: Path) -> Path:
    """(Re)build ``<root>/history.duckdb`` from every local release and return its path.

    Holds one view per contract table over that table's Parquet file in every release (absolute paths, with a
    ``release`` column = version) and a ``releases`` table (version, created (UTC), code_revision,
    schema_version, row_counts as JSON, is_latest). Written to a temporary file and renamed over the old one
    with ``os.replace``, so readers see the old or the new database, never a partial one.
    """
    import duckdb

    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    versions = release_versions(root)
    latest_file = root / "LATEST"
    latest = latest_file.read_text(encoding="utf-8").strip() if latest_file.exists() else None
    final = root / HISTORY_FILE
    tmp = root / f".{HISTORY_FILE}.tmp-{os.getpid()}"
    for leftover in (tmp, Path(str(tmp) + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp), config=DUCKDB_CONFIG)
        try:
            con.execute("""CREATE TABLE releases (
                version VARCHAR PRIMARY KEY, created TIMESTAMP, code_revision VARCHAR,
                schema_version VARCHAR, row_counts JSON, is_latest BOOLEAN NOT NULL)""")
            con.execute("COMMENT ON TABLE releases IS 'One row per local release, from its manifest.json'")
            con.execute("COMMENT ON COLUMN releases.created IS 'When the release was published (UTC)'")
            con.execute("COMMENT ON COLUMN releases.row_counts IS 'Rows per table, as a JSON object'")
            for version in versions:
                manifest = json.loads((root / version / MANIFEST_FILE).read_text(encoding="utf-8"))
                con.execute("INSERT INTO releases VALUES (?, ?, ?, ?, ?, ?)", [
                    version, _created_utc(manifest.get("created")), manifest.get("code_revision"),
                    manifest.get("schema_version"),
                    json.dumps(manifest.get("row_counts", {}), ensure_ascii=False), version == latest])
            for name, tbl in schemas.tables().items():
                parts = [(v, root / v / f"{name}.parquet") for v in versions
                         if (root / v / f"{name}.parquet").is_file()]
                con.execute(table_view_sql(name, parts))
                con.execute(f"COMMENT ON VIEW {quote_identifier(name)} IS "
                            f"{quote_literal(tbl.description + ' Every local release; filter on release for one.')}")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, final)
    finally:
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            leftover.unlink(missing_ok=True)
    return final
