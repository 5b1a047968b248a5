"""EUR-Lex CELLAR (the Publications Office's SPARQL endpoint): the AI Act and the acts that amend, correct, repeal
or implement it, as a live source (legal_record role; EU content reusable under Decision 2011/833/EU).

- :mod:`.sparql`: the two queries and the checks of every answer; :mod:`.fetch`: the files of a version and the
  fingerprint; :mod:`.formex`: the Official Journal's Formex publication metadata; :mod:`.acts`: a version read
  into acts; :mod:`.lifecycle`: stages (``policy_events``) and links between acts; :mod:`.extract`: mentions,
  events, relations and flags; :mod:`.bundle`: the first version, from recorded responses. Settings:
  ``settings.yaml``; notes on choices and limits: ``README.md``.
"""
from extractors.core.live import LiveSource

from extractors.eur_lex import extract, fetch
from extractors.eur_lex.config import SETTINGS_FILE, SOURCE_ID

SOURCE = LiveSource(SOURCE_ID, SETTINGS_FILE, fetch=fetch.fetch, extract=extract.extract,
                    fingerprint=fetch.fingerprint)
