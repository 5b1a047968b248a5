"""Staging between pipeline steps: per-source extracts, the combined tables and the resolved tables, as Parquet.

Steps pass folder URLs (small strings) to each other, never data frames. Every file is written with the
contract's Arrow schema (schemas/), so a row that does not fit the contract fails here, naming the table. Folders are
``UPath`` objects of :mod:`warehouse.storage` (``$ATLAS_WORK_URL``: a local folder, a shared filesystem or an object
store); plain local paths work too.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import schemas
from extractors.core.records import DATASET_TABLES, Extraction
from warehouse import storage
from warehouse.storage import UPath

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def work_dir() -> UPath:
    """Scratch folder for runs: ``$ATLAS_WORK_URL``, ``$ATLAS_WORK_DIR`` or ``<project>/.atlas/work``
    (:func:`warehouse.storage.work_root`)."""
    return storage.work_root()


def run_dir(run_id: str) -> UPath:
    """Scratch folder of one run (the run id made safe as a folder name)."""
    return work_dir() / re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)


FAILED_MARK = ".failed"            # in a failed run's scratch folder, kept for inspection
STALE_AFTER_SECONDS = 24 * 3600    # unmarked folders of other runs this old are leftovers (killed runs, older code)


def _remove(folder: UPath) -> None:
    storage.remove_tree(folder)


def _is_stale(folder: UPath, now: float) -> bool:
    """Unmarked and untouched for a day. An object store's "folder" (a key prefix) may have no time, or 0: then it
    is never taken for a leftover (it may be a running run's)."""
    if (folder / FAILED_MARK).exists():
        return False
    try:
        mtime = folder.stat().st_mtime
    except (OSError, AttributeError, NotImplementedError):
        return False
    return bool(mtime) and now - mtime > STALE_AFTER_SECONDS


def clean_scratch(run_id: str, succeeded: bool) -> list[UPath]:
    """Clean the scratch folders after run ``run_id`` ended; returns the folders removed.

    A successful run's folder is removed. A failed run's folder is kept for inspection, marked ``.failed``, and
    the folders of earlier failed runs are removed: only the most recent failure stays. Either way, unmarked
    folders of other runs untouched for a day (a killed run's, or from before this cleanup) are removed too.
    Only folders directly under :func:`work_dir` are ever touched; calling it twice changes nothing more."""
    root, own = work_dir(), run_dir(run_id)
    if not root.is_dir():
        return []
    others = [p for p in root.iterdir() if p.is_dir() and not _is_symlink(p) and p.name != own.name]
    now = time.time()
    doomed = [p for p in others if _is_stale(p, now)]
    if succeeded:
        doomed += [own] if own.is_dir() else []
    elif own.is_dir():
        (own / FAILED_MARK).write_text(f"run {run_id} failed; the most recent failure is kept\n", encoding="utf-8")
        doomed += [p for p in others if (p / FAILED_MARK).exists()]
    doomed = sorted(set(doomed), key=str)
    for folder in doomed:
        _remove(folder)
    return doomed


def _is_symlink(p: UPath) -> bool:
    return storage.is_local(p) and Path(p.path).is_symlink()


# Sort keys: output row order is deterministic whatever order sources and rows arrive in.
SORT_KEYS = {
    "sources": ["source_id"],
    "policies": ["jurisdiction", "issued_on", "policy_id"],
    "policy_mentions": ["policy_id", "source_id", "source_locator", "mention_id"],
    "policy_events": ["policy_id", "event_on", "event", "event_id"],
    "patent_counts": ["source_id", "source_locator", "record_id"],
    "market_figures": ["source_id", "record_id"],
    "report_tables": ["source_id", "table_id", "row_index", "column_index"],
    "quality_flags": ["source_id", "table_name", "flag_id"],
}


def to_arrow(name: str, rows: list[dict]) -> pa.Table:
    """Rows (dicts) -> Arrow table with the contract schema. Raises ValueError naming the table."""
    schema = schemas.arrow_schema(name)
    try:
        return pa.Table.from_pylist(rows, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise ValueError(f"table {name}: rows do not fit the contract: {exc}") from exc


def write_parquet(table: pa.Table, target: UPath) -> None:
    """One Parquet file at ``target`` (any storage of :mod:`warehouse.storage`)."""
    with target.open("wb") as fh:
        pq.write_table(table, fh)


def read_parquet(source: UPath) -> pa.Table:
    with source.open("rb") as fh:
        return pq.read_table(fh)


def write_extraction(ex: Extraction, folder: UPath) -> UPath:
    """Write one source's rows as ``<folder>/<source_id>/<table>.parquet``; returns that folder."""
    out = storage.path(folder) / ex.source_id
    out.mkdir(parents=True, exist_ok=True)
    for name in DATASET_TABLES:
        write_parquet(to_arrow(name, ex.rows[name]), out / f"{name}.parquet")
    return out


OVERRIDES_FILE = "overrides.json"   # per-table count of curation entries applied, read by publish


def _sort_key(row: dict, keys: list[str]):
    return tuple((row[k] is None, str(row[k]) if row[k] is not None else "") for k in keys)


def _dedupe(name: str, rows: list[dict]) -> list[dict]:
    keys = list(schemas.table(name).primary_key)
    seen: dict[tuple, dict] = {}
    unique = []
    for row in rows:
        key = tuple(row[k] for k in keys)
        if key in seen:
            if seen[key] != row:
                raise ValueError(f"table {name}: key {key} extracted twice with different content")
            continue
        seen[key] = row
        unique.append(row)
    return unique


def _read_tables(folders: list[UPath]) -> dict[str, list[dict]]:
    """Rows per dataset table, concatenated from the Parquet files of ``folders`` (in sorted folder order)."""
    tables: dict[str, list[dict]] = {}
    for name in DATASET_TABLES:
        rows: list[dict] = []
        for folder in sorted(folders, key=str):
            rows.extend(read_parquet(storage.path(folder) / f"{name}.parquet").to_pylist())
        tables[name] = rows
    return tables


def _write_tables(tables: dict[str, list[dict]], out: UPath) -> dict[str, int]:
    """One Parquet file per dataset table in ``out``, each deduplicated and deterministically sorted."""
    out = storage.path(out)
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name in DATASET_TABLES:
        unique = _dedupe(name, tables[name])
        unique.sort(key=lambda r: _sort_key(r, SORT_KEYS.get(name, list(schemas.table(name).primary_key))))
        write_parquet(to_arrow(name, unique), out / f"{name}.parquet")
        counts[name] = len(unique)
    return counts


def combine(extract_dirs: list[UPath], out: UPath) -> dict[str, int]:
    """Concatenate per-source extracts into one Parquet file per dataset table in ``out``, deterministically
    sorted. Identical records from several places are kept once (same primary key and same content); a key
    that comes with different content raises ValueError naming the table and key. Returns row counts.
    ``policies`` is still empty here: :func:`resolve_policies` fills it."""
    return _write_tables(_read_tables(extract_dirs), out)


def resolve_policies(combined_dir: UPath, out: UPath) -> dict[str, int]:
    """Resolve the policy mentions of all sources into ``policies`` (:mod:`extractors.resolve`): the combined
    tables of ``combined_dir`` with ``policies``, ``policy_mentions`` and ``policy_relations`` resolved and
    the resolver's quality flags added, written to ``out`` with ``overrides.json`` (curation entries applied
    per table); the ``sources`` rows give the resolver each source's role (legal record, registry, report).
    Raises OverrideError for a stale or malformed curation entry. Returns row counts."""
    from extractors import resolve
    from extractors.resolve import lifecycle

    tables = _read_tables([combined_dir])
    roles = {s["source_id"]: s["role"] for s in tables["sources"]}       # precedence where sources disagree
    resolved = resolve.resolve(tables["policy_mentions"], tables["policy_relations"], roles=roles,
                               events=tables["policy_events"])
    for name in ("policies", "policy_mentions", "policy_relations", "policy_events"):
        tables[name] = resolved[name]
    tables["quality_flags"] += resolved["quality_flags"]
    tables["quality_flags"] += lifecycle.stage_disagreements(tables["policy_events"], roles)
    lifecycle.apply_status(tables, dt.datetime.now(dt.timezone.utc).date())     # status on the build day
    counts = _write_tables(tables, out)
    overrides = json.dumps(resolved["overrides_applied"], sort_keys=True)
    (storage.path(out) / OVERRIDES_FILE).write_text(overrides, encoding="utf-8")
    return counts
