"""The source kinds the pipeline knows, and what every extraction gets whatever its kind.

Document snapshots are read by ``extractors.report_text``; each live source is a package ``extractors/<id>/``
exposing ``SOURCE`` (:class:`extractors.core.live.LiveSource`). A snapshot's ``origin.yaml`` names its reader
(``extractor``, default ``report_text``). Packages are imported when used, never at DAG parse time.

Adding a live source: a package with ``settings.yaml``, ``fetch.py``, ``extract.py`` and tests, and its id in
:data:`LIVE_SOURCES`.
"""
from __future__ import annotations

import importlib

from extractors.core import coverage, snapshot_writer, snapshots
from extractors.core.live import LiveSource
from extractors.core.records import Extraction, apply_source_terms, flag_row, source_file_rows, source_row

LIVE_SOURCES = ("federal_register", "agora", "owid", "tw_law", "eur_lex", "kr_law", "jp_egov",
                "patentsview")


class UnknownSource(ValueError):
    """A source id or extractor name the pipeline has no package for."""


def live_source(source_id: str) -> LiveSource:
    """The ``SOURCE`` of ``extractors.<source_id>``. Raises UnknownSource for an id not in LIVE_SOURCES."""
    if source_id not in LIVE_SOURCES:
        raise UnknownSource(f"unknown live source {source_id!r}; known: {', '.join(LIVE_SOURCES)}")
    return importlib.import_module(f"extractors.{source_id}").SOURCE


def _reader(snap: snapshots.Snapshot):
    name = snap.meta.get("extractor") or "report_text"
    if name == "report_text":
        from extractors.report_text.extract import extract_source

        return extract_source
    return live_source(name).extract


def extract(snap: snapshots.Snapshot) -> Extraction:
    """Extract one verified snapshot with its reader, then give it what every source has: its ``sources`` row
    (stale when its last fetch failed, with a ``source_stale`` quality flag; what it covers and as of when, by
    :mod:`extractors.core.coverage`), its ``source_files`` rows, and the
    source's licence and ``non_commercial`` on every row that does not carry its own."""
    ex = _reader(snap)(snap)
    status = snapshot_writer.read_status().get(snap.source_id) or {}
    src = coverage.fill(source_row(snap, status), snap.meta, snap.files, ex.rows)
    ex.rows["sources"] = [src]
    ex.rows["source_files"] = source_file_rows(snap)
    apply_source_terms(ex, src)
    if src["stale_since"]:
        ex.rows["quality_flags"].append(flag_row(
            snap.source_id, "sources", snap.source_id, "source_stale",
            f"the last fetch failed ({src['fetch_error']}); stale since {src['stale_since']}: this release uses "
            f"snapshot version {src['snapshot_version']}", snap.meta["snapshot_file"].split("/", 1)[1]))
    return ex
