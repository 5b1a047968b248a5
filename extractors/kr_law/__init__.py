"""Korea's law.go.kr Open API: the AI Basic Act (인공지능 발전과 신뢰 기반 조성 등에 관한 기본법, 법령ID 014820) and
its Enforcement Decree (015032) as a live source (legal record; Korean statutes are not copyrighted).

``SOURCE`` ties together :mod:`extractors.kr_law.fetch` (the effective-date and English-name indexes and the
text of every effective-date version; the OC user id from ``ATLAS_KR_LAW_OC``, never recorded) and
:mod:`extractors.kr_law.extract` (mentions, lifecycle events, the Decree's ``implements`` relation), reading the
XML with :mod:`extractors.kr_law.lawxml`. Settings: ``settings.yaml``; the bundled first version:
:mod:`extractors.kr_law.bundle`; notes on choices: ``README.md``.
"""
from extractors.core.live import LiveSource

from extractors.kr_law import extract, fetch
from extractors.kr_law.config import SETTINGS_FILE, SOURCE_ID

SOURCE = LiveSource(SOURCE_ID, SETTINGS_FILE, fetch=fetch.fetch, extract=extract.extract)
