"""ETO AGORA (AI GOvernance and Regulatory Archive) from Zenodo: AI laws, bills, orders and standards worldwide,
as a live source (registry role; AGORA's terms: attribution, full texts non-commercial).

``SOURCE`` ties together :mod:`extractors.agora.fetch` (the Zenodo record, its change probe and the members of
``agora.zip``), :mod:`extractors.agora.extract` (one policy mention per AGORA document) and the fingerprint that
ignores the record's view counters. Settings and reviewed tables: ``settings.yaml``; the bundled first version:
:mod:`extractors.agora.bundle`.
"""
from extractors.core.live import LiveSource

from extractors.agora import extract, fetch
from extractors.agora.config import SETTINGS_FILE, SOURCE_ID

SOURCE = LiveSource(SOURCE_ID, SETTINGS_FILE, fetch=fetch.fetch, extract=extract.extract,
                    fingerprint=fetch.fingerprint)
