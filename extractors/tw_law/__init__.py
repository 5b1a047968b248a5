"""Taiwan's 全國法規資料庫 (Laws & Regulations Database, Ministry of Justice) as a live source: the tracked laws'
records out of the MOJ Open API's whole-database dumps (role legal_record; statutes are not protected by copyright,
the open data is under the 政府資料開放授權條款).

``SOURCE`` ties together :mod:`extractors.tw_law.fetch` (the dumps, their change probe, one record per tracked
law), :mod:`extractors.tw_law.extract` (mentions, lifecycle events from 沿革 and 施行 dates, flags) and the
fingerprint that compares a record by its JSON content. Settings and reviewed tables: ``settings.yaml``; the
bundled first version: :mod:`extractors.tw_law.bundle`.
"""
from extractors.core.live import LiveSource

from extractors.tw_law import extract, fetch
from extractors.tw_law.config import SETTINGS_FILE, SOURCE_ID

SOURCE = LiveSource(SOURCE_ID, SETTINGS_FILE, fetch=fetch.fetch, extract=extract.extract,
                    fingerprint=fetch.fingerprint)
