"""What changed between two releases: a record-level diff by stable id, the changelog, and a content digest.

Records are matched by each contract table's ``primary_key`` (``schemas/tables.yaml``), so a record that moves
within a file is not a change, and a changed value is reported field by field:

* :func:`diff_releases` -> one row per added record, removed record, or changed field (an Arrow table);
* :func:`write_changes` -> ``changes.parquet`` and ``CHANGELOG.md`` in a release folder;
* :func:`content_digest` -> a sha256 of the table *content* (values in file order, column names and types),
  independent of Parquet metadata, so a run whose tables equal the latest release's can skip publishing.

Values are compared and reported as text (:func:`value_text`): ``NULL`` is ``None``, dates are ISO 8601,
booleans ``true``/``false``, floats ``repr`` (``38210.0``).
"""
from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import schemas

if TYPE_CHECKING:
    import pyarrow as pa

CHANGES_FILE = "changes.parquet"
CHANGELOG_FILE = "CHANGELOG.md"
CHANGE_KINDS = ("added", "removed", "changed")
KEY_SEPARATOR = "|"
_LIST_LIMIT = 200            # records listed per table and change kind in CHANGELOG.md (all are in the parquet)
_VALUE_LIMIT = 300           # characters of a value shown in CHANGELOG.md


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
    """A cell value as the text used in the diff (None stays None)."""
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


def _sort_part(value: Any) -> tuple:
    """Order key components: numbers numerically, everything else as text, NULL last."""
    if value is None:
        return (2, 0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value, "")
    return (1, 0, value_text(value))


def _read_table(path: Path):
    import pyarrow.parquet as pq

    return pq.read_table(path) if path.exists() else None


def _records(name: str, path: Path) -> tuple[list[str], dict[tuple, dict]]:
    """Column names and rows by primary key of one release table (missing file = no rows)."""
    table = _read_table(path)
    if table is None:
        return [], {}
    keys = schemas.table(name).primary_key
    missing = [k for k in keys if k not in table.column_names]
    if missing:
        raise ValueError(f"{path}: table {name} lacks primary key column(s) {', '.join(missing)}")
    rows: dict[tuple, dict] = {}
    for row in table.to_pylist():
        key = tuple(row[k] for k in keys)
        if key in rows:
            raise ValueError(f"{path}: table {name} has duplicate primary key "
                             f"{KEY_SEPARATOR.join(value_text(v) or '' for v in key)!r}")
        rows[key] = row
    return table.column_names, rows


def diff_tables(name: str, old_path: Path | None, new_path: Path) -> list[dict]:
    """Record-level changes of one contract table between two Parquet files (``old_path`` None = no rows).
    Rows are dicts with the :func:`changes_schema` columns, ordered by key then column."""
    old_cols, old = _records(name, old_path) if old_path is not None else ([], {})
    new_cols, new = _records(name, new_path)
    keys = schemas.table(name).primary_key
    columns = new_cols + [c for c in old_cols if c not in new_cols]
    compared = [c for c in columns if c not in keys]
    out: list[dict] = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: tuple(_sort_part(v) for v in k)):
        record_key = KEY_SEPARATOR.join(value_text(v) or "" for v in key)
        base = {"table_name": name, "record_key": record_key}
        if key not in new:
            out.append({**base, "change": "removed", "field": None, "old_value": None, "new_value": None})
        elif key not in old:
            out.append({**base, "change": "added", "field": None, "old_value": None, "new_value": None})
        else:
            o, n = old[key], new[key]
            for col in compared:
                ov, nv = value_text(o.get(col)), value_text(n.get(col))
                if ov != nv:
                    out.append({**base, "change": "changed", "field": col, "old_value": ov, "new_value": nv})
    return out


def diff_releases(old_dir: Path | None, new_dir: Path) -> pa.Table:
    """Record-level diff of two release (or staged tables) folders, matched by each contract table's primary key.

    Returns a ``pyarrow.Table`` (:func:`changes_schema`): ``table_name``, ``record_key`` (primary key values
    joined with ``|``), ``change`` (``added`` / ``removed`` / ``changed``), ``field`` (NULL unless changed),
    ``old_value`` and ``new_value`` (text; NULL where absent). One row per added or removed record and one
    per changed field. Order: contract table order, then key (numbers numerically), then column order.
    ``old_dir`` None (a first release) reports every record as added. Raises ValueError on a duplicate key.
    """
    import pyarrow as pa

    rows: list[dict] = []
    for name in schemas.tables():
        old_path = Path(old_dir) / f"{name}.parquet" if old_dir is not None else None
        rows.extend(diff_tables(name, old_path, Path(new_dir) / f"{name}.parquet"))
    return pa.Table.from_pylist(rows, schema=changes_schema())


def summarise(changes: pa.Table) -> dict[str, dict[str, int]]:
    """Records per contract table and change kind (a changed record counts once however many fields changed)."""
    records = {(r["table_name"], r["record_key"], r["change"]) for r in changes.to_pylist()}
    counts = Counter((t, c) for t, _, c in records)
    names = list(schemas.tables()) + sorted({t for t, _, _ in records} - set(schemas.tables()))
    return {t: {c: counts.get((t, c), 0) for c in CHANGE_KINDS} for t in names}


def _md_value(value: str | None) -> str:
    if value is None:
        return "NULL"
    text = value.replace("\r", "\\r").replace("\n", "\\n")
    if len(text) > _VALUE_LIMIT:
        text = text[:_VALUE_LIMIT] + "…"
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _summary_lines(summary: dict[str, dict[str, int]]) -> list[str]:
    lines = ["| table | added | removed | changed |", "|---|---:|---:|---:|"]
    for name, c in summary.items():
        lines.append(f"| {name} | {c['added']} | {c['removed']} | {c['changed']} |")
    total = {k: sum(c[k] for c in summary.values()) for k in CHANGE_KINDS}
    lines.append(f"| **total** | {total['added']} | {total['removed']} | {total['changed']} |")
    return lines


def _limited(items: list[str], limit: int) -> list[str]:
    if len(items) <= limit:
        return items
    return items[:limit] + [f"- … and {len(items) - limit} more (see `{CHANGES_FILE}`)"]


def changelog_markdown(changes: pa.Table, old_version: str | None, new_version: str, *,  # noqa: C901  (over the complexity budget: to be split, issue 9)
                       limit: int = _LIST_LIMIT) -> str:
    """``CHANGELOG.md`` text: counts per table and change kind, then per table the changed records (field
    old -> new) and the added and removed ids. ``old_version`` None means a first release."""
    summary = summarise(changes)
    rows = changes.to_pylist()
    lines = [f"# Release {new_version}: changes", ""]
    if old_version is None:
        total = sum(c["added"] for c in summary.values())
        lines += [f"First release: there is no previous release to compare with. All {total} records are new.",
                  "", "| table | records |", "|---|---:|"]
        lines += [f"| {name} | {c['added']} |" for name, c in summary.items()]
        lines += ["", f"Every record is listed as added in `{CHANGES_FILE}`.", ""]
        return "\n".join(lines)
    lines += [f"Compared with release {old_version}, record by record (records matched by each table's "
              f"primary key; `{CHANGES_FILE}` has every change).", ""]
    lines += _summary_lines(summary) + [""]
    if not rows:
        lines += ["No record was added, removed or changed.", ""]
        return "\n".join(lines)
    for name in summary:
        table_rows = [r for r in rows if r["table_name"] == name]
        if not table_rows:
            continue
        lines += [f"## {name}", ""]
        changed: dict[str, list[dict]] = {}
        for r in table_rows:
            if r["change"] == "changed":
                changed.setdefault(r["record_key"], []).append(r)
        if changed:
            items = []
            for key, fields in changed.items():
                items.append(f"- `{key}`")
                items += [f"  - {f['field']}: {_md_value(f['old_value'])} -> {_md_value(f['new_value'])}"
                          for f in fields]
            lines += [f"### Changed ({len(changed)})", ""] + _limited_records(items, limit) + [""]
        for kind in ("added", "removed"):
            keys = [f"- `{r['record_key']}`" for r in table_rows if r["change"] == kind]
            if keys:
                lines += [f"### {kind.capitalize()} ({len(keys)})", ""] + _limited(keys, limit) + [""]
    return "\n".join(lines)


def _limited_records(items: list[str], limit: int) -> list[str]:
    """Like :func:`_limited` for the changed list, where a record spans a line plus one line per field."""
    starts = [i for i, line in enumerate(items) if line.startswith("- ")]
    if len(starts) <= limit:
        return items
    return items[:starts[limit]] + [f"- … and {len(starts) - limit} more (see `{CHANGES_FILE}`)"]


def write_changes(changes: pa.Table, out_dir: Path, old_version: str | None, new_version: str) -> list[str]:
    """Write ``changes.parquet`` (the :func:`diff_releases` table, versions in its schema metadata) and
    ``CHANGELOG.md`` into ``out_dir``. ``old_version`` None = first release. Returns the file names written."""
    import pyarrow.parquet as pq

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = {"old_version": old_version or "", "new_version": new_version,
            "description": "Record-level changes from the previous release, by primary key."}
    table = changes.cast(changes_schema()).replace_schema_metadata(meta)
    pq.write_table(table, out_dir / CHANGES_FILE)
    (out_dir / CHANGELOG_FILE).write_text(changelog_markdown(changes, old_version, new_version), encoding="utf-8")
    return [CHANGES_FILE, CHANGELOG_FILE]


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
