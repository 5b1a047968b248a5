"""What changed between two releases: a record-level diff by stable id, in DuckDB SQL, and a content digest.

Records are matched by each contract table's ``primary_key`` (``schemas/tables.yaml``), so a record that moves
within a file is not a change, and a changed value is reported field by field:

* :func:`diff_releases` -> one row per added record, removed record, or changed field (an Arrow table): per
  table one DuckDB query, a FULL OUTER JOIN of the old and new Parquet files on the primary key
  (:func:`diff_sql`);
* :func:`write_changes` -> ``changes.parquet`` and ``CHANGELOG.md`` (``warehouse.changelog``) in a release folder;
* :func:`content_digest` -> a sha256 of the table *content* (values in file order, column names and types),
  independent of Parquet metadata, so a run whose tables equal the latest release's can skip publishing.

Values are compared and reported as text (:func:`value_text` in Python, :func:`text_sql` in SQL, which agree):
``NULL`` is ``None``, dates are ISO 8601, booleans ``true``/``false``, floats ``repr`` (``38210.0``, ``NaN``).
"""
from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import schemas
from warehouse.release.sql import quote_identifier, quote_literal

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

CHANGES_FILE = "changes.parquet"
CHANGELOG_FILE = "CHANGELOG.md"
CHANGE_KINDS = ("added", "removed", "changed")
KEY_SEPARATOR = "|"
_PRESENT = "__atlas_present"         # marker column: the record exists on that side of the join


def changes_schema() -> pa.Schema:
    """Arrow schema of the change table (and of ``changes.parquet``)."""
    import pyarrow as pa

    return pa.schema([
        pa.field("table_name", pa.string(), nullable=False,
                 metadata={"description": "Contract table the record belongs to."}),
        pa.field("record_key", pa.string(), nullable=False,
                 metadata={"description": "The record's primary key values joined with '|'."}),
        pa.field("change", pa.string(), nullable=False,
                 metadata={"description": "added, removed or changed."}),
        pa.field("field", pa.string(),
                 metadata={"description": "Changed column; NULL for an added or removed record."}),
        pa.field("old_value", pa.string(),
                 metadata={"description": "Value in the previous release as text; NULL where absent or NULL."}),
        pa.field("new_value", pa.string(),
                 metadata={"description": "Value in this release as text; NULL where absent or NULL."}),
    ])


def value_text(value: Any) -> str | None:
    """A cell value as the text used in the diff (None stays None); the Python twin of :func:`text_sql`."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


# --- the diff in SQL ------------------------------------------------------------------------------------------



def text_sql(expr: str, duck_type: str) -> str:
    """SQL text of a value as :func:`value_text` gives it, for the contract's DuckDB types: DuckDB's VARCHAR
    cast already writes integers, ISO dates, ``true``/``false`` and doubles in Python's shortest round-trip
    form (``38210.0``, ``1e+16``); NaN becomes ``NaN``, FLOAT is widened to DOUBLE first (as pyarrow does)
    and BLOB is lower-case hex. Other types (not in the contract) are DuckDB's own VARCHAR cast."""
    if duck_type in ("DOUBLE", "FLOAT"):
        return f"CASE WHEN isnan({expr}) THEN 'NaN' ELSE CAST(CAST({expr} AS DOUBLE) AS VARCHAR) END"
    if duck_type == "BLOB":
        return f"lower(hex({expr}))"
    return f"CAST({expr} AS VARCHAR)"


def _columns(con: duckdb.DuckDBPyConnection, path: Path | None) -> dict[str, str]:
    """Column name -> DuckDB type of a Parquet file, in file order ({} when there is no file)."""
    if path is None or not Path(path).exists():
        return {}
    rows = con.sql("DESCRIBE SELECT * FROM read_parquet($path)", params={"path": str(path)}).fetchall()
    return {r[0]: r[1] for r in rows}


def _side_sql(path: Path | None, columns: dict[str, str], keys: dict[str, str]) -> str:
    """FROM item of one side: the Parquet rows plus the marker column, or no rows with the key columns."""
    if columns:
        return f"(SELECT *, true AS {_PRESENT} FROM read_parquet({quote_literal(str(path))}))"
    cols = ", ".join(f"CAST(NULL AS {t}) AS {quote_identifier(k)}" for k, t in keys.items())
    return f"(SELECT {cols}, true AS {_PRESENT} LIMIT 0)"


def _record_key_sql(keys: dict[str, str], ref: str) -> str:
    """SQL: the key columns of table alias ``ref`` as text (NULL as '') joined with '|' (``record_key``)."""
    def col(k: str) -> str:
        return f"{ref}.{quote_identifier(k)}"

    parts = [f"COALESCE({text_sql(col(k), t)}, '')" for k, t in keys.items()]
    return f" || {quote_literal(KEY_SEPARATOR)} || ".join(parts)


def diff_sql(keys: dict[str, str], old_cols: dict[str, str], new_cols: dict[str, str],
             old_path: Path | None, new_path: Path | None) -> str:
    """The DuckDB query diffing one table: FULL OUTER JOIN of old (``o``) and new (``n``) on the key columns
    (``keys``: name -> type), then one row per added / removed record and per changed field (text compared
    with IS DISTINCT FROM, so NULL -> value is a change). Columns are ``record_key, change, field,
    old_value, new_value``; order: key (NULLs last), then column order (new file's, then old-only columns)."""
    compared = [c for c in [*new_cols, *(c for c in old_cols if c not in new_cols)] if c not in keys]

    def text(side: str, cols: dict[str, str], c: str) -> str:
        return text_sql(f"{side}.{quote_identifier(c)}", cols[c]) if c in cols else "CAST(NULL AS VARCHAR)"

    key_cols = [f"COALESCE(n.{quote_identifier(k)}, o.{quote_identifier(k)}) AS __key{i}" for i, k in enumerate(keys)]
    values = [f"{text('o', old_cols, c)} AS __old{i}, {text('n', new_cols, c)} AS __new{i}"
              for i, c in enumerate(compared)]
    on = " AND ".join(f"o.{quote_identifier(k)} IS NOT DISTINCT FROM n.{quote_identifier(k)}" for k in keys)
    order = ", ".join(f"__key{i} NULLS LAST" for i in range(len(keys)))
    record_key = _record_key_sql({f"__key{i}": t for i, t in enumerate(keys.values())}, "j")
    head = ", ".join(f"__key{i}" for i in range(len(keys))) + ", record_key, change"
    branches = [f"SELECT {head}, -1 AS pos, CAST(NULL AS VARCHAR) AS field, CAST(NULL AS VARCHAR) AS old_value, "
                f"CAST(NULL AS VARCHAR) AS new_value FROM joined WHERE change <> 'changed'"]
    branches += [f"SELECT {head}, {i}, {quote_literal(c)}, __old{i}, __new{i} FROM joined "
                 f"WHERE change = 'changed' AND __old{i} IS DISTINCT FROM __new{i}" for i, c in enumerate(compared)]
    union = "\n  UNION ALL ".join(branches)
    return f"""
WITH joined AS MATERIALIZED (
  SELECT j.*, {record_key} AS record_key FROM (
    SELECT {', '.join(key_cols + values)},
           CASE WHEN n.{_PRESENT} IS NULL THEN 'removed' WHEN o.{_PRESENT} IS NULL THEN 'added'
                ELSE 'changed' END AS change
    FROM {_side_sql(old_path, old_cols, keys)} AS o
    FULL OUTER JOIN {_side_sql(new_path, new_cols, keys)} AS n ON {on}
  ) AS j
)
SELECT record_key, change, field, old_value, new_value FROM (
  {union}
) ORDER BY {order}, pos
"""


def _check_keys(con: duckdb.DuckDBPyConnection, name: str, path: Path, columns: dict[str, str]) -> None:
    """Raise ValueError when the file lacks a primary key column or holds a key twice (the smallest is named)."""
    keys = schemas.table(name).primary_key
    missing = [k for k in keys if k not in columns]
    if missing:
        raise ValueError(f"{path}: table {name} lacks primary key column(s) {', '.join(missing)}")
    key_list = ", ".join(quote_identifier(k) for k in keys)
    record_key = _record_key_sql({k: columns[k] for k in keys}, "t")
    dup = con.sql(f"SELECT {record_key} FROM read_parquet($path) AS t GROUP BY {key_list} HAVING count(*) > 1 "
                  f"ORDER BY {key_list} NULLS LAST LIMIT 1", params={"path": str(path)}).fetchall()
    if dup:
        raise ValueError(f"{path}: table {name} has duplicate primary key {dup[0][0]!r}")


def diff_tables(name: str, old_path: Path | None, new_path: Path | None,
                con: duckdb.DuckDBPyConnection | None = None) -> pa.Table:
    """Record-level changes of one contract table between two Parquet files (``old_path`` None or a missing
    file = no rows) as an Arrow table with the :func:`changes_schema` columns, ordered by key then column.
    Raises ValueError when a file lacks a key column or has a duplicate key."""
    import duckdb

    own = con is None
    con = con or duckdb.connect()
    try:
        old_cols, new_cols = _columns(con, old_path), _columns(con, new_path)
        for path, cols in ((old_path, old_cols), (new_path, new_cols)):
            if cols:
                _check_keys(con, name, path, cols)
        if not old_cols and not new_cols:
            return changes_schema().empty_table()
        key_types = {k: (new_cols or old_cols)[k] for k in schemas.table(name).primary_key}
        rel = con.sql(diff_sql(key_types, old_cols, new_cols, old_path, new_path))
        result = rel.to_arrow_table()
    finally:
        if own:
            con.close()
    import pyarrow as pa

    table_name = pa.array([name] * result.num_rows, pa.string())
    return pa.Table.from_arrays([table_name, *result.columns], schema=changes_schema())


def diff_releases(old_dir: Path | None, new_dir: Path) -> pa.Table:
    """Record-level diff of two release (or staged tables) folders, matched by each contract table's primary key.

    Returns a ``pyarrow.Table`` (:func:`changes_schema`): ``table_name``, ``record_key`` (primary key values
    joined with ``|``), ``change`` (``added`` / ``removed`` / ``changed``), ``field`` (NULL unless changed),
    ``old_value`` and ``new_value`` (text; NULL where absent). One row per added or removed record and one
    per changed field. Order: contract table order, then key (numbers numerically), then column order.
    ``old_dir`` None (a first release) reports every record as added; a missing table file has no rows.
    Raises ValueError on a duplicate key or a missing key column.
    """
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    try:
        parts = [diff_tables(name, Path(old_dir) / f"{name}.parquet" if old_dir is not None else None,
                             Path(new_dir) / f"{name}.parquet", con) for name in schemas.tables()]
    finally:
        con.close()
    return pa.concat_tables(parts).combine_chunks()


def summarise(changes: pa.Table) -> dict[str, dict[str, int]]:
    """Records per contract table and change kind (a changed record counts once however many fields changed):
    ``{table: {"added": n, "removed": n, "changed": n}}``, contract tables first (in order, zeros included),
    then any other table named in ``changes`` (sorted)."""
    grouped = changes.group_by(["table_name", "change"]).aggregate([("record_key", "count_distinct")])
    counts = {(r["table_name"], r["change"]): r["record_key_count_distinct"] for r in grouped.to_pylist()}
    names = list(schemas.tables()) + sorted({t for t, _ in counts} - set(schemas.tables()))
    return {t: {c: counts.get((t, c), 0) for c in CHANGE_KINDS} for t in names}


def write_changes(changes: pa.Table, out_dir: Path, old_version: str | None, new_version: str) -> list[str]:
    """Write ``changes.parquet`` (the :func:`diff_releases` table, versions in its schema metadata) and
    ``CHANGELOG.md`` (``warehouse.release.changelog.changelog_markdown``) into ``out_dir`` (created if needed).
    ``old_version`` None = first release. Returns the file names written."""
    import pyarrow.parquet as pq

    from warehouse.release.changelog import changelog_markdown

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = {"old_version": old_version or "", "new_version": new_version,
            "description": "Record-level changes from the previous release, by primary key."}
    table = changes.cast(changes_schema()).replace_schema_metadata(meta)
    pq.write_table(table, out_dir / CHANGES_FILE)
    (out_dir / CHANGELOG_FILE).write_text(changelog_markdown(changes, old_version, new_version), encoding="utf-8")
    return [CHANGES_FILE, CHANGELOG_FILE]


# --- content digest -------------------------------------------------------------------------------------------

def _canonical_rows(table) -> Iterable[bytes]:
    """One canonical JSON line per row (values in column order; dates etc. as :func:`value_text`)."""
    for batch in table.to_batches(max_chunksize=4096):
        for row in batch.to_pylist():
            yield json.dumps(list(row.values()), ensure_ascii=False, default=value_text,
                             separators=(",", ":")).encode("utf-8") + b"\n"


def content_digest(release_or_tables_dir: Path) -> str:
    """sha256 over the content of every contract table's Parquet file in a release or staged tables folder.

    Covers, per table in contract order: the table name, column names and Arrow types, and every row's values
    in file order (row order is content: releases are written sorted). Not covered: Parquet file bytes,
    schema/field metadata (descriptions, writer, timestamps), row-group layout. A missing table file is hashed
    as "missing". Two folders with equal digests hold the same data, so the publisher can skip a release whose
    content equals the latest one.
    """
    import pyarrow.parquet as pq

    folder = Path(release_or_tables_dir)
    digest = hashlib.sha256()
    for name in schemas.tables():
        path = folder / f"{name}.parquet"
        if not path.exists():
            digest.update(json.dumps({"table": name, "missing": True}).encode() + b"\n")
            continue
        table = pq.read_table(path)
        header = {"table": name, "columns": [[f.name, str(f.type)] for f in table.schema],
                  "rows": table.num_rows}
        digest.update(json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n")
        for line in _canonical_rows(table):
            digest.update(line)
    return digest.hexdigest()
