"""USPTO PatentsView granted-patent bulk data (ODP product ``PVGPATDIS``): an open, reproducible GenAI patent
count into ``patent_counts``.

A live source (:class:`extractors.core.live.LiveSource`): :mod:`.fetch` reads the product metadata (with the API
key, never recorded) and downloads only the files whose release changed, once each, within the quota kept by
:mod:`.ledger`, into the cache outside git; :mod:`.extract` recounts with DuckDB (:mod:`.recount`) by the GenAI
definition of ``definition.yaml`` (:mod:`.config`). No snapshot is bundled: there is no recorded response to bundle,
so the source enters a release with its first `atlas fetch patentsview`. See ``README.md`` here.
"""
from __future__ import annotations

from extractors.core.live import LiveSource
from extractors.patentsview import extract, fetch
from extractors.patentsview.config import SETTINGS_FILE, SOURCE_ID

SOURCE = LiveSource(source_id=SOURCE_ID, settings_file=SETTINGS_FILE, fetch=fetch.fetch, extract=extract.extract,
                    fingerprint=fetch.fingerprint)

__all__ = ["SOURCE"]
