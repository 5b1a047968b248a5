"""Japan's e-Gov law API v2: the AI Promotion Act (人工知能関連技術の研究開発及び活用の推進に関する法律, 令和七年法律第
五十三号, law id 507AC0000000053) as a live source (legal record; Japanese laws are not copyrighted).

``SOURCE`` ties together :mod:`extractors.jp_egov.fetch` (the revisions JSON as change probe, the law XML as of
its current revision, the English reference XML of the Japanese Law Translation Database once) and
:mod:`extractors.jp_egov.extract` (the mention and its lifecycle events), reading the answers with
:mod:`extractors.jp_egov.egov`. Settings: ``settings.yaml``; the bundled first version:
:mod:`extractors.jp_egov.bundle`; notes on choices: ``README.md``.
"""
from extractors.core.live import LiveSource

from extractors.jp_egov import extract, fetch
from extractors.jp_egov.config import SETTINGS_FILE, SOURCE_ID

SOURCE = LiveSource(SOURCE_ID, SETTINGS_FILE, fetch=fetch.fetch, extract=extract.extract)
