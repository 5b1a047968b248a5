"""Our World in Data chart API: AI indicators by country and year (investment in AI and generative AI, AI bills
passed into law, AI patents), as the ``indicators`` table.

A live source (:class:`extractors.core.live.LiveSource`): :mod:`.fetch` records each listed chart's
``<slug>.csv`` and ``<slug>.metadata.json`` (short column names, conditional requests, a ``lastUpdated``
change probe; checked before anything is kept), :mod:`.extract` turns the pinned version into rows keyed on
the OWID variable id, with each origin's licence per row. Settings, reviewed licences and entity scopes:
``settings.yaml`` (:mod:`.config`); the first snapshot: :mod:`.bundle`. See ``README.md`` here.
"""
from __future__ import annotations

from extractors.core.live import LiveSource
from extractors.owid import extract, fetch
from extractors.owid.config import SETTINGS_FILE, SOURCE_ID

SOURCE = LiveSource(source_id=SOURCE_ID, settings_file=SETTINGS_FILE, fetch=fetch.fetch, extract=extract.extract,
                    fingerprint=fetch.fingerprint)

__all__ = ["SOURCE"]
