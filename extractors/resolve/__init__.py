"""Resolve stage: the policy mentions of all sources -> one ``policies`` row per real-world instrument.

See :mod:`extractors.resolve.policies` (the rules; keys and ids in :mod:`.keys`, joins by identifier, acronym
and English title and the lead key in :mod:`.joins`, the precedence of legal records, registries and reports
in :mod:`.precedence`, reviewed curation in :mod:`.overrides`; an overview in README.md); the names below are
the stage's public interface.
"""
from extractors.core.records import relation_id
from extractors.resolve.keys import policy_key_id, title_acronym, title_key
from extractors.resolve.overrides import OverrideError, load_overrides
from extractors.resolve.policies import resolve

__all__ = ["OverrideError", "load_overrides", "policy_key_id", "relation_id", "resolve", "title_acronym",
           "title_key"]
