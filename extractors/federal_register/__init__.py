"""US Federal Register API: presidential documents on AI (executive orders, memoranda) as a live source.

- :mod:`.search`: the searches (``/api/v1/documents.json``, sliced by publication date, paged by
  ``next_page_url``); :mod:`.fetch`: the files of a version (document JSON re-fetched every time, full text
  once), the change probe and the fingerprint; :mod:`.fulltext` and :mod:`.notes`: reading the full-text XML
  and the disposition notes; :mod:`.extract`: mentions, relations and flags; :mod:`.bundle`: the first
  version, from recorded full texts. Settings: ``settings.yaml``; reading rules: ``rules.yaml``; notes on
  choices: ``README.md``.
"""
from extractors.core.live import LiveSource
from extractors.federal_register.config import SETTINGS_FILE, SOURCE_ID
from extractors.federal_register import extract, fetch

SOURCE = LiveSource(source_id=SOURCE_ID, settings_file=SETTINGS_FILE, fetch=fetch.fetch, extract=extract.extract,
                    fingerprint=fetch.fingerprint)
